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
import { GET as exportTemplate } from "@/app/api/templates/[id]/export/route";
import { POST as importTemplate } from "@/app/api/templates/import/route";
import { POST as templateFromWorkflow } from "@/app/api/workflows/[id]/to-template/route";
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

/** A credential for the wire server (its key and URL), named `name`. */
function wireCredential(actor: Actor, name: string) {
  return addCredential(actor, { name, provider: "openai", apiKey: KEY, baseUrl: `${wire.url}/v1` });
}

async function addSecret(actor: Actor, name: string, value = SECRET_VALUE) {
  const created = await call(createSecret, "/api/secrets", { method: "POST", body: { name, value }, auth: actor });
  expect(created.status, created.text).toBe(201);
  return created;
}

/** Runs a definition (not saved) and returns the API's answer. */
function runCustom(actor: Actor, definition: unknown, message = "go") {
  return call(runExecution, "/api/executions", {
    method: "POST",
    body: { type: "CUSTOM", definition, input: { message } },
    auth: actor,
  });
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
    const created = await wireCredential(actor, "Team OpenAI");
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

  it("checks a saved base URL again on every run: one the guard now refuses fails the node, sending nothing", async () => {
    const actor = await newActor();
    // Saved while the guard allowed the address (LATTICE_HTTP_ALLOWLIST, as a DNS answer that was public then).
    const { json } = await wireCredential(actor, "Moved");
    const definition = modelGraph({ provider: "openai", model: "gpt-4o-mini", credentialId: json.credential.id });
    const requests = wire.requests.length;
    process.env.LATTICE_HTTP_ALLOWLIST = "";
    resetEnvCache();
    try {
      const run = await runCustom(actor, definition, "x");
      expect(run.json.status, run.text).toBe("failed");
      expect(run.json.error.message).toMatch(
        /This model's credential cannot be used: Refusing to fetch http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is a loopback address/,
      );
      expect(run.text).not.toContain(KEY);
      expect(wire.requests).toHaveLength(requests);
    } finally {
      process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1";
      resetEnvCache();
    }
  });

  it("a workflow whose model node uses one answers from it; its key is in no answer, event, export or log", async () => {
    const actor = await newActor();
    const { json } = await wireCredential(actor, "Wire");
    const config = { provider: "openai", model: "gpt-4o-mini", credentialId: json.credential.id };
    const run = await runCustom(actor, modelGraph(config), "ping");
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
    const theirs = await wireCredential(importer, "Wire");
    const imported = await call(importWorkflow, "/api/workflows/import", {
      method: "POST",
      body: file,
      auth: importer,
    });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json.workflow.nodes[1].data.config.credentialId).toBe(theirs.json.credential.id);
    expect(imported.json.workflow.nodes[1].data.config.credentialName).toBeUndefined();
    expect(imported.json.repointedNodes).toBeUndefined();

    // Without a credential of that name and provider, the node answers with the importer's default model,
    // and the answer says which node that is (an Anthropic "Wire" is not a match).
    const stranger = await newActor();
    await addCredential(stranger, { name: "Wire", provider: "anthropic", apiKey: "sk-ant-other-key-0000" });
    const fallback = await call(importWorkflow, "/api/workflows/import", {
      method: "POST",
      body: file,
      auth: stranger,
    });
    expect(fallback.status, fallback.text).toBe(201);
    expect(fallback.json.validation.isValid).toBe(true);
    const node = fallback.json.workflow.nodes[1].data.config;
    expect(node).toMatchObject({ provider: "default", model: "default" });
    expect(node.credentialId).toBeUndefined();
    expect(node.credentialName).toBeUndefined();
    expect(fallback.json.repointedNodes).toEqual([
      { nodeId: "model", label: "Model", credentialName: "Wire", provider: "openai", model: "gpt-4o-mini" },
    ]);
    const answer = await runCustom(stranger, fallback.json.workflow, "after import");
    expect(answer.json.status, answer.text).toBe("completed");

    // A template carries the name the same way, out and in.
    const template = await call(templateFromWorkflow, `/api/workflows/${id}/to-template`, {
      method: "POST",
      body: {},
      auth: actor,
      params: { id },
    });
    expect(template.status, template.text).toBe(201);
    const templateId = template.json.template.id;
    const templateFile = await call(exportTemplate, `/api/templates/${templateId}/export`, {
      auth: actor,
      params: { id: templateId },
    });
    expect(templateFile.text).not.toContain(json.credential.id);
    expect(templateFile.json.workflow.nodes[1].data.config.credentialName).toBe("Wire");
    const mapped = await call(importTemplate, "/api/templates/import", {
      method: "POST",
      body: templateFile.json,
      auth: importer,
    });
    expect(mapped.status, mapped.text).toBe(201);
    expect(mapped.json.template.definition.nodes[1].data.config.credentialId).toBe(theirs.json.credential.id);
    const strangers = await call(importTemplate, "/api/templates/import", {
      method: "POST",
      body: templateFile.json,
      auth: stranger,
    });
    expect(strangers.json.repointedNodes).toHaveLength(1);
    expect(strangers.json.template.definition.nodes[1].data.config.provider).toBe("default");
  });

  it("a default model through a credential answers the Universal chat", async () => {
    const actor = await newActor();
    const { json } = await wireCredential(actor, "Mine");
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
    const { json } = await wireCredential(actor, "Sealed");
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
    const run = await runCustom(
      actor,
      modelGraph({ provider: "openai", model: "gpt-4o-mini", credentialId: params.id }),
      "x",
    );
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
      const created = await addSecret(actor, "API_TOKEN");
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
      const run = await runCustom(actor, definition, "go");
      expect(run.status, run.text).toBe(200);
      expect(run.json.status, run.text).toBe("completed");
      expect(seen[0]).toEqual({ url: `/items?token=${SECRET_VALUE}`, auth: `Bearer ${SECRET_VALUE}` });
      const all = `${run.text}\n${await everythingAbout(actor, run.json.executionId)}`;
      expect(all).toContain("[secret API_TOKEN]");
      expect(all).not.toContain(SECRET_VALUE);

      // A secret the user has not set fails the node, naming it.
      const missing = structuredClone(definition);
      missing.nodes[1]!.data.config.headers = { Authorization: "Bearer {{secrets.NOT_SET}}" };
      const failed = await runCustom(actor, missing, "go");
      expect(failed.json.status).toBe("failed");
      expect(failed.text).toContain("{{secrets.NOT_SET}}, which you have not set");
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});

