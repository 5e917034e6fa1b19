/**
 * /api/mcp: the caller's workflows offered as MCP tools (Streamable HTTP, the official SDK's web-standard
 * server transport). A client authenticates with an API key (Bearer) on every request and opens a session
 * (initialize). Sessions are needed for cancellation — a client cancels with a separate request
 * (notifications/cancelled) — and are recorded in the database (mcp_sessions) so that any app instance
 * serves any session: an instance that does not hold one opens it again from the client's initialize
 * params, and a cancel that reaches an instance not running the call finds the call's run (mcp_calls) and
 * cancels it through the cross-instance cancel (the event bus). A session unused for 30 minutes is gone.
 *
 * tools/list reads the owner's offered workflows each time; tools/call runs one through `execute` like an
 * API run (tracked, under the owner's run limits), sends a progress notification at every node start and end
 * when the client asked for progress, and aborts the run (it ends `cancelled`) when the client cancels.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isJsonContentType } from "@modelcontextprotocol/sdk/shared/mediaType.js";
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  type CallToolResult,
  ErrorCode,
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { authenticate } from "@/lib/auth/authenticate";
import { workflowToolName } from "@/lib/contracts/mcp";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { listOfferedWorkflows, type OfferedWorkflow } from "@/lib/db/queries/mcp-servers";
import {
  deleteIdleMcpSessions,
  deleteMcpSession,
  findMcpCallExecution,
  insertMcpCall,
  insertMcpSession,
  touchMcpSession,
} from "@/lib/db/queries/mcp-sessions";
import { execute } from "@/lib/engine/execute";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { readJsonValue } from "@/lib/http";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";
import { cancelExecution } from "@/lib/tracking/cancel";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { runLimitSettings } from "./run-limits";

const SESSION_IDLE_MS = 30 * 60_000;
const MAX_SESSIONS = 1_000;
/** The largest POST body: the SDK transport's own default (a tools/call carries the workflow's message). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

interface Session {
  ownerId: string;
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  lastSeen: number;
}

/** The sessions this process holds (a cache: the database says which exist). */
const sessions = new Map<string, Session>();
/** tools/call requests running in this process, by `callKey`: a cancel for one of them is the SDK's to deliver. */
const localCalls = new Set<string>();
let sweeper: NodeJS.Timeout | undefined;

const callKey = (sessionId: string, requestId: string | number) => `${sessionId} ${JSON.stringify(requestId)}`;

