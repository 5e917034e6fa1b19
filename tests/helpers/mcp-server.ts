/**
 * A real MCP server for tests: the official SDK's McpServer over Streamable HTTP (its Node transport, one
 * stateful session per client) on a loopback port. Tools: `add` ({ a, b } numbers → their sum), `shout`
 * ({ text } → upper case), `fail` (a tool error), `wait` (answers when `release()` is called or its call is
 * cancelled). Optionally requires a header value. Counts sessions opened and calls, so tests can check reuse.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export interface TestMcpServer {
  url: string;
  port: number;
  sessions: number;
  calls: Array<{ name: string; args: unknown }>;
  cancelled: number;
  close(): Promise<void>;
}

export async function startTestMcpServer({
  requireHeader,
}: {
  requireHeader?: { name: string; value: string };
} = {}): Promise<TestMcpServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const state: Omit<TestMcpServer, "url" | "port" | "close"> = { sessions: 0, calls: [], cancelled: 0 };

  function mcpServer(): McpServer {
    const server = new McpServer({ name: "test-tools", version: "1.0.0" });
    server.registerTool(
      "add",
      {
        description: "Adds two numbers.",
        inputSchema: { a: z.number().describe("first"), b: z.number().describe("second") },
      },
      async ({ a, b }) => {
        state.calls.push({ name: "add", args: { a, b } });
        return { content: [{ type: "text", text: String(a + b) }] };
      },
    );
    server.registerTool(
      "shout",
      { description: "Says the text in capitals.", inputSchema: { text: z.string() } },
      async ({ text }) => {
        state.calls.push({ name: "shout", args: { text } });
        return { content: [{ type: "text", text: text.toUpperCase() }] };
      },
    );
    server.registerTool("fail", { description: "Always fails.", inputSchema: {} }, async () => {
      state.calls.push({ name: "fail", args: {} });
      return { content: [{ type: "text", text: "the fail tool failed, as it does" }], isError: true };
    });
    server.registerTool("wait", { description: "Waits until cancelled.", inputSchema: {} }, async (_args, extra) => {
      state.calls.push({ name: "wait", args: {} });
      await new Promise<void>((resolve) => {
        extra.signal.addEventListener("abort", () => {
          state.cancelled += 1;
          resolve();
        });
      });
      return { content: [{ type: "text", text: "stopped" }] };
    });
    return server;
  }

  async function body(request: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? JSON.parse(text) : undefined;
  }

  const http: Server = createServer(async (request, response) => {
    if (requireHeader && request.headers[requireHeader.name.toLowerCase()] !== requireHeader.value) {
      response.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return;
    }
    const sessionId = request.headers["mcp-session-id"];
    const parsed = request.method === "POST" ? await body(request) : undefined;
    let transport = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) {
        response.writeHead(404).end();
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          state.sessions += 1;
          transports.set(id, transport!);
        },
      });
      await mcpServer().connect(transport);
    }
    await transport.handleRequest(request, response, parsed);
  });
  // Sockets stay open between a session's requests (Node's 5 s default can close one as a request reuses it,
  // which the client survives by opening a new session: tests count sessions).
  http.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => {})));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
}
