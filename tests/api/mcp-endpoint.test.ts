/**
 * /api/mcp with the official MCP SDK's client: the route handler answers the client's requests in process
 * (its `fetch` is the handler), on the test database of the worker (PGlite, or PostgreSQL with TEST_BACKEND).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, it } from "vitest";
import { DELETE, GET, POST } from "@/app/api/mcp/route";
import { GET as getTool, PUT as putTool } from "@/app/api/workflows/[id]/mcp-tool/route";
import { POST as createWorkflowRoute } from "@/app/api/workflows/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { sql } from "drizzle-orm";
import { resetEnvCache } from "@/lib/env";
import { closeMcpSessions } from "@/lib/services/mcp-endpoint";
import { query } from "../tracking/helpers";
import { routeContext } from "./helpers";
import { type Actor, call, echoDefinition, newActor } from "./rest-fixtures";

const ENDPOINT = "http://localhost:3000/api/mcp";
const handlers = { GET, POST, DELETE } as const;

/** The route handler as the client's fetch: every request goes to it as Next would hand it over. */
async function inProcessFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const handler = handlers[request.method as keyof typeof handlers];
  if (!handler) return new Response(null, { status: 405 });
  return handler(request, routeContext());
}

async function connect(apiKey: string | undefined): Promise<Client> {
  const client = new Client({ name: "lattice-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(ENDPOINT), {
    fetch: inProcessFetch,
    ...(apiKey ? { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } } : {}),
  });
  await client.connect(transport);
  return client;
}

async function offeredWorkflow(actor: Actor, definition: ReturnType<typeof echoDefinition>): Promise<string> {
  const saved = await call(createWorkflowRoute, "/api/workflows", { method: "POST", body: definition, auth: actor });
  expect(saved.status).toBe(201);
  const id = saved.json.workflow.id as string;
  const offered = await call(putTool, `/api/workflows/${id}/mcp-tool`, {
    method: "PUT",
    body: { offered: true },
    auth: actor,
    params: { id },
  });
  expect(offered.status).toBe(200);
  return id;
}

function slowDefinition(name: string) {
  const definition = echoDefinition(name);
  definition.nodes[1]!.data.config = { provider: "local", model: "slow", latencyMs: 200 };
  return definition;
}

afterAll(async () => {
  await closeMcpSessions();
});

