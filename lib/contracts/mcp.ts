/**
 * Contracts of the MCP routes: the MCP servers a user registers (/api/mcp-servers) and their tools, and
 * whether a workflow is offered as a tool at /api/mcp (/api/workflows/{id}/mcp-tool). An auth header's value
 * is accepted on creation and replacement only; no answer carries it (a hint at most). Client-safe.
 */
import { z } from "zod";
import { idSchema, jsonRecordSchema, timestampSchema } from "./common";

export const MCP_SERVER_LIMITS = {
  nameMaxLength: 100,
  urlMaxLength: 2_000,
  headerValueMaxLength: 8_000,
  defaultTimeoutMs: 30_000,
  minTimeoutMs: 1_000,
  maxTimeoutMs: 300_000,
} as const;

const nameField = z
  .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be a string") })
  .trim()
  .min(1, "Name is required")
  .max(MCP_SERVER_LIMITS.nameMaxLength, `Name must be at most ${MCP_SERVER_LIMITS.nameMaxLength} characters`);

const urlField = z
  .string({ error: (issue) => (issue.input === undefined ? "URL is required" : "URL must be a string") })
  .trim()
  .min(1, "URL is required")
  .max(MCP_SERVER_LIMITS.urlMaxLength, `URL must be at most ${MCP_SERVER_LIMITS.urlMaxLength} characters`)
  .pipe(
    z
      .url({ protocol: /^https?$/, error: "URL must be an http(s) URL" })
      .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), "URL must not contain a user name or password"),
  );

/** An HTTP header sent with every request to the server; its value may use {{secrets.NAME}}. */
const authHeaderField = z
  .object({
    name: z
      .string({ error: "Header name must be a string" })
      .trim()
      .min(1, "Header name is required")
      .max(100, "Header name must be at most 100 characters")
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "Header name must be a valid HTTP header name"),
    value: z
      .string({ error: "Header value must be a string" })
      .trim()
      .min(1, "Header value is required")
      .max(MCP_SERVER_LIMITS.headerValueMaxLength, "Header value is too long")
      .refine((value) => !/[\r\n]/.test(value), "Header value must be one line"),
  })
  .strict()
  .meta({
    description:
      'Sent with every request, e.g. { "name": "Authorization", "value": "Bearer {{secrets.GITHUB_TOKEN}}" }; the value is stored sealed and never shown again',
  });

const timeoutField = z
  .number({ error: "Timeout must be a number of milliseconds" })
  .int("Timeout must be a whole number of milliseconds")
  .min(MCP_SERVER_LIMITS.minTimeoutMs, `Timeout must be at least ${MCP_SERVER_LIMITS.minTimeoutMs} ms`)
  .max(MCP_SERVER_LIMITS.maxTimeoutMs, `Timeout must be at most ${MCP_SERVER_LIMITS.maxTimeoutMs} ms`)
  .meta({ description: "How long one tool call may take (default 30000)" });

export const createMcpServerBodySchema = z
  .object({
    name: nameField,
    url: urlField.meta({ description: "The server's Streamable HTTP endpoint, e.g. https://mcp.example.com/mcp" }),
    authHeader: authHeaderField.optional(),
    timeoutMs: timeoutField.optional(),
  })
  .strict()
  .meta({ id: "CreateMcpServerBody" });
export type CreateMcpServerBody = z.infer<typeof createMcpServerBodySchema>;

export const updateMcpServerBodySchema = z
  .object({
    name: nameField.optional(),
    url: urlField.optional(),
    /** null: send no auth header any more. */
    authHeader: authHeaderField.nullable().optional(),
    timeoutMs: timeoutField.optional(),
  })
  .strict()
  .meta({ id: "UpdateMcpServerBody" });
export type UpdateMcpServerBody = z.infer<typeof updateMcpServerBodySchema>;

export const mcpServerSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    url: z.string(),
    authHeader: z
      .object({ name: z.string(), hint: z.string().meta({ description: "Its secret references, or a masked tail" }) })
      .nullable(),
    timeoutMs: z.number().int(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "McpServer" });
export type McpServerDto = z.infer<typeof mcpServerSchema>;

export const mcpToolSchema = z
  .object({
    name: z.string(),
    title: z.string().optional(),
    description: z.string(),
    inputSchema: jsonRecordSchema.meta({ description: "The tool's arguments, as a JSON Schema object" }),
  })
  .meta({ id: "McpTool" });
export type McpToolDto = z.infer<typeof mcpToolSchema>;

export const mcpServerListResponseSchema = z.object({ servers: z.array(mcpServerSchema) });
export const mcpServerResponseSchema = z.object({ server: mcpServerSchema });
export const mcpServerToolsResponseSchema = z.object({ tools: z.array(mcpToolSchema) });

export const workflowMcpToolBodySchema = z
  .object({ offered: z.boolean({ error: "offered must be true or false" }) })
  .strict()
  .meta({ id: "WorkflowMcpToolBody" });

export const workflowMcpToolResponseSchema = z
  .object({
    offered: z.boolean(),
    toolName: z.string().meta({ description: "The tool's name at /api/mcp" }),
  })
  .meta({ id: "WorkflowMcpTool" });
export type WorkflowMcpTool = z.infer<typeof workflowMcpToolResponseSchema>;

/** A workflow's tool name at /api/mcp: its name in snake case, then its id's tail so names never clash. */
export function workflowToolName(workflow: { id: string; name: string }): string {
  const base =
    workflow.name
      .normalize("NFKD")
      .replace(/[^\w]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .toLowerCase()
      .slice(0, 40) || "workflow";
  return `${base}_${workflow.id.slice(-6).toLowerCase()}`;
}

/** A JSON-RPC 2.0 message of MCP (request, notification or response), for the API's documentation. */
export const mcpJsonRpcMessageSchema = z
  .looseObject({
    jsonrpc: z.literal("2.0"),
    id: z.union([z.string(), z.number()]).optional(),
    method: z.string().optional(),
    params: jsonRecordSchema.optional(),
    result: jsonRecordSchema.optional(),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
  })
  .meta({ id: "McpJsonRpcMessage", description: "A JSON-RPC 2.0 message (MCP)" });

/**
 * What /api/mcp answers a request it refuses past authentication (HTTP 4xx): a JSON-RPC error without an id,
 * as MCP's Streamable HTTP transport has it. -32700 the body is not JSON (or not readable: not UTF-8, nested
 * too deep), -32600 it is JSON but not a JSON-RPC message, -32001 no such session (or not the caller's),
 * -32000 anything else the transport refuses (size, media type, Accept, protocol version).
 */
export const mcpJsonRpcErrorSchema = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.null(),
    error: z.object({ code: z.number().int(), message: z.string().min(1), data: z.unknown().optional() }),
  })
  .meta({ id: "McpJsonRpcError", description: "A JSON-RPC 2.0 error answer of /api/mcp" });
