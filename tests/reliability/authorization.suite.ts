/**
 * Authorization over HTTP against the production server: every operation of the served OpenAPI document ×
 * (anonymous, another user, the owner by cookie, the owner by API key, a revoked key of the owner's). Nobody
 * but the owner gets the owner's resources or sees a byte of them (a marker is in every name and message the
 * owner writes); credentials that do not check out are refused everywhere; the owner's own calls pass, which
 * proves the targets are real. A new route is covered as soon as the OpenAPI document lists it.
 * (tests/api/authorization-matrix.test.ts checks exact statuses per route in process; this checks the
 * deployed server, with generic rules, for leaks.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { approvalGraph, expectErrorShape, expectNoLeak, modelGraph, suiteServer } from "./lib/suite";

const { baseUrl } = suiteServer();
const marker = `zq${ulid().toLowerCase().slice(-10)}`;
let owner: HttpUser;
let other: HttpUser;
let revokedKey: string;
let operations: Array<{ method: string; path: string }>;

const PUBLIC = new Set([
  "GET /api/health",
  "GET /api/openapi.json",
  "POST /api/signup",
  // A webhook's unguessable URL is its credential: anyone holding it may start its run.
  "POST /api/hooks/{token}",
]);
/** Public operations that read no credentials at all (health does: a bad key is a 401 there too). */
const CREDENTIAL_FREE = new Set(["GET /api/openapi.json", "POST /api/signup", "POST /api/hooks/{token}"]);
/** The MCP endpoint takes API keys only (a session cookie is a 401) and answers in JSON-RPC once past them. */
const API_KEY_ONLY = new Set(["POST /api/mcp", "GET /api/mcp", "DELETE /api/mcp"]);
/** The owner's MCP server at a loopback port nothing listens on: listing its tools is a 503 that says so. */
const UPSTREAM_DOWN = new Set(["GET /api/mcp-servers/{id}/tools"]);
const ENDLESS = new Set(["GET /api/executions/feed"]);
type Caller = "anonymous" | "other user" | "owner (cookie)" | "owner (API key)" | "revoked key";
const CALLERS: Caller[] = ["anonymous", "other user", "revoked key", "owner (cookie)", "owner (API key)"];

const definition = (name: string) => ({ name, description: `${name} description`, ...modelGraph() });
const exportFile = (kind: "definition" | "template") => ({
  format: "lattice.workflow",
  formatVersion: 1,
  kind,
  workflow: definition("imported"),
});