describe("/api/mcp (official SDK client)", { timeout: 60_000 }, () => {
  it("refuses a client without an API key (401) and one with a bad key", async () => {
    await expect(connect(undefined)).rejects.toThrow(/401|API key/);
    await expect(connect("lat_not-a-real-key-at-all-000000000000000000000")).rejects.toThrow(/401|invalid/i);
  });

  it("lists the caller's offered workflows only, calls one with progress, and records the run as mcp", async () => {
    const owner = await newActor();
    const other = await newActor();
    const definition = echoDefinition("Echo as a tool");
    (definition.nodes[0]!.data.config as Record<string, unknown>).variables = { tone: "plain", count: 2 };
    const id = await offeredWorkflow(owner, definition);
    // Saved but not offered; and another user's offered workflow.
    await call(createWorkflowRoute, "/api/workflows", {
      method: "POST",
      body: echoDefinition("Not offered"),
      auth: owner,
    });
    await offeredWorkflow(other, echoDefinition("Someone else's tool"));

    const setting = await call(getTool, `/api/workflows/${id}/mcp-tool`, { auth: owner, params: { id } });
    expect(setting.json.offered).toBe(true);

    const client = await connect(owner.apiKey);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.title)).toEqual(["Echo as a tool"]);
    const [tool] = tools;
    expect(tool!.name).toBe(setting.json.toolName);
    expect(tool!.description).toBe("Answers with what it received");
    expect(tool!.inputSchema).toMatchObject({
      type: "object",
      required: ["message"],
      properties: { message: { type: "string" }, tone: { type: "string" }, count: { type: "number" } },
    });

    const progress: Array<{ progress: number; message?: string }> = [];
    const result = await client.callTool(
      { name: tool!.name, arguments: { message: "hello tools", tone: "warm" } },
      undefined,
      {
        onprogress: (update) => progress.push(update),
      },
    );
    expect(result.isError).toBeFalsy();
    expect((result.content as Array<{ type: string; text: string }>)[0]!.text).toContain("hello tools");
    const structured = result.structuredContent as {
      executionId: string;
      status: string;
      variables: Record<string, unknown>;
    };
    expect(structured.status).toBe("completed");
    expect(structured.variables.tone).toBe("warm");
    // A start and an end for each of the three nodes, in order.
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress[0]!.message).toMatch(/^Started/);

    const run = await call(getExecution, `/api/executions/${structured.executionId}`, {
      auth: owner,
      params: { id: structured.executionId },
    });
    expect(run.status).toBe(200);
    expect(run.json.execution.status).toBe("completed");
    expect(run.json.execution.definitionId).toBe(id);
    expect(run.json.execution.trigger).toBe("mcp");

    // Wrong arguments are the client's error, and nothing runs.
    await expect(client.callTool({ name: tool!.name, arguments: { tone: "warm" } })).rejects.toThrow(/message/);
    await expect(client.callTool({ name: tool!.name, arguments: { message: "x", count: "two" } })).rejects.toThrow(
      /count.*number/,
    );
    await expect(client.callTool({ name: "not_a_tool", arguments: { message: "x" } })).rejects.toThrow(/no tool/);

    // The other user sees only theirs, and cannot call the owner's tool.
    const otherClient = await connect(other.apiKey);
    expect((await otherClient.listTools()).tools.map((t) => t.title)).toEqual(["Someone else's tool"]);
    await expect(otherClient.callTool({ name: tool!.name, arguments: { message: "x" } })).rejects.toThrow(/no tool/);

    // Stopping the offer takes the tool away at once.
    await call(putTool, `/api/workflows/${id}/mcp-tool`, {
      method: "PUT",
      body: { offered: false },
      auth: owner,
      params: { id },
    });
    expect((await client.listTools()).tools).toEqual([]);
    await client.close();
    await otherClient.close();
  });

  it("cancels the run when the client cancels the call: it ends cancelled", async () => {
    const owner = await newActor();
    await offeredWorkflow(owner, slowDefinition("Slow tool"));
    const client = await connect(owner.apiKey);
    const [tool] = (await client.listTools()).tools;
    const controller = new AbortController();
    let executionId: string | undefined;
    const calling = client.callTool({ name: tool!.name, arguments: { message: "count for me" } }, undefined, {
      signal: controller.signal,
      onprogress: (update) => {
        // The model node has started: cancel mid-answer.
        if (/^Started model/i.test(update.message ?? "")) controller.abort("enough");
      },
    });
    await expect(calling).rejects.toThrow();
    // The run is found by its owner's list: the newest run of this workflow ends cancelled.
    const { GET: listExecutions } = await import("@/app/api/executions/route");
    for (let i = 0; i < 100 && !executionId; i++) {
      const list = await call(listExecutions, "/api/executions?limit=5", { auth: owner });
      const done = (list.json.executions as Array<{ id: string; status: string }>).find(
        (e) => e.status === "cancelled",
      );
      if (done) executionId = done.id;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(executionId).toBeDefined();
    await client.close();
  });

  it("serves a session this process does not hold (another instance opened it) and forgets one the client ended", async () => {
    const owner = await newActor();
    await offeredWorkflow(owner, echoDefinition("Anywhere tool"));
    const client = await connect(owner.apiKey);
    const transport = client.transport as StreamableHTTPClientTransport;
    // As if the next requests reached another app instance: this process drops its copy of every session.
    await closeMcpSessions();
    const [tool] = (await client.listTools()).tools;
    expect(tool!.title).toBe("Anywhere tool");
    const result = await client.callTool({ name: tool!.name, arguments: { message: "from afar" } });
    const { executionId } = result.structuredContent as { executionId: string };
    // The call is recorded against its session and request, for a cancel that reaches another instance.
    const calls = await query<{ execution_id: string }>(
      sql`select execution_id from mcp_calls where session_id = ${transport.sessionId!}`,
    );
    expect(calls.map((row) => row.execution_id)).toContain(executionId);
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    await closeMcpSessions();
    const response = await POST(
      new Request(ENDPOINT, {
        method: "POST",
        headers: {
          authorization: `Bearer ${owner.apiKey}`,
          "mcp-session-id": sessionId,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      }),
      routeContext(),
    );
    expect(response.status).toBe(404);
    expect(await query(sql`select id from mcp_sessions where id = ${sessionId}`)).toEqual([]);
  });

  it("opens one notification stream per session: a second GET while it is open is 409, as documented", async () => {
    const owner = await newActor();
    const client = await connect(owner.apiKey);
    const transport = client.transport as StreamableHTTPClientTransport;
    const get = () =>
      GET(
        new Request(ENDPOINT, {
          headers: {
            authorization: `Bearer ${owner.apiKey}`,
            "mcp-session-id": transport.sessionId!,
            "mcp-protocol-version": transport.protocolVersion ?? "2025-06-18",
            accept: "text/event-stream",
          },
        }),
        routeContext(),
      );
    // The SDK client opens the stream itself after initialize (it may not have yet): one of the two is refused.
    const [first, second] = [await get(), await get()];
    expect([first.status, second.status]).toContain(409);
    const refused = first.status === 409 ? first : second;
    expect(await refused.json()).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32000, message: /Only one SSE stream/ },
    });
    for (const response of [first, second]) if (response.status === 200) await response.body?.cancel();
    await client.close();
  });

  it("refuses a browser Origin it does not know (DNS rebinding), and accepts loopback and listed ones", async () => {
    const owner = await newActor();
    const initialize = (origin: string | undefined) =>
      POST(
        new Request(ENDPOINT, {
          method: "POST",
          headers: {
            authorization: `Bearer ${owner.apiKey}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...(origin ? { origin } : {}),
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
          }),
        }),
        routeContext(),
      );
    const refused = await initialize("http://evil.example.com");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/LATTICE_MCP_ALLOWED_ORIGINS/);
    for (const origin of [undefined, "http://localhost:6274", "http://127.0.0.1:3000"]) {
      const response = await initialize(origin);
      expect(response.status, origin).toBe(200);
      await response.body?.cancel();
    }
    process.env.LATTICE_MCP_ALLOWED_ORIGINS = "https://inspector.example.com/";
    resetEnvCache();
    try {
      const listed = await initialize("https://inspector.example.com");
      expect(listed.status).toBe(200);
      await listed.body?.cancel();
      expect((await initialize("https://inspector.example.com.evil.example")).status).toBe(403);
    } finally {
      delete process.env.LATTICE_MCP_ALLOWED_ORIGINS;
      resetEnvCache();
    }
  });

  it("answers 404 to a session id it does not hold, and to another user's session", async () => {
    const owner = await newActor();
    const other = await newActor();
    const client = await connect(owner.apiKey);
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    expect(sessionId).toBeTruthy();
    const body = { jsonrpc: "2.0", id: 9, method: "tools/list", params: {} };
    for (const [key, session] of [
      [other.apiKey, sessionId],
      [owner.apiKey, "not-a-session"],
    ] as const) {
      const response = await POST(
        new Request(ENDPOINT, {
          method: "POST",
          headers: {
            authorization: `Bearer ${key}`,
            "mcp-session-id": session,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: JSON.stringify(body),
        }),
        routeContext(),
      );
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("Session not found");
    }
    await client.close();
  });
});
