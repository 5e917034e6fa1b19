/**
 * MCP servers a user registers (routes /api/mcp-servers/**) against a real MCP server: the official SDK's
 * McpServer over Streamable HTTP on a loopback port (allowed by LATTICE_HTTP_ALLOWLIST, as an internal host
 * must be), with an auth header taken from the user's secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteServer, PATCH as patchServer } from "@/app/api/mcp-servers/[id]/route";
import { GET as listTools } from "@/app/api/mcp-servers/[id]/tools/route";
import { GET as listServers, POST as createServer } from "@/app/api/mcp-servers/route";
import { POST as runExecution } from "@/app/api/executions/route";
import { POST as createSecret } from "@/app/api/secrets/route";
import { POST as saveWorkflow } from "@/app/api/workflows/route";
import { closeMcpConnections } from "@/lib/mcp/client";
import { call, callRaw, newActor, readSse, type Actor } from "../api/rest-fixtures";
import { setEnv } from "../helpers/env";
import { startTestMcpServer, type TestMcpServer } from "../helpers/mcp-server";
import { toolsNodeWorkflow } from "../helpers/tools-workflow";

let server: TestMcpServer;
let restoreEnv: () => void;
const TOKEN = "mcp-token-0123456789abcdef";

beforeAll(async () => {
  server = await startTestMcpServer({ requireHeader: { name: "authorization", value: `Bearer ${TOKEN}` } });
  restoreEnv = setEnv({ LATTICE_HTTP_ALLOWLIST: "127.0.0.1" });
});

afterAll(async () => {
  await closeMcpConnections();
  await server.close();
  restoreEnv();
});

async function register(actor: Actor, body: Record<string, unknown>) {
  return call(createServer, "/api/mcp-servers", { method: "POST", body, auth: actor });
}

describe("MCP servers (Settings → MCP servers)", { timeout: 60_000 }, () => {
  it("registers a server with a secret auth header, lists its tools over one reused session, never shows the value", async () => {
    const actor = await newActor();
    expect(
      (
        await call(createSecret, "/api/secrets", {
          method: "POST",
          body: { name: "MCP_TOKEN", value: TOKEN },
          auth: actor,
        })
      ).status,
    ).toBe(201);
    const created = await register(actor, {
      name: "Test tools",
      url: server.url,
      authHeader: { name: "Authorization", value: "Bearer {{secrets.MCP_TOKEN}}" },
    });
    expect(created.status).toBe(201);
    expect(created.json.server).toMatchObject({
      name: "Test tools",
      url: server.url,
      authHeader: { name: "Authorization", hint: "Bearer {{secrets.MCP_TOKEN}}" },
      timeoutMs: 30_000,
    });
    const id = created.json.server.id as string;

    const sessionsBefore = server.sessions;
    const tools = await call(listTools, `/api/mcp-servers/${id}/tools`, { auth: actor, params: { id } });
    expect(tools.status).toBe(200);
    expect(tools.json.tools.map((t: { name: string }) => t.name)).toEqual(["add", "shout", "fail", "wait"]);
    expect(tools.json.tools[0].inputSchema).toMatchObject({
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    });
    await call(listTools, `/api/mcp-servers/${id}/tools`, { auth: actor, params: { id } });
    expect(server.sessions - sessionsBefore).toBe(1);

    const listed = await call(listServers, "/api/mcp-servers", { auth: actor });
    expect(listed.json.servers).toHaveLength(1);
    expect(listed.text).not.toContain(TOKEN);

    // A literal header value is sealed and shown masked; the wrong one is refused by the server, said plainly.
    const literal = await register(actor, {
      name: "Wrong key",
      url: server.url,
      authHeader: { name: "Authorization", value: "Bearer wrong-token-abcdefghijkl" },
    });
    expect(literal.json.server.authHeader.hint).toBe("••••ijkl");
    const refused = await call(listTools, `/api/mcp-servers/${literal.json.server.id}/tools`, {
      auth: actor,
      params: { id: literal.json.server.id },
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("unavailable:mcp_server");
    expect(refused.json.error.message).toMatch(/Wrong key.*HTTP 401.*auth header/);
    expect(refused.text).not.toContain("wrong-token");
  });

  it("refuses private addresses the allowlist does not name, bad bodies, duplicate names and other users", async () => {
    const actor = await newActor();
    const other = await newActor();
    const internal = await register(actor, { name: "Inside", url: "http://10.1.2.3/mcp" });
    expect(internal.status).toBe(400);
    expect(internal.json.error.message).toMatch(/private-network|10\.1\.2\.3/);
    expect(internal.json.error.issues[0].path).toBe("url");
    const metadata = await register(actor, { name: "Metadata", url: "http://169.254.169.254/mcp" });
    expect(metadata.status).toBe(400);

    const bad = await register(actor, { name: "", url: "ftp://x", authHeader: { name: "Bad Header", value: "a\nb" } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ["authHeader.name", "authHeader.value", "name", "url"].sort(),
    );

    const first = await register(actor, { name: "Tools", url: server.url });
    expect(first.status).toBe(201);
    expect((await register(actor, { name: "Tools", url: server.url })).status).toBe(409);

    const id = first.json.server.id as string;
    for (const [handler, method] of [
      [listTools, "GET"],
      [deleteServer, "DELETE"],
    ] as const) {
      const answer = await call(handler, `/api/mcp-servers/${id}`, { method, auth: other, params: { id } });
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe("not_found:mcp_server");
    }
    expect((await call(listServers, "/api/mcp-servers", { auth: other })).json.servers).toEqual([]);

    const renamed = await call(patchServer, `/api/mcp-servers/${id}`, {
      method: "PATCH",
      body: { name: "Renamed", timeoutMs: 5_000 },
      auth: actor,
      params: { id },
    });
    expect(renamed.json.server).toMatchObject({ name: "Renamed", timeoutMs: 5_000 });
    expect(
      (await call(deleteServer, `/api/mcp-servers/${id}`, { method: "DELETE", auth: actor, params: { id } })).status,
    ).toBe(204);
  });

  it("says clearly when a server is down", async () => {
    const actor = await newActor();
    const down = await startTestMcpServer();
    try {
      const created = await register(actor, { name: "Gone", url: down.url });
      await down.close();
      const id = created.json.server.id as string;
      const answer = await call(listTools, `/api/mcp-servers/${id}/tools`, { auth: actor, params: { id } });
      expect(answer.status).toBe(503);
      expect(answer.json.error.message).toMatch(
        /^The MCP server "Gone" \(http:\/\/127\.0\.0\.1:\d+\) cannot be reached: .*ECONNREFUSED/,
      );
    } finally {
      await down.close().catch(() => {});
    }
  });
});

/** start → tools (the local scripted model asks for the tools in `script`, in turn) → end. */
function toolsWorkflow(mcp: unknown, script: string[]) {
  return toolsNodeWorkflow("MCP tools flow", {
    provider: "local",
    model: "scripted",
    script,
    tools: ["calculator"],
    mcp,
    maxCalls: 10,
  });
}