// The owner's resources, made through the API.
async function make(kind: string): Promise<string> {
  const as = { apiKey: owner.apiKey };
  switch (kind) {
    case "workflows": {
      const r = await callJson(baseUrl, "/api/workflows", {
        method: "POST",
        ...as,
        body: definition(`${marker} workflow`),
      });
      expect(r.status, r.text).toBe(201);
      return r.json.workflow.id;
    }
    case "templates": {
      const r = await callJson(baseUrl, "/api/templates", {
        method: "POST",
        ...as,
        body: definition(`${marker} template`),
      });
      expect(r.status, r.text).toBe(201);
      return r.json.template.id;
    }
    case "knowledge-bases": {
      const r = await callJson(baseUrl, "/api/knowledge-bases", {
        method: "POST",
        ...as,
        body: { name: `${marker} kb` },
      });
      expect(r.status, r.text).toBe(201);
      return r.json.knowledgeBase.id;
    }
    case "documents": {
      const kb = await make("knowledge-bases");
      const r = await callJson(baseUrl, `/api/knowledge-bases/${kb}/documents`, {
        method: "POST",
        ...as,
        body: { title: `${marker} doc`, text: `${marker} private handbook` },
      });
      expect(r.status, r.text).toBe(201);
      return `${kb}/${r.json.document.id}`;
    }
    case "executions": {
      const r = await callJson(baseUrl, "/api/executions", {
        method: "POST",
        ...as,
        body: { type: "CUSTOM", definition: modelGraph(), input: { message: `${marker} input` } },
      });
      expect(r.status, r.text).toBe(200);
      return r.json.executionId;
    }
    case "paused": {
      const r = await callJson(baseUrl, "/api/executions", {
        method: "POST",
        ...as,
        body: { type: "CUSTOM", definition: approvalGraph(), input: { message: `${marker} draft` } },
      });
      expect(r.json.status).toBe("paused");
      return r.json.executionId;
    }
    case "conversations": {
      const r = await request(baseUrl, "/api/chat", {
        method: "POST",
        ...as,
        headers: { accept: "text/event-stream" },
        body: { message: `${marker} private question` },
      });
      const events = await readSse(r);
      return events.find((m) => m.event === "run_completed")!.data.data.conversationId;
    }
    case "keys": {
      const r = await callJson(baseUrl, "/api/keys", { method: "POST", ...as, body: { name: `${marker} key` } });
      expect(r.status, r.text).toBe(201);
      return r.json.key.id;
    }
    case "credentials": {
      const r = await callJson(baseUrl, "/api/credentials", {
        method: "POST",
        ...as,
        body: { name: `${marker} credential ${ulid()}`, provider: "openai", apiKey: `sk-${marker}` },
      });
      expect(r.status, r.text).toBe(201);
      return r.json.credential.id;
    }
    case "secrets": {
      const r = await callJson(baseUrl, "/api/secrets", {
        method: "POST",
        ...as,
        body: { name: `S_${ulid()}`, value: `${marker} secret` },
      });
      expect(r.status, r.text).toBe(201);
      return r.json.secret.id;
    }
    case "mcp-servers": {
      // 127.0.0.2 is the suite server's allow-listed host; nothing listens on port 9.
      const r = await callJson(baseUrl, "/api/mcp-servers", {
        method: "POST",
        ...as,
        body: { name: `${marker} mcp ${ulid()}`, url: "http://127.0.0.2:9/mcp", timeoutMs: 1000 },
      });
      expect(r.status, r.text).toBe(201);
      return r.json.server.id;
    }
    case "schedules":
    case "webhooks": {
      const workflowId = await sharedResource("workflows");
      const r = await callJson(baseUrl, `/api/workflows/${workflowId}/${kind}`, {
        method: "POST",
        ...as,
        body: kind === "schedules" ? { kind: "interval", intervalMinutes: 60, name: `${marker} schedule` } : {},
      });
      expect(r.status, r.text).toBe(201);
      return `${workflowId}/${kind === "schedules" ? r.json.schedule.id : r.json.webhook.id}`;
    }
    case "hooks": {
      // A hook of its own (the shared one's URL may be rotated by the rotate operation's calls).
      const workflowId = await sharedResource("workflows");
      const r = await callJson(baseUrl, `/api/workflows/${workflowId}/webhooks`, { method: "POST", ...as, body: {} });
      expect(r.status, r.text).toBe(201);
      return String(r.json.webhook.path).split("/").pop()!;
    }
    default:
      throw new Error(`no resource kind ${kind}`);
  }
}

const shared = new Map<string, Promise<string>>();
const sharedResource = (kind: string) => {
  if (!shared.has(kind)) shared.set(kind, make(kind));
  return shared.get(kind)!;
};

