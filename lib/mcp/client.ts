/**
 * Connections to the MCP servers users registered (Streamable HTTP, the official SDK's client). Every request
 * goes through the SSRF guard (`createGuardedFetch`: the host is resolved and checked, LATTICE_HTTP_ALLOWLIST
 * applies, the socket goes to the address checked). A connection — one MCP session — is kept per owner, server
 * and auth header and reused by every call of every run until it has been idle for a minute, so a run's tool
 * calls do not open a session each; a connection that broke is dropped and opened again once.
 */
import "server-only";
import { createHash } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AppError, isAppError } from "@/lib/errors";
import type { HostLookup } from "@/lib/net/safe-fetch";
import { createGuardedFetch, type GuardedFetch } from "./guarded-fetch";
import type { McpToolDto } from "@/lib/contracts/mcp";

/** Where to connect and as whom: what `lib/mcp/servers.ts` loads for an owner's server. */
export interface McpEndpoint {
  /** The owner and server, for the connection's key (never shown). */
  ownerId: string;
  serverId: string;
  /** The server's name, for messages. */
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Replaces every secret value in a message with its name. */
  redact(text: string): string;
  /** Tests resolve names their own way. */
  lookup?: HostLookup;
}

export const MCP_LIMITS = {
  /** A connection unused this long is closed. */
  idleMs: 60_000,
  /** Opening a session (initialize) may take this long. */
  connectTimeoutMs: 10_000,
  /** Tools listed per server at most. */
  maxTools: 200,
} as const;

interface Connection {
  client: Client;
  guarded: GuardedFetch;
  tools?: Promise<McpToolDto[]>;
  lastUsed: number;
  busy: number;
}

const pool = new Map<string, Promise<Connection>>();
let sweeper: NodeJS.Timeout | undefined;

function keyOf(endpoint: McpEndpoint): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([endpoint.url, endpoint.headers]))
    .digest("hex");
  return `${endpoint.ownerId}:${endpoint.serverId}:${digest}`;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** A failure to reach or talk to the server, as a sentence that names it (secrets redacted). */
export function unreachable(endpoint: McpEndpoint, error: unknown): AppError {
  if (isAppError(error) && (error.code === "forbidden:http_target" || error.code === "bad_request:http_url")) {
    return error;
  }
  let why = error instanceof Error ? error.message : String(error);
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
    why = `it answered HTTP ${error.code}: check the server's auth header`;
  } else if (error instanceof StreamableHTTPError && error.code === 404) {
    why = "it answered HTTP 404: check the URL (an MCP endpoint often ends in /mcp)";
  }
  return new AppError(
    "unavailable:mcp_server",
    endpoint.redact(`The MCP server "${endpoint.name}" (${origin(endpoint.url)}) cannot be reached: ${why}`),
    { cause: error },
  );
}

async function open(endpoint: McpEndpoint): Promise<Connection> {
  const guarded = createGuardedFetch(endpoint.lookup ? { lookup: endpoint.lookup } : {});
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), {
    fetch: guarded.fetch,
    requestInit: { headers: endpoint.headers },
    // A dropped notification stream is not worth reconnecting to: calls answer on their own POST.
    reconnectionOptions: {
      maxReconnectionDelay: 30_000,
      initialReconnectionDelay: 1_000,
      reconnectionDelayGrowFactor: 2,
      maxRetries: 0,
    },
  });
  const client = new Client({ name: "lattice", version: "1.0.0" }, { capabilities: {} });
  try {
    await client.connect(transport, { timeout: MCP_LIMITS.connectTimeoutMs });
  } catch (error) {
    await client.close().catch(() => {});
    await guarded.close();
    throw unreachable(endpoint, error);
  }
  return { client, guarded, lastUsed: Date.now(), busy: 0 };
}

async function closeConnection(key: string, connection: Promise<Connection>): Promise<void> {
  if (pool.get(key) === connection) pool.delete(key);
  const opened = await connection.catch(() => undefined);
  if (!opened) return;
  await opened.client.close().catch(() => {});
  await opened.guarded.close();
}

function startSweeper(): void {
  if (sweeper) return;
  sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, pending] of pool) {
      void pending.then(
        (connection) => {
          if (connection.busy === 0 && now - connection.lastUsed > MCP_LIMITS.idleMs)
            void closeConnection(key, pending);
        },
        () => {},
      );
    }
    if (pool.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }, MCP_LIMITS.idleMs / 2);
  sweeper.unref();
}