describe("a Tools node calling an MCP server's tools (through execute)", { timeout: 60_000 }, () => {
  it("calls them like built-in tools: results, tool errors and argument errors in the run's events, one session", async () => {
    const actor = await newActor();
    await call(createSecret, "/api/secrets", {
      method: "POST",
      body: { name: "MCP_TOKEN", value: TOKEN },
      auth: actor,
    });
    const created = await register(actor, {
      name: "Run tools",
      url: server.url,
      authHeader: { name: "Authorization", value: "Bearer {{secrets.MCP_TOKEN}}" },
    });
    const serverId = created.json.server.id as string;
    const sessionsBefore = server.sessions;
    const callsBefore = server.calls.length;
    const definition = toolsWorkflow(
      [{ serverId, tools: ["add", "shout", "fail"] }],
      ['add({"a":2,"b":3})', 'shout({"text":"hi"})', 'add({"a":"two"})', "fail({})", "The sum is 5."],
    );
    const saved = await call(saveWorkflow, "/api/workflows", { method: "POST", body: definition, auth: actor });
    expect(saved.status).toBe(201);
    expect(saved.json.validation.errors).toEqual([]);

    const response = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: saved.json.workflow.id, input: { message: "add things" } },
      auth: actor,
      headers: { accept: "text/event-stream" },
    });
    const events = await readSse(response);
    const calls = events.filter((e) => e.event === "tool_call").map((e) => e.data.data);
    expect(calls.map((c) => [c.name, c.result ?? null])).toEqual([
      ["add", "5"],
      ["shout", "HI"],
      ["add", null],
      ["fail", null],
    ]);
    expect(calls[2].error).toMatch(/did not match expected schema/);
    expect(calls[3].error).toBe("the fail tool failed, as it does");
    const last = events.at(-1)!;
    expect(last.event).toBe("run_completed");
    expect(last.data.data.output.message).toBe("The sum is 5.");
    // The schema mismatch never reached the server.
    expect(server.calls.slice(callsBefore).map((c) => c.name)).toEqual(["add", "shout", "fail"]);
    // One session for the run's three calls (and its tool list).
    expect(server.sessions - sessionsBefore).toBe(1);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it("names an unknown or another user's server where it is written, and a server that is down in the run", async () => {
    const actor = await newActor();
    const other = await newActor();
    const theirs = await register(other, { name: "Theirs", url: server.url });
    const saved = await call(saveWorkflow, "/api/workflows", {
      method: "POST",
      body: toolsWorkflow([{ serverId: theirs.json.server.id, tools: ["add"] }], ["done"]),
      auth: actor,
    });
    expect(saved.json.workflow.isValid).toBe(false);
    expect(saved.json.validation.errors).toContainEqual(
      expect.objectContaining({ code: "mcp.unknown_server", path: "nodes.1.data.config.mcp.0.serverId" }),
    );

    // Run as an ad-hoc graph (validated by the engine, which does not list servers): the node fails, saying why.
    const run = await call(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: toolsWorkflow([{ serverId: theirs.json.server.id, tools: ["add"] }], ["done"]),
        input: { message: "x" },
      },
      auth: actor,
    });
    expect(run.json.status).toBe("failed");
    expect(run.json.error.message).toMatch(/does not exist or is not yours/);
  });
});