/** What a request to an operation looks like: its URL (the owner's resources in it) and body. */
async function target(method: string, path: string, fresh: boolean): Promise<{ url: string; body?: unknown }> {
  const collection = /^\/api\/([\w-]+)\//.exec(path)?.[1] ?? "";
  const key = `${method} ${path}`;
  const resourceKind =
    key === "POST /api/executions/{id}/resume"
      ? "paused"
      : path.includes("{documentId}")
        ? "documents"
        : path.includes("{scheduleId}")
          ? "schedules"
          : path.includes("{webhookId}")
            ? "webhooks"
            : collection;
  let url = path;
  if (path.includes("{")) {
    // A call that uses its target up (delete, resume) gets a resource of its own.
    const consumes = method === "DELETE" || key.endsWith("/resume");
    const id = consumes && fresh ? await make(resourceKind) : await sharedResource(resourceKind);
    const [first, second] = id.split("/");
    url = path
      .replace("{id}", first!)
      .replace("{token}", first!)
      .replace("{documentId}", second ?? "")
      .replace("{scheduleId}", second ?? "")
      .replace("{webhookId}", second ?? "")
      .replace("{version}", "1");
  }
  const bodies: Record<string, unknown> = {
    // Bodies carry no marker: another user's creations echo their own names back.
    "POST /api/workflows": definition("new"),
    "PUT /api/workflows/{id}": definition("saved"),
    "POST /api/workflows/{id}/to-template": {},
    "POST /api/workflows/import": exportFile("definition"),
    "POST /api/workflows/validate": { definition: modelGraph() },
    "POST /api/templates": definition("new template"),
    "PUT /api/templates/{id}": definition("saved template"),
    "POST /api/templates/{id}/instantiate": {},
    "POST /api/templates/import": exportFile("template"),
    "POST /api/executions": { type: "CUSTOM", definition: modelGraph(), input: { message: "hello" } },
    "POST /api/executions/{id}/resume": { approved: true },
    "POST /api/executions/{id}/rerun": {},
    "POST /api/chat": { message: "hello again", conversationId: await sharedResource("conversations") },
    "PATCH /api/conversations/{id}": { title: "renamed" },
    "POST /api/knowledge-bases": { name: "kb" },
    "POST /api/knowledge-bases/{id}/documents": { title: "doc", text: "some text" },
    "POST /api/knowledge-bases/{id}/search": { query: "private handbook" },
    "PATCH /api/knowledge-bases/{id}": { embeddingModel: null },
    "POST /api/signup": {
      email: `signup-${ulid().toLowerCase()}@suite.test`,
      password: "long enough password",
      name: "x",
    },
    "POST /api/keys": { name: "another key" },
    "POST /api/credentials": { name: `another ${ulid()}`, provider: "openai", apiKey: "sk-another" },
    "PATCH /api/credentials/{id}": { name: `renamed ${ulid()}` },
    "POST /api/secrets": { name: `ANOTHER_${ulid()}`, value: "v" },
    "PATCH /api/secrets/{id}": { value: "new value" },
    "PUT /api/models/default": { defaultModel: null },
  };
  return {
    url,
    ...(key in bodies ? { body: bodies[key] } : method === "GET" || method === "DELETE" ? {} : { body: {} }),
  };
}

beforeAll(async () => {
  owner = await signUpOverHttp(baseUrl, `${marker}-owner`);
  other = await signUpOverHttp(baseUrl, "other");
  // A second key of the owner's, revoked.
  const second = await callJson(baseUrl, "/api/keys", {
    method: "POST",
    cookie: owner.cookie,
    body: { name: `${marker} doomed key` },
  });
  revokedKey = second.json.secret;
  const revoked = await callJson(baseUrl, `/api/keys/${second.json.key.id}`, {
    method: "DELETE",
    cookie: owner.cookie,
  });
  expect(revoked.status).toBeLessThan(300);
  const doc = await callJson(baseUrl, "/api/openapi.json");
  operations = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
});

afterAll(() => {});

function credentials(caller: Caller) {
  switch (caller) {
    case "anonymous":
      return {};
    case "other user":
      return { apiKey: other.apiKey };
    case "owner (cookie)":
      return { cookie: owner.cookie };
    case "owner (API key)":
      return { apiKey: owner.apiKey };
    case "revoked key":
      return { apiKey: revokedKey };
  }
}