function sweep(): void {
  const now = Date.now();
  for (const [id, session] of sessions) {
    if (now - session.lastSeen > SESSION_IDLE_MS) {
      sessions.delete(id);
      void session.server.close().catch(() => {});
    }
  }
  void deleteIdleMcpSessions({ idleMs: SESSION_IDLE_MS }).catch((error: unknown) =>
    console.error("[mcp] idle sessions could not be removed", error),
  );
  if (sessions.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function keepSession(id: string, session: Session): void {
  if (sessions.size >= MAX_SESSIONS) {
    // The least recently used goes first (Map order is insertion order; a use re-inserts). Only this
    // process's copy: the session itself stays, and is opened again if the client comes back.
    const [oldest] = sessions.keys();
    const dropped = oldest ? sessions.get(oldest) : undefined;
    if (oldest) sessions.delete(oldest);
    void dropped?.server.close().catch(() => {});
  }
  sessions.set(id, session);
  if (!sweeper) {
    sweeper = setInterval(sweep, 60_000);
    sweeper.unref();
  }
}

/** A JSON-RPC error answer outside any session (unknown session, wrong method). */
function rpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** The tool's arguments: `message`, and each of the Start node's variables (typed by its initial value). */
export function workflowInputSchema(workflow: Pick<OfferedWorkflow, "nodes">): Tool["inputSchema"] {
  const properties: Record<string, object> = {
    message: { type: "string", description: "The message the workflow starts with (its input.message)" },
  };
  const nodes = Array.isArray(workflow.nodes) ? (workflow.nodes as Array<Record<string, unknown>>) : [];
  const start = nodes.find((node) => node.type === "start");
  const config = (start?.data as { config?: { variables?: unknown } } | undefined)?.config;
  const variables = config?.variables && typeof config.variables === "object" ? config.variables : {};
  for (const [name, initial] of Object.entries(variables as Record<string, unknown>)) {
    if (name === "message") continue;
    properties[name] = {
      ...jsonTypeOf(initial),
      description: `The workflow variable "${name}" (default ${JSON.stringify(initial)?.slice(0, 200)})`,
    };
  }
  return { type: "object", properties, required: ["message"] };
}

function jsonTypeOf(value: unknown): { type?: string } {
  if (typeof value === "string") return { type: "string" };
  if (typeof value === "number") return { type: "number" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (Array.isArray(value)) return { type: "array" };
  if (value && typeof value === "object") return { type: "object" };
  return {};
}

function toolOf(workflow: OfferedWorkflow): Tool {
  return {
    name: workflowToolName(workflow),
    title: workflow.name,
    description: workflow.description || `Runs the Lattice workflow "${workflow.name}" and returns its answer.`,
    inputSchema: workflowInputSchema(workflow),
  };
}

/** Checks the arguments against the derived schema (message a string, each variable of its type). */
function inputOf(schema: Tool["inputSchema"], args: Record<string, unknown>) {
  const { message, ...variables } = args;
  if (typeof message !== "string") {
    throw new McpError(ErrorCode.InvalidParams, '"message" is required and must be a string.');
  }
  const properties = (schema.properties ?? {}) as Record<string, { type?: string }>;
  for (const [name, value] of Object.entries(variables)) {
    const expected = properties[name]?.type;
    if (!properties[name]) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown argument "${name}": this tool takes ${Object.keys(properties).join(", ")}.`,
      );
    }
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    if (expected && actual !== expected) {
      throw new McpError(ErrorCode.InvalidParams, `"${name}" must be of type ${expected}, not ${actual}.`);
    }
  }
  return { message, ...(Object.keys(variables).length ? { variables } : {}) };
}

function progressMessage(event: ExecutionEvent): string | undefined {
  switch (event.type) {
    case "node_started":
      return `Started ${event.data.label ?? event.data.type} (${event.data.nodeId})`;
    case "node_completed":
      return `Finished ${event.data.type} (${event.data.nodeId})`;
    case "node_failed":
      return `Failed ${event.data.type} (${event.data.nodeId}): ${event.data.error}`;
    default:
      return undefined;
  }
}

function resultOf(result: ExecutionResult): CallToolResult {
  const structuredContent = {
    executionId: result.executionId,
    status: result.status,
    message: result.output.message,
    variables: result.output.variables,
  };
  if (result.status === "completed") {
    return { content: [{ type: "text", text: result.output.message }], structuredContent };
  }
  const why = result.error?.message ?? `The run ended ${result.status}.`;
  return {
    content: [{ type: "text", text: `The workflow did not complete (${result.status}): ${why}` }],
    structuredContent,
    isError: true,
  };
}

/** The MCP server of one session: the owner's offered workflows, read fresh on every list and call. */
function serverFor(ownerId: string): Server {
  const server = new Server(
    { name: "lattice", title: "Lattice workflows", version: "1.0.0" },
    {
      capabilities: { tools: {} },
      instructions: "Each tool runs one of your Lattice workflows with a message and returns its answer.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await listOfferedWorkflows({ ownerId })).map(toolOf),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const workflows = await listOfferedWorkflows({ ownerId });
    const workflow = workflows.find((candidate) => workflowToolName(candidate) === request.params.name);
    if (!workflow) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `There is no tool named "${request.params.name}": call tools/list for the workflows offered.`,
      );
    }
    const input = inputOf(toolOf(workflow).inputSchema, request.params.arguments ?? {});
    const progressToken = extra._meta?.progressToken;
    let events: AsyncIterable<ExecutionEvent>;
    try {
      // An API run (recorded, under the owner's run limits) that the client's cancel aborts.
      assertAcceptingRuns();
      events = await execute(
        { type: "DEFINITION", definitionId: workflow.id, input, trigger: { type: "mcp" } },
        {
          userId: ownerId,
          stream: true,
          signal: extra.signal,
          tracker: getWorkflowTracker(),
          admission: runLimitSettings(),
        },
      );
    } catch (error) {
      // A refused start (run limits, an invalid workflow) is the tool's failure, told to the client.
      if (isAppError(error) && error.status < 500) {
        return { content: [{ type: "text", text: error.message }], isError: true };
      }
      throw error;
    }
    let progress = 0;
    let last: ExecutionResult | undefined;
    let recorded = false;
    // Ids longer than the column are not recorded: such a call is cancelled only on the instance running it.
    const key =
      extra.sessionId && JSON.stringify(extra.requestId).length <= 200
        ? callKey(extra.sessionId, extra.requestId)
        : undefined;
    if (key) localCalls.add(key);
    try {
      for await (const event of events) {
        if (!recorded && key) {
          // The run exists from its first event: a cancel reaching another instance can find it from now on.
          recorded = true;
          await insertMcpCall({
            sessionId: extra.sessionId!,
            requestId: JSON.stringify(extra.requestId),
            executionId: event.executionId,
          }).catch((error: unknown) => console.error("[mcp] a call could not be recorded", error));
        }
        const message = progressMessage(event);
        if (message && progressToken !== undefined) {
          progress += 1;
          await extra
            .sendNotification({ method: "notifications/progress", params: { progressToken, progress, message } })
            .catch(() => {});
        }
        if (event.type === "run_completed" || event.type === "run_failed" || event.type === "run_cancelled") {
          last = event.data;
        }
      }
    } finally {
      if (key) localCalls.delete(key);
    }
    if (!last) throw new McpError(ErrorCode.InternalError, "The run ended without a result.");
    return resultOf(last);
  });
  return server;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * MCP's Streamable HTTP transport says servers must validate the Origin of every request, against DNS
 * rebinding (a page on a name the attacker points at this server). Clients that are not browsers send no
 * Origin; a browser's may be this app's public origin (AUTH_URL), a loopback one, or one listed in
 * LATTICE_MCP_ALLOWED_ORIGINS. The request's own Host proves nothing (under rebinding it is the attacker's
 * name), so it is not trusted for this. An API key is needed all the same: this is defence in depth.
 */
function checkOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (!origin) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  const e = env();
  const allowed = new Set(
    (e.LATTICE_MCP_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((entry) => entry.trim().replace(/\/+$/, ""))
      .filter(Boolean),
  );
  const publicUrl = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (publicUrl) {
    try {
      allowed.add(new URL(publicUrl).origin);
    } catch {
      // not a URL: nothing to add
    }
  }
  if (parsed && (LOOPBACK_HOSTS.has(parsed.hostname) || allowed.has(parsed.origin))) return;
  throw new AppError(
    "forbidden:origin",
    `Requests to /api/mcp from the browser origin ${JSON.stringify(origin.slice(0, 200))} are refused (DNS rebinding protection). Allow it with LATTICE_MCP_ALLOWED_ORIGINS.`,
  );
}

/** The caller: an API key is required (a session cookie is not enough for an MCP client), checked every time. */
async function mcpCaller(request: Request): Promise<string> {
  checkOrigin(request);
  if (!request.headers.get("authorization")) {
    throw new AppError(
      "unauthorized:api_key",
      "MCP clients authenticate with an API key: send `Authorization: Bearer <key>` (create one in Settings → API keys).",
    );
  }
  return (await authenticate(request)).id;
}

/**
 * A POST's JSON-RPC message (or batch), read with the API's limits — size, UTF-8, depth, strings PostgreSQL
 * can store — before the transport sees it; a body that is not one is answered the protocol's way: HTTP 400
 * with a JSON-RPC error, -32700 for one that is not (readable) JSON, -32600 for JSON that is not a message.
 */
async function readRpcBody(request: Request): Promise<{ body: unknown } | Response> {
  let body: unknown;
  try {
    body = await readJsonValue(request, { maxBytes: MAX_MESSAGE_BYTES });
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.status === 413) return rpcError(413, -32000, `Payload Too Large: ${error.message}`);
    return rpcError(400, ErrorCode.ParseError, `Parse error: ${error.message}`);
  }
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0 || !messages.every((message) => JSONRPCMessageSchema.safeParse(message).success)) {
    return rpcError(
      400,
      ErrorCode.InvalidRequest,
      'Invalid Request: the body must be a JSON-RPC 2.0 message ({ "jsonrpc": "2.0", "method": …, "id"?, "params"? } or a response), or a non-empty array of them.',
    );
  }
  return { body };
}

/**
 * Answers a GET (a session's notification stream) or a DELETE (ends a session) to /api/mcp. The API key is
 * checked on every request (a revoked key stops a session at once); a session belongs to the key's owner and
 * answers no one else.
 */
export async function handleMcpRequest(request: Request): Promise<Response> {
  return dispatch(request, await mcpCaller(request));
}

/** Answers a POST to /api/mcp: the same checks, then its body read (see readRpcBody) before the transport's. */
export async function handleMcpPost(request: Request): Promise<Response> {
  const ownerId = await mcpCaller(request);
  // A body of another media type is left to the transport, which answers 415.
  if (!isJsonContentType(request.headers.get("content-type"))) return dispatch(request, ownerId);
  const read = await readRpcBody(request);
  if (read instanceof Response) return read;
  return dispatch(request, ownerId, read.body);
}

async function dispatch(request: Request, ownerId: string, parsedBody?: unknown): Promise<Response> {
  const options = parsedBody === undefined ? undefined : { parsedBody };
  const sessionId = request.headers.get("mcp-session-id");
  if (sessionId) {
    const session = await sessionFor(sessionId, ownerId, request);
    if (!session) return rpcError(404, -32001, "Session not found: initialize a new session.");
    session.lastSeen = Date.now();
    sessions.delete(sessionId);
    sessions.set(sessionId, session);
    if (parsedBody !== undefined) await cancelElsewhere(sessionId, ownerId, parsedBody);
    return session.transport.handleRequest(request, options);
  }
  if (request.method !== "POST") {
    return rpcError(400, ErrorCode.InvalidRequest, "Start with a POST of an initialize request (no Mcp-Session-Id).");
  }
  const initialize = (Array.isArray(parsedBody) ? parsedBody : [parsedBody]).find(
    (message): message is { params: unknown } =>
      typeof message === "object" && message !== null && (message as { method?: unknown }).method === "initialize",
  );
  const opened = openSession(ownerId, {
    onsessioninitialized: async (id) => {
      await insertMcpSession({ id, ownerId, initialize: initialize?.params ?? {} });
      keepSession(id, { ...opened, ownerId, lastSeen: Date.now() });
    },
  });
  await opened.server.connect(opened.transport);
  const response = await opened.transport.handleRequest(request, options);
  // Anything but an initialize opened no session: nothing to keep.
  if (!opened.transport.sessionId) await opened.server.close().catch(() => {});
  return response;
}

function openSession(
  ownerId: string,
  { id, onsessioninitialized }: { id?: string; onsessioninitialized?: (id: string) => Promise<void> },
): Pick<Session, "server" | "transport"> {
  const server = serverFor(ownerId);
  const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => id ?? randomUUID(),
    onsessioninitialized,
    onsessionclosed: async (closed) => {
      // The client ended it (DELETE): gone for every instance.
      sessions.delete(closed);
      await deleteMcpSession({ id: closed });
    },
  });
  return { server, transport };
}

/**
 * The session a request names, if it is the caller's and still open (checked in the database on every
 * request: another instance may have ended it). An instance that does not hold it opens it again: a new
 * server and transport, initialized with the client's recorded initialize params under the same id.
 */
async function sessionFor(id: string, ownerId: string, request: Request): Promise<Session | undefined> {
  const row = await touchMcpSession({ id, ownerId, idleMs: SESSION_IDLE_MS });
  const held = sessions.get(id);
  if (!row) {
    if (held) {
      sessions.delete(id);
      void held.server.close().catch(() => {});
    }
    return undefined;
  }
  if (held?.ownerId === ownerId) return held;
  const opened = openSession(ownerId, { id });
  await opened.server.connect(opened.transport);
  const params = row.initialize as { protocolVersion?: string };
  const replay = async (message: object) => {
    const response = await opened.transport.handleRequest(
      new Request(request.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(params.protocolVersion ? { "mcp-protocol-version": params.protocolVersion } : {}),
          ...(opened.transport.sessionId ? { "mcp-session-id": id } : {}),
        },
      }),
      { parsedBody: { jsonrpc: "2.0", ...message } },
    );
    await response.text();
    return response.status;
  };
  const status = await replay({ id: 0, method: "initialize", params: row.initialize });
  if (status !== 200 || opened.transport.sessionId !== id) {
    console.error(`[mcp] session ${id} could not be opened again (initialize answered ${status})`);
    await opened.server.close().catch(() => {});
    return undefined;
  }
  await replay({ method: "notifications/initialized" });
  const session = { ...opened, ownerId, lastSeen: Date.now() };
  keepSession(id, session);
  return session;
}

/**
 * A client's `notifications/cancelled` for a call this process is not running (it runs on another instance,
 * or ran on one that has since stopped): the call's run is found in mcp_calls and cancelled through the
 * cross-instance cancel. A call this process runs is left to the SDK (its request's signal aborts the run).
 * The call's run may not be recorded yet when the cancel comes right after the call: looked for up to 2 s.
 */
async function cancelElsewhere(sessionId: string, ownerId: string, body: unknown): Promise<void> {
  for (const message of Array.isArray(body) ? body : [body]) {
    const parsed = CancelledNotificationSchema.safeParse(message);
    if (!parsed.success) continue;
    const requestId = parsed.data.params.requestId;
    if (requestId === undefined || localCalls.has(callKey(sessionId, requestId))) continue;
    const key = JSON.stringify(requestId);
    if (key.length > 200) continue;
    for (let attempt = 0; attempt < 10; attempt++) {
      const executionId = await findMcpCallExecution({ sessionId, requestId: key, ownerId });
      if (executionId) {
        await cancelExecution({
          executionId,
          ownerId,
          reason: parsed.data.params.reason ?? "The MCP client cancelled the call.",
        }).catch((error: unknown) => console.error("[mcp] a call could not be cancelled", error));
        break;
      }
      // Started here meanwhile: the SDK has it.
      if (localCalls.has(callKey(sessionId, requestId))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Closes every session (tests, shutdown). */
export async function closeMcpSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((session) => session.server.close().catch(() => {})));
}
