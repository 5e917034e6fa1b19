/**
 * Browser-side calls of the MCP routes: the user's MCP servers (/api/mcp-servers/**) and their tools, and a
 * workflow's "offer as an MCP tool" setting. An auth header's value goes up on creation or replacement only.
 * Client-safe.
 */
import {
  type CreateMcpServerBody,
  type McpServerDto,
  type McpToolDto,
  mcpServerListResponseSchema,
  mcpServerResponseSchema,
  mcpServerToolsResponseSchema,
  type WorkflowMcpTool,
  workflowMcpToolResponseSchema,
} from "@/lib/contracts/mcp";
import { fetchJson } from "./fetch-json";

export type { McpServerDto, McpToolDto, WorkflowMcpTool };

export async function fetchMcpServers({ signal }: { signal?: AbortSignal } = {}): Promise<McpServerDto[]> {
  return (await fetchJson("/api/mcp-servers", { schema: mcpServerListResponseSchema, signal })).servers;
}

export async function createMcpServer(body: CreateMcpServerBody): Promise<McpServerDto> {
  return (await fetchJson("/api/mcp-servers", { method: "POST", body, schema: mcpServerResponseSchema })).server;
}

export function deleteMcpServer(id: string): Promise<void> {
  return fetchJson(`/api/mcp-servers/${encodeURIComponent(id)}`, { method: "DELETE", schema: null });
}

export async function fetchMcpServerTools(
  id: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<McpToolDto[]> {
  const path = `/api/mcp-servers/${encodeURIComponent(id)}/tools`;
  return (await fetchJson(path, { schema: mcpServerToolsResponseSchema, signal })).tools;
}

export function fetchWorkflowMcpTool(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<WorkflowMcpTool> {
  return fetchJson(`/api/workflows/${encodeURIComponent(id)}/mcp-tool`, {
    schema: workflowMcpToolResponseSchema,
    signal,
  });
}

export function setWorkflowMcpTool({ id, offered }: { id: string; offered: boolean }): Promise<WorkflowMcpTool> {
  return fetchJson(`/api/workflows/${encodeURIComponent(id)}/mcp-tool`, {
    method: "PUT",
    body: { offered },
    schema: workflowMcpToolResponseSchema,
  });
}