describe("authorization: every operation × every kind of caller", () => {
  it("covers the whole served API", () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
  });

  it("gives nobody but the owner the owner's data, and refuses bad credentials everywhere", async () => {
    const problems: string[] = [];
    let calls = 0;
    /** Owner answers that show the marker: proof that the leak check looks where the data is. */
    let ownerSawMarker = 0;
    for (const { method, path } of operations) {
      const key = `${method} ${path}`;
      for (const caller of CALLERS) {
        const fresh = caller.startsWith("owner");
        const { url, body } = await target(method, path, fresh);
        const abort = new AbortController();
        const response = await request(baseUrl, url, {
          method,
          ...credentials(caller),
          ...(body !== undefined ? { body } : {}),
          headers: ENDLESS.has(key) ? { accept: "text/event-stream" } : {},
          signal: abort.signal,
        });
        calls += 1;
        let text = "";
        if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
          // Streams: what arrives in the first moments is what a caller would see.
          const timer = setTimeout(() => abort.abort(), 300);
          const events = await readSse(response).catch(() => []);
          clearTimeout(timer);
          text = JSON.stringify(events.map((m) => m.data));
        } else {
          text = await response.text();
        }
        const where = `${key} as ${caller} → ${response.status}`;
        const status = response.status;
        try {
          if (UPSTREAM_DOWN.has(key) && caller.startsWith("owner")) expect(status, where).toBe(503);
          else expect(status, `${where}: server error ${text.slice(0, 200)}`).toBeLessThan(500);
          expectNoLeak(text, where);
          // Past authentication /api/mcp answers JSON-RPC errors (its 401/403 keep the API's shape).
          if (status >= 400 && (!API_KEY_ONLY.has(key) || status === 401 || status === 403))
            expectErrorShape(JSON.parse(text), where);
          if (caller.startsWith("owner") && text.includes(marker)) ownerSawMarker += 1;
          if (!caller.startsWith("owner")) {
            expect(text.includes(marker), `${where}: the owner's data leaks: ${text.slice(0, 200)}`).toBe(false);
            expect(text.includes(owner.email), `${where}: the owner's email leaks`).toBe(false);
          }
          if (caller === "revoked key" && !CREDENTIAL_FREE.has(key)) expect(status, where).toBe(401);
          else if (caller === "anonymous" && !PUBLIC.has(key)) expect(status, where).toBe(401);
          else if (caller === "owner (cookie)" && API_KEY_ONLY.has(key)) expect(status, where).toBe(401);
          else if (caller === "other user" && path.includes("{") && !PUBLIC.has(key))
            expect([400, 403, 404, 422], where).toContain(status);
          else if (caller.startsWith("owner"))
            expect([401, 403, 404], `${where}: the owner is refused ${text.slice(0, 200)}`).not.toContain(status);
        } catch (error) {
          problems.push(String(error).split("\n")[0]!.slice(0, 400));
        }
      }
    }
    expect(problems, problems.slice(0, 10).join("\n")).toEqual([]);
    expect(calls).toBe(operations.length * CALLERS.length);
    expect(ownerSawMarker).toBeGreaterThanOrEqual(20);
  });
});

/**
 * The LangGraph Platform API (/api/langgraph, issue 18): not in the OpenAPI document (LangGraph documents it),
 * so its routes are listed here. Its errors are LangGraph's `{ detail }`; keys come as x-api-key or Bearer.
 */