/** An http server on 127.0.0.1 that records what it is sent and answers `reply(req)` as JSON. */
async function recordingServer(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    reply(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** start → a tools node whose scripted model calls http_get on each URL in turn, then answers → end. */
function toolGraph(urls: string[], httpSites: unknown[], extra: Record<string, unknown> = {}) {
  return {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
      {
        id: "agent",
        type: "tools",
        position: { x: 240, y: 0 },
        data: {
          label: "Agent",
          config: {
            provider: "local",
            model: "scripted",
            tools: ["http_get"],
            httpSites,
            script: [...urls.map((url) => `http_get(${JSON.stringify({ url })})`), "done"],
            ...extra,
          },
        },
      },
      { id: "end", type: "end", position: { x: 480, y: 0 }, data: { config: {} } },
    ],
    edges: [
      { id: "e1", source: "start", target: "agent" },
      { id: "e2", source: "agent", target: "end" },
    ],
    metadata: {},
  };
}

describe("the HTTP tool's sites", () => {
  it("adds the site's secret header and query value only on that site, and the run shows neither anywhere", async () => {
    const other = await recordingServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ other: true, path: req.url }));
    });
    const site = await recordingServer((req, res) => {
      if (req.url?.startsWith("/away")) {
        res.writeHead(302, { location: `${other.origin}/landed` });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      // An echo: the header and the query come back in the body.
      res.end(JSON.stringify({ youSent: req.headers["x-api-key"], path: req.url }));
    });
    try {
      const actor = await newActor();
      await addSecret(actor, "API_TOKEN");
      const definition = toolGraph(
        [`${site.origin}/items?q=1`, `${other.origin}/elsewhere`, `${site.origin}/away`],
        [
          {
            origin: site.origin,
            headers: { "X-Api-Key": "{{secrets.API_TOKEN}}" },
            query: { key: "{{secrets.API_TOKEN}}" },
          },
        ],
      );
      const run = await runCustom(actor, definition, "go");
      expect(run.status, run.text).toBe(200);
      expect(run.json.status, run.text).toBe("completed");

      // The site the author chose got the key, as a header and in the query; nowhere else did.
      expect(site.seen.map((r) => [r.url, r.headers["x-api-key"]])).toEqual([
        [`/items?q=1&key=${SECRET_VALUE}`, SECRET_VALUE],
        [`/away?key=${SECRET_VALUE}`, SECRET_VALUE],
      ]);
      expect(other.seen.map((r) => r.url)).toEqual(["/elsewhere", "/landed"]);
      expect(JSON.stringify(other.seen)).not.toContain(SECRET_VALUE);

      // What the model read (the tool messages), the tool_call events, the stored run: redacted.
      const all = `${run.text}\n${await everythingAbout(actor, run.json.executionId)}`;
      expect(all).toMatch(/youSent[\\"]+:[\\"]+\[secret API_TOKEN\]/);
      expect(all).toContain("key=[secret API_TOKEN]");
      expect(all).not.toContain(SECRET_VALUE);
      expect(all).not.toContain(encodeURIComponent(SECRET_VALUE));
    } finally {
      await site.close();
      await other.close();
    }
  });

  it("an error that quotes the URL with its query is redacted, and an unknown secret is named before anything is sent", async () => {
    // Endless redirects: the guard's error quotes the first URL, query values included.
    const loop = await recordingServer((req, res) => {
      res.writeHead(302, { location: req.url ?? "/" });
      res.end();
    });
    try {
      const actor = await newActor();
      await addSecret(actor, "API_TOKEN");
      const run = await runCustom(
        actor,
        toolGraph([`${loop.origin}/loop`], [{ origin: loop.origin, query: { key: "{{secrets.API_TOKEN}}" } }]),
        "go",
      );
      expect(run.json.status, run.text).toBe("completed");
      const all = `${run.text}\n${await everythingAbout(actor, run.json.executionId)}`;
      expect(all).toContain("Too many redirects");
      expect(all).toContain("key=[secret API_TOKEN]");
      expect(all).not.toContain(SECRET_VALUE);

      const hits = loop.seen.length;
      const missing = await runCustom(
        actor,
        toolGraph([`${loop.origin}/loop`], [{ origin: loop.origin, headers: { "X-Key": "{{secrets.NOPE}}" } }]),
        "go",
      );
      expect(missing.json.status).toBe("failed");
      expect(missing.text).toContain("{{secrets.NOPE}}, which you have not set");
      expect(loop.seen).toHaveLength(hits);
    } finally {
      await loop.close();
    }
  });

  it("is validated where it is written: an unknown secret, a secret outside these settings, a site with a path", async () => {
    const actor = await newActor();
    await addSecret(actor, "KNOWN");
    const save = async (definition: ReturnType<typeof toolGraph>) => {
      const saved = await call(createWorkflow, "/api/workflows", {
        method: "POST",
        body: { name: "Sites", ...definition },
        auth: actor,
      });
      expect(saved.status, saved.text).toBe(201);
      return saved.json.validation as {
        isValid: boolean;
        errors: Array<{ code: string; path: string; message: string }>;
      };
    };
    const site = "https://api.example.com";
    const good = await save(toolGraph([], [{ origin: site, headers: { Authorization: "Bearer {{secrets.KNOWN}}" } }]));
    expect(good.errors).toEqual([]);

    const unknown = await save(toolGraph([], [{ origin: site, query: { key: "{{secrets.MISSING}}" } }]));
    expect(unknown.errors).toEqual([
      expect.objectContaining({
        code: "secret.unknown",
        path: "nodes.1.data.config.httpSites.0.query.key",
        message: expect.stringContaining("{{secrets.MISSING}}, which you have not set"),
      }),
    ]);

    const inPrompt = await save(toolGraph([], [], { systemPrompt: "The key is {{secrets.KNOWN}}" }));
    expect(inPrompt.errors).toEqual([
      expect.objectContaining({ code: "secret.not_allowed", path: "nodes.1.data.config.systemPrompt" }),
    ]);

    const withPath = await save(toolGraph([], [{ origin: `${site}/v1`, headers: {} }]));
    expect(withPath.errors).toEqual([
      expect.objectContaining({ code: "node.invalid_config", path: "nodes.1.data.config.httpSites.0.origin" }),
    ]);
    const internal = await save(toolGraph([], [{ origin: "http://169.254.169.254" }]));
    expect(internal.errors).toEqual([
      expect.objectContaining({ code: "http.forbidden_target", path: "nodes.1.data.config.httpSites.0.origin" }),
    ]);
  });
});
