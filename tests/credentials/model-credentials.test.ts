/**
 * Issue 15: the default model and in-app credentials, over real HTTP against the wire-format server.
 * Every answer, event, export and log line of these runs is searched for the credential's key.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { DELETE as deleteCredential, PATCH as patchCredential } from "@/app/api/credentials/[id]/route";
import { POST as testCredential } from "@/app/api/credentials/[id]/test/route";
import { GET as listCredentials, POST as createCredential } from "@/app/api/credentials/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { POST as runExecution } from "@/app/api/executions/route";
import { PUT as setDefault } from "@/app/api/models/default/route";
import { GET as getModels } from "@/app/api/models/route";
import { GET as listSecrets, POST as createSecret } from "@/app/api/secrets/route";
import { GET as exportWorkflow } from "@/app/api/workflows/[id]/export/route";
import { POST as importWorkflow } from "@/app/api/workflows/import/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { chatMessageEventSchema } from "@/lib/contracts/conversations";
import { getDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { startWireServer, type WireServer } from "@/tests/helpers/wire-server";
import { call, callRaw, newActor, readSse, type Actor } from "../api/rest-fixtures";

const KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const SECRET_VALUE = "tok_5ecr3t_value_4b1d9e7";
const ENV = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "OLLAMA_BASE_URL",
  "LATTICE_DEFAULT_MODEL",
  "LATTICE_HTTP_ALLOWLIST",
  "LATTICE_ENCRYPTION_KEY",
  "LATTICE_ENCRYPTION_KEYS_PREVIOUS",
] as const;
const saved: Record<string, string | undefined> = {};
let wire: WireServer;
let logged = "";

function setEnv(values: Partial<Record<(typeof ENV)[number], string>>) {
  for (const name of ENV) {
    if (name === "LATTICE_HTTP_ALLOWLIST") continue;
    if (values[name] === undefined) delete process.env[name];
    else process.env[name] = values[name];
  }
  resetEnvCache();
}

beforeAll(async () => {
  wire = await startWireServer({ apiKey: KEY });
  for (const name of ENV) saved[name] = process.env[name];
  process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1";
});
afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetEnvCache();
  await wire.close();
});
beforeEach(() => {
  setEnv({});
  logged = "";
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged += `${args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" ")}\n`;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(logged).not.toContain(KEY);
  expect(logged).not.toContain(SECRET_VALUE);
});

async function chatTurn(actor: Actor, body: Record<string, unknown>) {
  const response = await callRaw(chat, "/api/chat", { method: "POST", body, auth: actor });
  expect(response.status).toBe(200);
  const messages = await readSse(response);
  const last = messages.at(-1)!;
  expect(last.event).toBe("message");
  return { saved: chatMessageEventSchema.parse(last.data), raw: JSON.stringify(messages) };
}

async function addCredential(actor: Actor, body: Record<string, unknown>) {
  const created = await call(createCredential, "/api/credentials", { method: "POST", body, auth: actor });
  expect(created.status, created.text).toBe(201);
  return created;
}

function modelGraph(config: Record<string, unknown>) {
  return {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
      { id: "model", type: "model", position: { x: 240, y: 0 }, data: { label: "Model", config } },
      { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
    ],
    edges: [
      { id: "e1", source: "start", target: "model" },
      { id: "e2", source: "model", target: "end" },
    ],
    metadata: {},
  };
}

async function everythingAbout(actor: Actor, executionId: string): Promise<string> {
  const detail = await call(getExecution, `/api/executions/${executionId}`, {
    auth: actor,
    params: { id: executionId },
  });
  const db = await getDb();
  const rows = await db.execute(sql`select e.*, (select json_agg(ev) from execution_events ev
    where ev.execution_id = e.id) as events from workflow_executions e where e.id = ${executionId}`);
  // The stored events are what the monitor and every events stream replay.
  return `${detail.text}\n${JSON.stringify(rows)}`;
}

describe("the default model", () => {
  it("without any provider is the built-in test model, and the settings say so", async () => {
    const actor = await newActor();
    const models = await call(getModels, "/api/models", { auth: actor });
    expect(models.status).toBe(200);
    expect(models.json.effective).toMatchObject({ provider: "local", model: "echo", builtin: true });
    expect(models.json.serverDefault.source).toBe("builtin");
    const { saved } = await chatTurn(actor, { message: "Hi there" });
    expect(saved.message.content).toContain("Hi there");
    expect(saved.message.content).not.toContain("Hello from");
  });

  it("with a provider configured by environment, a fresh user's Universal chat answers from it", async () => {
    setEnv({ OPENAI_BASE_URL: `${wire.url}/v1`, OPENAI_API_KEY: KEY });
    const actor = await newActor();
    const models = await call(getModels, "/api/models", { auth: actor });
    expect(models.json.effective).toMatchObject({ provider: "openai", model: "gpt-4o-mini", builtin: false });
    const { saved, raw } = await chatTurn(actor, { message: "Are you real?" });
    expect(saved.message.content).toBe("Hello from openai gpt-4o-mini. You said: Are you real?");
    const all = `${raw}\n${await everythingAbout(actor, saved.message.executionId!)}`;
    expect(all).toContain('"openai:gpt-4o-mini"');
    expect(all).not.toContain(KEY);
    // The conversation's title is asked of the same resolved model, inside the run.
    expect(logged).not.toContain("could not name the conversation");
    expect(wire.requests.filter((r) => r.model === "gpt-4o-mini")).toHaveLength(2);
  });

  it("LATTICE_DEFAULT_MODEL names it; a user's own choice wins over the server's", async () => {
    setEnv({ OPENAI_BASE_URL: `${wire.url}/v1`, OPENAI_API_KEY: KEY, LATTICE_DEFAULT_MODEL: "openai:gpt-4.1" });
    const actor = await newActor();
    expect((await chatTurn(actor, { message: "one" })).saved.message.content).toContain("openai gpt-4.1.");
    const set = await call(setDefault, "/api/models/default", {
      method: "PUT",
      body: { defaultModel: { provider: "local", model: "echo" } },
      auth: actor,
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json.effective).toMatchObject({ provider: "local", model: "echo", builtin: true });
    expect((await chatTurn(actor, { message: "two" })).saved.message.content).not.toContain("Hello from");
    const refused = await call(setDefault, "/api/models/default", {
      method: "PUT",
      body: { defaultModel: { provider: "anthropic", model: "claude-haiku-4-5" } },
      auth: actor,
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/anthropic provider is not configured/);
  });
});

describe("credentials", () => {
  it("are stored sealed, listed with a hint only, renamed, tested for real, and deleted", async () => {
    const actor = await newActor();
    const other = await newActor();
    const created = await addCredential(actor, {
      name: "Team OpenAI",
      provider: "openai",
      apiKey: KEY,
      baseUrl: `${wire.url}/v1`,
    });
    expect(created.text).not.toContain(KEY);
    const { credential } = created.json;
    expect(credential).toMatchObject({ name: "Team OpenAI", provider: "openai", hint: `••••${KEY.slice(-4)}` });

    const db = await getDb();
    const stored = JSON.stringify(await db.execute(sql`select * from credentials where id = ${credential.id}`));
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(Buffer.from(KEY).toString("hex"));
    expect(stored).not.toContain(Buffer.from(KEY).toString("base64"));

    const duplicate = await call(createCredential, "/api/credentials", {
      method: "POST",
      body: { name: "Team OpenAI", provider: "openai", apiKey: "sk-other" },
      auth: actor,
    });
    expect(duplicate.status).toBe(409);

    const listed = await call(listCredentials, "/api/credentials", { auth: actor });
    expect(listed.json.credentials).toHaveLength(1);
    expect(listed.text).not.toContain(KEY);
    expect((await call(listCredentials, "/api/credentials", { auth: other })).json.credentials).toEqual([]);

    const params = { id: credential.id };
    const ok = await call(testCredential, `/api/credentials/${credential.id}/test`, {
      method: "POST",
      auth: actor,
      params,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, model: "gpt-4o-mini" });
    expect(ok.json.message).toContain("Hello from openai gpt-4o-mini");

    const renamed = await call(patchCredential, `/api/credentials/${credential.id}`, {
      method: "PATCH",
      body: { name: "Old key", apiKey: "sk-wrong-0123456789abcdef" },
      auth: actor,
      params,
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.credential).toMatchObject({ name: "Old key", hint: "••••cdef" });
    const failing = await call(testCredential, `/api/credentials/${credential.id}/test`, {
      method: "POST",
      auth: actor,
      params,
    });
    expect(failing.status).toBe(200);
    expect(failing.json.ok).toBe(false);
    // The provider's own words, with the key it quoted blanked out.
    expect(failing.json.message).toContain("Incorrect API key provided: [redacted]");
    expect(failing.text).not.toContain("sk-wrong-0123456789abcdef");

    const theirs = await call(testCredential, `/api/credentials/${credential.id}/test`, {
      method: "POST",
      auth: other,
      params,
    });
    expect(theirs.status).toBe(404);
    const deleted = await call(deleteCredential, `/api/credentials/${credential.id}`, {
      method: "DELETE",
      auth: actor,
      params,
    });
    expect(deleted.status).toBe(204);
    expect((await call(listCredentials, "/api/credentials", { auth: actor })).json.credentials).toEqual([]);
  });

  it("refuses a base URL the HTTP guard refuses", async () => {
    const actor = await newActor();
    const refused = await call(createCredential, "/api/credentials", {
      method: "POST",
      body: { name: "Metadata", provider: "ollama", baseUrl: "http://169.254.169.254/" },
      auth: actor,
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("forbidden:http_target");
  });

  it("a workflow whose model node uses one answers from it; its key is in no answer, event, export or log", async () => {
    const actor = await newActor();
    const { json } = await addCredential(actor, {
      name: "Wire",
      provider: "openai",
      apiKey: KEY,
      baseUrl: `${wire.url}/v1`,
    });
    const config = { provider: "openai", model: "gpt-4o-mini", credentialId: json.credential.id };
    const run = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: modelGraph(config), input: { message: "ping" } },
      auth: actor,
    });
    expect(run.status, run.text).toBe(200);
    expect(run.json.status).toBe("completed");
    expect(run.json.output.message).toBe("Hello from openai gpt-4o-mini. You said: ping");
    expect(wire.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    const all = `${run.text}\n${await everythingAbout(actor, run.json.executionId)}`;
    expect(all).toContain("openai:gpt-4o-mini");
    expect(all).not.toContain(KEY);

    // Export names the credential; import maps the name to the importer's own credential.
    const saved = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: { name: "Uses a credential", ...modelGraph(config) },
      auth: actor,
    });
    expect(saved.status, saved.text).toBe(201);
    const id = saved.json.workflow.id;
    const exported = await call(exportWorkflow, `/api/workflows/${id}/export`, { auth: actor, params: { id } });
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain(KEY);
    expect(exported.text).not.toContain(json.credential.id);
    const file = JSON.parse(exported.text);
    expect(file.workflow.nodes[1].data.config.credentialName).toBe("Wire");

    const importer = await newActor();
    const theirs = await addCredential(importer, {
      name: "Wire",
      provider: "openai",
      apiKey: KEY,
      baseUrl: `${wire.url}/v1`,
    });
    const imported = await call(importWorkflow, "/api/workflows/import", {
      method: "POST",
      body: file,
      auth: importer,
    });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json.workflow.nodes[1].data.config.credentialId).toBe(theirs.json.credential.id);
    expect(imported.json.workflow.nodes[1].data.config.credentialName).toBeUndefined();
  });

  it("a default model through a credential answers the Universal chat", async () => {
    const actor = await newActor();
    const { json } = await addCredential(actor, {
      name: "Mine",
      provider: "openai",
      apiKey: KEY,
      baseUrl: `${wire.url}/v1`,
    });
    const set = await call(setDefault, "/api/models/default", {
      method: "PUT",
      body: { defaultModel: { provider: "openai", model: "gpt-4.1-nano", credentialId: json.credential.id } },
      auth: actor,
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json.effective).toMatchObject({ credentialName: "Mine", builtin: false });
    const { saved, raw } = await chatTurn(actor, { message: "hello" });
    expect(saved.message.content).toBe("Hello from openai gpt-4.1-nano. You said: hello");
    expect(raw).not.toContain(KEY);
  });

  it("sealed with another LATTICE_ENCRYPTION_KEY, a credential fails with a clear error, not garbage", async () => {
    setEnv({ LATTICE_ENCRYPTION_KEY: "first-key-0123456789abcdef0123456789" });
    const actor = await newActor();
    const { json } = await addCredential(actor, {
      name: "Sealed",
      provider: "openai",
      apiKey: KEY,
      baseUrl: `${wire.url}/v1`,
    });
    setEnv({ LATTICE_ENCRYPTION_KEY: "second-key-0123456789abcdef012345678" });
    // Another instance with the new key: its first read of the row.
    const { forgetUserModels } = await import("@/lib/credentials/user-models");
    forgetUserModels(actor.id);
    const params = { id: json.credential.id };
    const tested = await call(testCredential, `/api/credentials/${params.id}/test`, {
      method: "POST",
      auth: actor,
      params,
    });
    expect(tested.status).toBe(503);
    expect(tested.json.error.message).toMatch(/cannot be decrypted with this server's LATTICE_ENCRYPTION_KEY/);
    const run = await call(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: modelGraph({ provider: "openai", model: "gpt-4o-mini", credentialId: params.id }),
        input: { message: "x" },
      },
      auth: actor,
    });
    expect(run.json.status).toBe("failed");
    expect(run.text).toMatch(/cannot be decrypted with this server's LATTICE_ENCRYPTION_KEY/);

    // A rotation: the old key listed as previous opens the row again.
    setEnv({
      LATTICE_ENCRYPTION_KEY: "second-key-0123456789abcdef012345678",
      LATTICE_ENCRYPTION_KEYS_PREVIOUS: "first-key-0123456789abcdef0123456789",
    });
    forgetUserModels(actor.id);
    const again = await call(testCredential, `/api/credentials/${params.id}/test`, {
      method: "POST",
      auth: actor,
      params,
    });
    expect(again.json.ok).toBe(true);
  });
});

describe("secrets", () => {
  it("an HTTP node sends {{secrets.NAME}} in its header and URL; the run shows it nowhere", async () => {
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const echo = http.createServer((req, res) => {
      seen.push({ url: req.url ?? "", auth: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ youSent: req.headers.authorization, path: req.url }));
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const port = (echo.address() as AddressInfo).port;
    try {
      const actor = await newActor();
      const created = await call(createSecret, "/api/secrets", {
        method: "POST",
        body: { name: "API_TOKEN", value: SECRET_VALUE },
        auth: actor,
      });
      expect(created.status, created.text).toBe(201);
      expect(created.text).not.toContain(SECRET_VALUE);
      expect((await call(listSecrets, "/api/secrets", { auth: actor })).text).not.toContain(SECRET_VALUE);

      const definition = {
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
          {
            id: "http",
            type: "http",
            position: { x: 240, y: 0 },
            data: {
              config: {
                url: `http://127.0.0.1:${port}/items?token={{secrets.API_TOKEN}}`,
                headers: { Authorization: "Bearer {{secrets.API_TOKEN}}" },
              },
            },
          },
          {
            id: "end",
            type: "end",
            position: { x: 480, y: 0 },
            data: { config: { output: "{{variables.http_response.body.youSent}}" } },
          },
        ],
        edges: [
          { id: "e1", source: "start", target: "http" },
          { id: "e2", source: "http", target: "end" },
        ],
        metadata: {},
      };
      const run = await call(runExecution, "/api/executions", {
        method: "POST",
        body: { type: "CUSTOM", definition, input: { message: "go" } },
        auth: actor,
      });
      expect(run.status, run.text).toBe(200);
      expect(run.json.status, run.text).toBe("completed");
      expect(seen[0]).toEqual({ url: `/items?token=${SECRET_VALUE}`, auth: `Bearer ${SECRET_VALUE}` });
      const all = `${run.text}\n${await everythingAbout(actor, run.json.executionId)}`;
      expect(all).toContain("[secret API_TOKEN]");
      expect(all).not.toContain(SECRET_VALUE);

      // A secret the user has not set fails the node, naming it.
      const missing = structuredClone(definition);
      missing.nodes[1]!.data.config.headers = { Authorization: "Bearer {{secrets.NOT_SET}}" };
      const failed = await call(runExecution, "/api/executions", {
        method: "POST",
        body: { type: "CUSTOM", definition: missing, input: { message: "go" } },
        auth: actor,
      });
      expect(failed.json.status).toBe("failed");
      expect(failed.text).toContain("{{secrets.NOT_SET}}, which you have not set");
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