describe("authorization: the LangGraph Platform API", () => {
  it("gives nobody but the owner the owner's assistants, threads and runs, and refuses bad credentials", async () => {
    const lg = (path: string, init: { method?: string; body?: unknown; apiKey?: string; cookie?: string } = {}) =>
      request(baseUrl, `/api/langgraph${path}`, {
        method: init.method ?? "GET",
        ...(init.apiKey ? { headers: { "x-api-key": init.apiKey } } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
    const as = { apiKey: owner.apiKey };
    const wf = await callJson(baseUrl, "/api/workflows", {
      method: "POST",
      ...as,
      body: definition(`${marker} lg workflow`),
    });
    expect(wf.status, wf.text).toBe(201);
    const assistant = wf.json.workflow.id as string;
    const thread = (await (
      await lg("/threads", { method: "POST", apiKey: owner.apiKey, body: { metadata: { tag: marker } } })
    ).json()) as {
      thread_id: string;
    };
    const t = thread.thread_id;
    const run = (await (
      await lg(`/threads/${t}/runs`, {
        method: "POST",
        apiKey: owner.apiKey,
        body: {
          assistant_id: assistant,
          input: { messages: [{ role: "user", content: `${marker} private question` }] },
        },
      })
    ).json()) as { run_id: string };
    await lg(`/threads/${t}/runs/${run.run_id}/join`, { apiKey: owner.apiKey });
    const reads: Array<[string, string, unknown?]> = [
      ["POST", "/assistants/search", {}],
      ["POST", "/assistants/count", {}],
      ["GET", `/assistants/${assistant}`],
      ["GET", `/assistants/${assistant}/graph`],
      ["GET", `/assistants/${assistant}/schemas`],
      ["POST", `/assistants/${assistant}/versions`, {}],
      ["POST", "/threads/search", {}],
      ["POST", "/threads/count", {}],
      ["GET", `/threads/${t}`],
      ["GET", `/threads/${t}/state`],
      ["POST", `/threads/${t}/history`, {}],
      ["GET", `/threads/${t}/runs`],
      ["GET", `/threads/${t}/runs/${run.run_id}`],
      ["GET", `/threads/${t}/runs/${run.run_id}/join`],
      ["POST", "/runs/crons/search", {}],
    ];
    const writes: Array<[string, string, unknown?]> = [
      ["PATCH", `/threads/${t}`, { metadata: { taken: true } }],
      ["POST", `/threads/${t}/copy`],
      [
        "POST",
        `/threads/${t}/runs/wait`,
        { assistant_id: assistant, input: { messages: [{ role: "user", content: "hi" }] } },
      ],
      ["POST", `/threads/${t}/runs/${run.run_id}/cancel`],
      ["PATCH", `/assistants/${assistant}`, { name: "taken" }],
      ["DELETE", `/threads/${t}/runs/${run.run_id}`],
      ["DELETE", `/assistants/${assistant}`],
      ["DELETE", `/threads/${t}`],
    ];
    const problems: string[] = [];
    let ownerSawMarker = 0;
    for (const [method, path, body] of [...reads, ...writes]) {
      const isWrite = writes.some(([m, p]) => m === method && p === path);
      const callers: Caller[] = isWrite ? ["anonymous", "revoked key", "other user"] : CALLERS;
      for (const caller of callers) {
        const creds = credentials(caller) as { apiKey?: string; cookie?: string };
        const response = await lg(path, { method, ...creds, ...(body !== undefined ? { body } : {}) });
        const text = await response.text();
        const where = `${method} /api/langgraph${path} as ${caller} → ${response.status}`;
        try {
          expect(response.status, `${where}: ${text.slice(0, 200)}`).toBeLessThan(500);
          expectNoLeak(text, where);
          if (response.status >= 400)
            expect(typeof (JSON.parse(text) as { detail?: unknown }).detail, where).toBe("string");
          if (caller === "anonymous" || caller === "revoked key") expect(response.status, where).toBe(401);
          else if (caller === "other user") {
            if (/\/(threads|assistants)\/[^/]+/.test(path) && !/\/(search|count)$/.test(path))
              expect(response.status, where).toBe(404);
            expect(text.includes(marker), `${where}: the owner's data leaks`).toBe(false);
          } else {
            expect([401, 403, 404], `${where}: ${text.slice(0, 200)}`).not.toContain(response.status);
            if (text.includes(marker)) ownerSawMarker += 1;
          }
        } catch (error) {
          problems.push(String(error).split("\n")[0]!.slice(0, 400));
        }
      }
    }
    expect(problems, problems.slice(0, 10).join("\n")).toEqual([]);
    expect(ownerSawMarker).toBeGreaterThanOrEqual(5);
    // Still there after everyone else's attempts.
    expect((await lg(`/threads/${t}`, { apiKey: owner.apiKey })).status).toBe(200);
  });
});