/** A failure of the session itself (worth one new connection), not an answer of the server to a call. */
function connectionBroken(error: unknown): boolean {
  if (error instanceof StreamableHTTPError) return error.code === 404 || error.code === undefined;
  if (isAppError(error)) return error.code === "unavailable:http_request";
  return error instanceof TypeError || /closed|ECONNRESET|socket/i.test(String(error));
}

/** Runs `use` on a pooled session to the endpoint: opened if there is none, opened again once if it broke. */
async function withConnection<T>(endpoint: McpEndpoint, use: (connection: Connection) => Promise<T>): Promise<T> {
  const key = keyOf(endpoint);
  for (let attempt = 0; ; attempt++) {
    let pending = pool.get(key);
    if (!pending) {
      pending = open(endpoint);
      pool.set(key, pending);
      startSweeper();
      // A failed open leaves nothing behind: the next call tries again.
      pending.catch(() => {
        if (pool.get(key) === pending) pool.delete(key);
      });
    }
    const connection = await pending;
    connection.busy += 1;
    try {
      return await use(connection);
    } catch (error) {
      if (attempt === 0 && connectionBroken(error)) {
        await closeConnection(key, pending);
        continue;
      }
      throw error;
    } finally {
      connection.busy -= 1;
      connection.lastUsed = Date.now();
    }
  }
}

/** The server's tools (every page of tools/list), as the session first listed them. */
export function listMcpTools(endpoint: McpEndpoint): Promise<McpToolDto[]> {
  return withConnection(endpoint, async (connection) => {
    connection.tools ??= (async () => {
      const tools: McpToolDto[] = [];
      let cursor: string | undefined;
      do {
        const page = await connection.client.listTools(cursor ? { cursor } : undefined, {
          timeout: endpoint.timeoutMs,
        });
        for (const tool of page.tools) {
          tools.push({
            name: tool.name,
            ...(tool.title ? { title: tool.title } : {}),
            description: tool.description ?? "",
            inputSchema: tool.inputSchema as Record<string, unknown>,
          });
        }
        cursor = page.nextCursor;
      } while (cursor && tools.length < MCP_LIMITS.maxTools);
      return tools.slice(0, MCP_LIMITS.maxTools);
    })();
    try {
      return await connection.tools;
    } catch (error) {
      connection.tools = undefined;
      throw error;
    }
  }).catch((error: unknown) => {
    throw isAppError(error) ? error : unreachable(endpoint, error);
  });
}

/**
 * Calls one tool. The call is cancelled (the server is told: notifications/cancelled) when `signal` aborts,
 * and fails after the server's timeout (progress the server reports restarts it). A result the server marks
 * `isError` is thrown as an Error with its text.
 */
export async function callMcpTool(
  endpoint: McpEndpoint,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<string> {
  let result: CallToolResult;
  try {
    result = (await withConnection(endpoint, (connection) =>
      connection.client.callTool({ name, arguments: args }, undefined, {
        ...(signal ? { signal } : {}),
        timeout: endpoint.timeoutMs,
        resetTimeoutOnProgress: true,
      }),
    )) as CallToolResult;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isAppError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/timed out/i.test(message)) {
      throw new AppError(
        "unavailable:mcp_timeout",
        `The MCP tool "${name}" of "${endpoint.name}" did not answer within ${endpoint.timeoutMs} ms.`,
      );
    }
    if (connectionBroken(error)) throw unreachable(endpoint, error);
    throw new Error(endpoint.redact(`The MCP tool "${name}" of "${endpoint.name}" failed: ${message}`));
  }
  const text = endpoint.redact(resultText(result));
  if (result.isError) throw new Error(text || `The MCP tool "${name}" reported an error.`);
  return text;
}

/** A tool result as the text a model reads: its text parts, what other parts are, or its structured content. */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((part) => {
    switch (part.type) {
      case "text":
        return part.text;
      case "image":
      case "audio":
        return `[${part.type}: ${part.mimeType}]`;
      case "resource":
        return "text" in part.resource ? part.resource.text : `[resource: ${part.resource.uri}]`;
      case "resource_link":
        return `[resource: ${part.uri}]`;
      default:
        return "";
    }
  });
  const text = parts.filter(Boolean).join("\n");
  if (text) return text;
  return result.structuredContent ? JSON.stringify(result.structuredContent) : "";
}

/** Closes every pooled connection (tests, shutdown). */
export async function closeMcpConnections(): Promise<void> {
  await Promise.all([...pool].map(([key, pending]) => closeConnection(key, pending)));
}
