/**
 * The authorization matrix: every documented route × every kind of caller — nobody, another user, the owner
 * by session cookie, the owner by API key, and a revoked key of the owner's — gets the expected status, and
 * no response to anyone but the owner contains the owner's data. The route list is the OpenAPI document's:
 * a new route without a matrix entry fails here.
 */
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ulid } from "ulid";
import * as analyticsSummary from "@/app/api/analytics/summary/route";
import * as analyticsTemplates from "@/app/api/analytics/templates/route";
import * as analyticsWorkflows from "@/app/api/analytics/workflows/route";
import * as chat from "@/app/api/chat/route";
import * as conversation from "@/app/api/conversations/[id]/route";
import * as conversations from "@/app/api/conversations/route";
import * as cancel from "@/app/api/executions/[id]/cancel/route";
import * as events from "@/app/api/executions/[id]/events/route";
import * as rerun from "@/app/api/executions/[id]/rerun/route";
import * as resume from "@/app/api/executions/[id]/resume/route";
import * as execution from "@/app/api/executions/[id]/route";
import * as feed from "@/app/api/executions/feed/route";
import * as executions from "@/app/api/executions/route";
import * as health from "@/app/api/health/route";
import * as credential from "@/app/api/credentials/[id]/route";
import * as credentialTest from "@/app/api/credentials/[id]/test/route";
import * as credentials from "@/app/api/credentials/route";
import * as defaultModel from "@/app/api/models/default/route";
import * as models from "@/app/api/models/route";
import * as secret from "@/app/api/secrets/[id]/route";
import * as secrets from "@/app/api/secrets/route";
import * as key from "@/app/api/keys/[id]/route";
import * as keys from "@/app/api/keys/route";
import * as document from "@/app/api/knowledge-bases/[id]/documents/[documentId]/route";
import * as documents from "@/app/api/knowledge-bases/[id]/documents/route";
import * as knowledgeBase from "@/app/api/knowledge-bases/[id]/route";
import * as knowledgeBases from "@/app/api/knowledge-bases/route";
import * as knowledgeSearch from "@/app/api/knowledge-bases/[id]/search/route";
import * as knowledgeEmbeddings from "@/app/api/knowledge-bases/[id]/embeddings/route";
import * as openapi from "@/app/api/openapi.json/route";
import * as signup from "@/app/api/signup/route";
import * as templateExport from "@/app/api/templates/[id]/export/route";
import * as instantiate from "@/app/api/templates/[id]/instantiate/route";
import * as template from "@/app/api/templates/[id]/route";
import * as templateImport from "@/app/api/templates/import/route";
import * as templates from "@/app/api/templates/route";
import * as workflowExport from "@/app/api/workflows/[id]/export/route";
import * as restore from "@/app/api/workflows/[id]/restore/[version]/route";
import * as workflow from "@/app/api/workflows/[id]/route";
import * as toTemplate from "@/app/api/workflows/[id]/to-template/route";
import * as version from "@/app/api/workflows/[id]/versions/[version]/route";
import * as versions from "@/app/api/workflows/[id]/versions/route";
import * as workflowImport from "@/app/api/workflows/import/route";
import * as workflows from "@/app/api/workflows/route";
import * as validate from "@/app/api/workflows/validate/route";
import * as hook from "@/app/api/hooks/[token]/route";
import * as schedulePreview from "@/app/api/schedules/preview/route";
import * as schedules from "@/app/api/workflows/[id]/schedules/route";
import * as schedule from "@/app/api/workflows/[id]/schedules/[scheduleId]/route";
import * as webhooks from "@/app/api/workflows/[id]/webhooks/route";
import * as webhook from "@/app/api/workflows/[id]/webhooks/[webhookId]/route";
import * as webhookRotate from "@/app/api/workflows/[id]/webhooks/[webhookId]/rotate/route";
import * as mcp from "@/app/api/mcp/route";
import * as mcpServer from "@/app/api/mcp-servers/[id]/route";
import * as mcpServerTools from "@/app/api/mcp-servers/[id]/tools/route";
import * as mcpServers from "@/app/api/mcp-servers/route";
import * as mcpTool from "@/app/api/workflows/[id]/mcp-tool/route";
import { mcpJsonRpcErrorSchema } from "@/lib/contracts/mcp";
import { closeMcpConnections } from "@/lib/mcp/client";
import { closeMcpSessions } from "@/lib/services/mcp-endpoint";
import { createOpenApiDocument } from "@/lib/http/openapi";
import type { RouteHandler } from "@/lib/http";
import { apiRequest, expectNoLeak, routeContext, uniqueEmail } from "./helpers";
import { setEnv } from "../helpers/env";
import { startTestMcpServer, type TestMcpServer } from "../helpers/mcp-server";
import {
  approvalDefinition,
  call,
  callRaw,
  echoDefinition,
  newActor,
  readSse,
  revokedKeyOf,
  type Actor,
} from "./rest-fixtures";

const CALLERS = ["anonymous", "other user", "owner (cookie)", "owner (API key)", "revoked key"] as const;
type Caller = (typeof CALLERS)[number];

interface World {
  owner: Actor;
  other: Actor;
  revokedKey: string;
  /** In every name and message the owner writes: a response to anyone else must never contain it. */
  marker: string;
}

interface Target {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Entry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler: RouteHandler<any>;
  /** The request, aimed at the owner's resources. */
  target: (world: World) => Promise<Target>;
  /** Status for the owner, by cookie and by key. */
  owner: number;
  /** Status for another user: 404 for the owner's rows; their own lists and creations succeed. */
  other: number;
  /** Routes that need no credentials. */
  anonymous?: number;
  /** A revoked key is refused everywhere credentials are read. */
  revoked?: number;
  /** Build the target anew for each caller: the owner's call consumes it (delete, cancel, resume…). */
  fresh?: boolean;
  /** The answer is an endless stream (the feed): only its status and first bytes are read. */
  endless?: boolean;
  /**
   * A protocol endpoint for API keys only (/api/mcp): the owner's session cookie is a 401, the other user calls
   * with their API key (their cookie would be refused before anything is tested), and refusals past
   * authentication are JSON-RPC errors, not `{ error }`.
   */
  jsonRpc?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// The owner's resources, made through the API itself
// ---------------------------------------------------------------------------------------------------------

const once = new Map<string, Promise<unknown>>();
function shared<T>(name: string, make: () => Promise<T>): Promise<T> {
  if (!once.has(name)) once.set(name, make());
  return once.get(name) as Promise<T>;
}

async function newWorkflow(w: World): Promise<string> {
  const created = await call(workflows.POST, "/api/workflows", {
    method: "POST",
    body: echoDefinition(`${w.marker} workflow`),
    auth: w.owner,
  });
  expect(created.status).toBe(201);
  const id = created.json.workflow.id as string;
  await call(workflow.PUT, "/api/workflows/x", {
    method: "PUT",
    body: echoDefinition(`${w.marker} workflow v2`),
    auth: w.owner,
    params: { id },
  });
  return id;
}

function templateBody(name: string) {
  const { name: _n, description: _d, ...graph } = echoDefinition();
  return { name, description: "", ...graph };
}

async function newTemplate(w: World): Promise<string> {
  const created = await call(templates.POST, "/api/templates", {
    method: "POST",
    body: templateBody(`${w.marker} template`),
    auth: w.owner,
  });
  expect(created.status).toBe(201);
  return created.json.template.id;
}

async function newKnowledgeBase(w: World): Promise<{ id: string; documentId: string }> {
  const created = await call(knowledgeBases.POST, "/api/knowledge-bases", {
    method: "POST",
    body: { name: `${w.marker} kb` },
    auth: w.owner,
  });
  const id = created.json.knowledgeBase.id as string;
  const added = await call(documents.POST, "/api/knowledge-bases/x/documents", {
    method: "POST",
    body: { title: `${w.marker} doc`, text: `${w.marker} secret handbook text` },
    auth: w.owner,
    params: { id },
  });
  expect(added.status).toBe(201);
  return { id, documentId: added.json.document.id };
}

async function newConversation(w: World): Promise<string> {
  const response = await callRaw(chat.POST, "/api/chat", {
    method: "POST",
    body: { message: `${w.marker} private question` },
    auth: w.owner,
  });
  const messages = await readSse(response);
  return messages[messages.length - 1]!.data.conversationId;
}

function graph(definition: ReturnType<typeof echoDefinition>) {
  const { name: _n, description: _d, ...rest } = definition;
  return rest;
}

async function newExecution(w: World, definition = echoDefinition()): Promise<string> {
  const response = await call(executions.POST, "/api/executions", {
    method: "POST",
    body: { type: "CUSTOM", definition: graph(definition), input: { message: `${w.marker} run input` } },
    auth: w.owner,
  });
  expect(response.status).toBe(200);
  return response.json.executionId;
}

/** A run of the owner's saved workflow, so the per-workflow figures have the workflow's (marked) name. */
async function runWorkflow(w: World): Promise<void> {
  const definitionId = await shared("workflow", () => newWorkflow(w));
  const response = await call(executions.POST, "/api/executions", {
    method: "POST",
    body: { type: "DEFINITION", definitionId, input: { message: "x" } },
    auth: w.owner,
  });
  expect(response.status).toBe(200);
}

const pausedExecution = (w: World) => newExecution(w, approvalDefinition() as ReturnType<typeof echoDefinition>);

async function newApiKey(w: World): Promise<string> {
  const created = await call(keys.POST, "/api/keys", {
    method: "POST",
    body: { name: `${w.marker} key` },
    auth: w.owner,
  });
  return created.json.key.id;
}

let named = 0;
/** A credential or secret of the owner's (a fresh name each time: names are unique per owner). */
async function newCredential(w: World, kind: "credential" | "secret"): Promise<string> {
  named += 1;
  if (kind === "secret") {
    const created = await call(secrets.POST, "/api/secrets", {
      method: "POST",
      body: { name: `S_${named}`, value: `${w.marker} secret value` },
      auth: w.owner,
    });
    return created.json.secret.id;
  }
  const created = await call(credentials.POST, "/api/credentials", {
    method: "POST",
    body: { name: `${w.marker} credential ${named}`, provider: "openai", apiKey: `sk-${w.marker}-key` },
    auth: w.owner,
  });
  return created.json.credential.id;
}

/** A schedule or webhook of the owner's shared workflow. */
async function newTrigger(
  w: World,
  kind: "schedules" | "webhooks",
): Promise<{ id: string; workflowId: string; token: string }> {
  const workflowId = await shared("workflow", () => newWorkflow(w));
  const created = await call(kind === "schedules" ? schedules.POST : webhooks.POST, "/x", {
    method: "POST",
    body:
      kind === "schedules"
        ? { kind: "interval", intervalMinutes: 60, name: `${w.marker} schedule` }
        : { name: `${w.marker} hook` },
    auth: w.owner,
    params: { id: workflowId },
  });
  expect(created.status, created.text).toBe(201);
  const row = kind === "schedules" ? created.json.schedule : created.json.webhook;
  return { id: row.id, workflowId, token: kind === "webhooks" ? String(row.path).split("/").pop()! : "" };
}

const triggerParams = async (w: World, kind: "schedules" | "webhooks") => {
  const trigger = await newTrigger(w, kind);
  return { id: trigger.workflowId, [kind === "schedules" ? "scheduleId" : "webhookId"]: trigger.id };
};

/** A real MCP server on a loopback port (the SDK's), which the owner's registered servers point at. */
let mcpTools: TestMcpServer;

async function newMcpServer(w: World): Promise<string> {
  named += 1;
  const created = await call(mcpServers.POST, "/api/mcp-servers", {
    method: "POST",
    body: { name: `${w.marker} tools ${named}`, url: mcpTools.url },
    auth: w.owner,
  });
  expect(created.status, created.text).toBe(201);
  return created.json.server.id;
}

/** A workflow of the owner's offered at /api/mcp: its tool's title is the workflow's (marked) name. */
async function offeredWorkflow(w: World): Promise<string> {
  const id = await newWorkflow(w);
  const offered = await call(mcpTool.PUT, "/x", {
    method: "PUT",
    body: { offered: true },
    auth: w.owner,
    params: { id },
  });
  expect(offered.status, offered.text).toBe(200);
  return id;
}

const MCP_ACCEPT = "application/json, text/event-stream";

/** An MCP session of the owner's at /api/mcp (initialize, by their API key), with their offered workflow. */
async function newMcpSession(w: World): Promise<string> {
  await shared("offered", () => offeredWorkflow(w));
  const response = await mcp.POST(
    apiRequest("/api/mcp", {
      method: "POST",
      apiKey: w.owner.apiKey,
      headers: { accept: MCP_ACCEPT },
      body: {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: "matrix", version: "1.0.0" },
        },
      },
    }),
    routeContext(),
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const sessionId = response.headers.get("mcp-session-id");
  expect(sessionId).toBeTruthy();
  return sessionId!;
}

const mcpSessionHeaders = (sessionId: string, accept = MCP_ACCEPT) => ({
  accept,
  "mcp-session-id": sessionId,
  "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
});

const exportFile = (kind: "definition" | "template") => ({
  format: "lattice.workflow",
  formatVersion: 1,
  kind,
  workflow: echoDefinition("Imported"),
});

// ---------------------------------------------------------------------------------------------------------
// The matrix: one entry per documented operation
// ---------------------------------------------------------------------------------------------------------

const OK = 200;
const CREATED = 201;
const ACCEPTED = 202;
const GONE = 204;
const HIDDEN = 404;

const matrix: Record<string, Entry> = {
  "get /api/workflows": { handler: workflows.GET, target: async () => ({}), owner: OK, other: OK },
  "post /api/workflows": {
    handler: workflows.POST,
    target: async () => ({ body: echoDefinition("New") }),
    owner: CREATED,
    other: CREATED,
  },
  "get /api/workflows/{id}": {
    handler: workflow.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "put /api/workflows/{id}": {
    handler: workflow.PUT,
    target: async (w) => ({
      params: { id: await shared("workflow", () => newWorkflow(w)) },
      body: echoDefinition(`${w.marker} saved`),
    }),
    owner: OK,
    other: HIDDEN,
  },
  "delete /api/workflows/{id}": {
    handler: workflow.DELETE,
    target: async (w) => ({ params: { id: await newWorkflow(w) } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "get /api/workflows/{id}/versions": {
    handler: versions.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/workflows/{id}/versions/{version}": {
    handler: version.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)), version: "1" } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/workflows/{id}/restore/{version}": {
    handler: restore.POST,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)), version: "1" } }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/workflows/{id}/export": {
    handler: workflowExport.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/workflows/{id}/to-template": {
    handler: toTemplate.POST,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) }, body: {} }),
    owner: CREATED,
    other: HIDDEN,
  },
  "post /api/workflows/import": {
    handler: workflowImport.POST,
    target: async () => ({ body: exportFile("definition") }),
    owner: CREATED,
    other: CREATED,
  },
  "post /api/workflows/validate": {
    handler: validate.POST,
    target: async () => ({ body: { definition: graph(echoDefinition()) } }),
    owner: OK,
    other: OK,
  },

  "get /api/templates": { handler: templates.GET, target: async () => ({}), owner: OK, other: OK },
  "post /api/templates": {
    handler: templates.POST,
    target: async () => ({ body: templateBody("New") }),
    owner: CREATED,
    other: CREATED,
  },
  "get /api/templates/{id}": {
    handler: template.GET,
    target: async (w) => ({ params: { id: await shared("template", () => newTemplate(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "put /api/templates/{id}": {
    handler: template.PUT,
    target: async (w) => ({
      params: { id: await shared("template", () => newTemplate(w)) },
      body: templateBody(`${w.marker} template saved`),
    }),
    owner: OK,
    other: HIDDEN,
  },
  "delete /api/templates/{id}": {
    handler: template.DELETE,
    target: async (w) => ({ params: { id: await newTemplate(w) } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/templates/{id}/instantiate": {
    handler: instantiate.POST,
    target: async (w) => ({ params: { id: await shared("template", () => newTemplate(w)) }, body: {} }),
    owner: CREATED,
    other: HIDDEN,
  },
  "get /api/templates/{id}/export": {
    handler: templateExport.GET,
    target: async (w) => ({ params: { id: await shared("template", () => newTemplate(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/templates/import": {
    handler: templateImport.POST,
    target: async () => ({ body: exportFile("template") }),
    owner: CREATED,
    other: CREATED,
  },

  "post /api/executions": {
    handler: executions.POST,
    target: async (w) => ({
      body: {
        type: "DEFINITION",
        definitionId: await shared("workflow", () => newWorkflow(w)),
        input: { message: "hi" },
      },
    }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/executions": {
    handler: executions.GET,
    target: async (w) => {
      await shared("execution", () => newExecution(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "get /api/executions/{id}": {
    handler: execution.GET,
    target: async (w) => ({ params: { id: await shared("execution", () => newExecution(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/executions/{id}/events": {
    handler: events.GET,
    target: async (w) => ({ params: { id: await shared("execution", () => newExecution(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/executions/feed": { handler: feed.GET, target: async () => ({}), owner: OK, other: OK, endless: true },
  "post /api/executions/{id}/cancel": {
    handler: cancel.POST,
    target: async (w) => ({ params: { id: await pausedExecution(w) } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/executions/{id}/resume": {
    handler: resume.POST,
    target: async (w) => ({ params: { id: await pausedExecution(w) }, body: { approved: true } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/executions/{id}/rerun": {
    handler: rerun.POST,
    target: async (w) => ({ params: { id: await shared("execution", () => newExecution(w)) } }),
    owner: OK,
    other: HIDDEN,
  },

  "post /api/chat": {
    handler: chat.POST,
    target: async (w) => ({
      body: { message: "and then?", conversationId: await shared("conversation", () => newConversation(w)) },
    }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/conversations": {
    handler: conversations.GET,
    target: async (w) => {
      await shared("conversation", () => newConversation(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "get /api/conversations/{id}": {
    handler: conversation.GET,
    target: async (w) => ({ params: { id: await shared("conversation", () => newConversation(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "patch /api/conversations/{id}": {
    handler: conversation.PATCH,
    target: async (w) => ({
      params: { id: await shared("conversation", () => newConversation(w)) },
      body: { title: `${w.marker} renamed` },
    }),
    owner: OK,
    other: HIDDEN,
  },
  "delete /api/conversations/{id}": {
    handler: conversation.DELETE,
    target: async (w) => ({ params: { id: await newConversation(w) } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },

  "get /api/analytics/summary": {
    handler: analyticsSummary.GET,
    target: async (w) => {
      await shared("execution", () => newExecution(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "get /api/analytics/templates": {
    handler: analyticsTemplates.GET,
    target: async (w) => {
      await shared("execution", () => newExecution(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "get /api/analytics/workflows": {
    handler: analyticsWorkflows.GET,
    target: async (w) => {
      await shared("workflowRun", () => runWorkflow(w));
      return {};
    },
    owner: OK,
    other: OK,
  },

  "get /api/knowledge-bases": {
    handler: knowledgeBases.GET,
    target: async (w) => {
      await shared("kb", () => newKnowledgeBase(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "post /api/knowledge-bases": {
    handler: knowledgeBases.POST,
    target: async () => ({ body: { name: "New base" } }),
    owner: CREATED,
    other: CREATED,
  },
  "get /api/knowledge-bases/{id}": {
    handler: knowledgeBase.GET,
    target: async (w) => ({ params: { id: (await shared("kb", () => newKnowledgeBase(w))).id } }),
    owner: OK,
    other: HIDDEN,
  },
  "delete /api/knowledge-bases/{id}": {
    handler: knowledgeBase.DELETE,
    target: async (w) => ({ params: { id: (await newKnowledgeBase(w)).id } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/knowledge-bases/{id}/documents": {
    handler: documents.POST,
    target: async (w) => ({
      params: { id: (await shared("kb", () => newKnowledgeBase(w))).id },
      body: { title: "More", text: "More text to index." },
    }),
    owner: CREATED,
    other: HIDDEN,
  },
  "post /api/knowledge-bases/{id}/search": {
    handler: knowledgeSearch.POST,
    target: async (w) => ({
      params: { id: (await shared("kb", () => newKnowledgeBase(w))).id },
      body: { query: "text" },
    }),
    owner: OK,
    other: HIDDEN,
  },
  "patch /api/knowledge-bases/{id}": {
    handler: knowledgeBase.PATCH,
    target: async (w) => ({
      params: { id: (await shared("kb", () => newKnowledgeBase(w))).id },
      body: { embeddingModel: null },
    }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/knowledge-bases/{id}/embeddings": {
    handler: knowledgeEmbeddings.GET,
    target: async (w) => ({ params: { id: (await shared("kb", () => newKnowledgeBase(w))).id } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/knowledge-bases/{id}/embeddings": {
    handler: knowledgeEmbeddings.POST,
    target: async (w) => ({ params: { id: (await shared("kb", () => newKnowledgeBase(w))).id } }),
    // The base has no embeddings model: the owner is told to choose one (409); nobody else learns it exists.
    owner: 409,
    other: HIDDEN,
  },
  "delete /api/knowledge-bases/{id}/documents/{documentId}": {
    handler: document.DELETE,
    target: async (w) => {
      const kb = await newKnowledgeBase(w);
      return { params: { id: kb.id, documentId: kb.documentId } };
    },
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },

  "post /api/signup": {
    handler: signup.POST,
    target: async () => ({ body: { email: uniqueEmail("matrix"), password: "long enough pw" } }),
    // The same answer for a new and a taken email (no session): accepted.
    owner: ACCEPTED,
    other: ACCEPTED,
    anonymous: ACCEPTED,
    revoked: ACCEPTED,
    fresh: true,
  },
  "get /api/keys": {
    handler: keys.GET,
    target: async (w) => {
      await shared("key", () => newApiKey(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "post /api/keys": {
    handler: keys.POST,
    target: async () => ({ body: { name: "another" } }),
    owner: CREATED,
    other: CREATED,
  },
  "delete /api/keys/{id}": {
    handler: key.DELETE,
    target: async (w) => ({ params: { id: await newApiKey(w) } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "get /api/models": { handler: models.GET, target: async () => ({}), owner: OK, other: OK },
  "put /api/models/default": {
    handler: defaultModel.PUT,
    target: async () => ({ body: { defaultModel: null } }),
    owner: OK,
    other: OK,
  },
  "get /api/credentials": {
    handler: credentials.GET,
    target: async (w) => {
      await shared("credential", () => newCredential(w, "credential"));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "post /api/credentials": {
    handler: credentials.POST,
    target: async () => ({ body: { name: `another ${(named += 1)}`, provider: "openai", apiKey: "sk-another" } }),
    owner: CREATED,
    other: CREATED,
    fresh: true,
  },
  "patch /api/credentials/{id}": {
    handler: credential.PATCH,
    target: async (w) => ({
      params: { id: await newCredential(w, "credential") },
      body: { name: `renamed ${(named += 1)}` },
    }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "delete /api/credentials/{id}": {
    handler: credential.DELETE,
    target: async (w) => ({ params: { id: await newCredential(w, "credential") } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/credentials/{id}/test": {
    handler: credentialTest.POST,
    target: async (w) => ({
      params: { id: await shared("credential", () => newCredential(w, "credential")) },
      body: {},
    }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/secrets": {
    handler: secrets.GET,
    target: async (w) => {
      await shared("secret", () => newCredential(w, "secret"));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "post /api/secrets": {
    handler: secrets.POST,
    target: async () => ({ body: { name: `ANOTHER_${(named += 1)}`, value: "v" } }),
    owner: CREATED,
    other: CREATED,
    fresh: true,
  },
  "patch /api/secrets/{id}": {
    handler: secret.PATCH,
    target: async (w) => ({ params: { id: await newCredential(w, "secret") }, body: { value: "new value" } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "delete /api/secrets/{id}": {
    handler: secret.DELETE,
    target: async (w) => ({ params: { id: await newCredential(w, "secret") } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "get /api/workflows/{id}/schedules": {
    handler: schedules.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/workflows/{id}/schedules": {
    handler: schedules.POST,
    target: async (w) => ({
      params: { id: await shared("workflow", () => newWorkflow(w)) },
      body: { kind: "interval", intervalMinutes: 30 },
    }),
    owner: CREATED,
    other: HIDDEN,
  },
  "patch /api/workflows/{id}/schedules/{scheduleId}": {
    handler: schedule.PATCH,
    target: async (w) => ({ params: await triggerParams(w, "schedules"), body: { enabled: false } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "delete /api/workflows/{id}/schedules/{scheduleId}": {
    handler: schedule.DELETE,
    target: async (w) => ({ params: await triggerParams(w, "schedules") }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/schedules/preview": {
    handler: schedulePreview.POST,
    target: async () => ({ body: { kind: "cron", cron: "0 9 * * *", timezone: "UTC" } }),
    owner: OK,
    other: OK,
  },
  "get /api/workflows/{id}/webhooks": {
    handler: webhooks.GET,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "post /api/workflows/{id}/webhooks": {
    handler: webhooks.POST,
    target: async (w) => ({ params: { id: await shared("workflow", () => newWorkflow(w)) }, body: {} }),
    owner: CREATED,
    other: HIDDEN,
  },
  "patch /api/workflows/{id}/webhooks/{webhookId}": {
    handler: webhook.PATCH,
    target: async (w) => ({ params: await triggerParams(w, "webhooks"), body: { enabled: false } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "delete /api/workflows/{id}/webhooks/{webhookId}": {
    handler: webhook.DELETE,
    target: async (w) => ({ params: await triggerParams(w, "webhooks") }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  "post /api/workflows/{id}/webhooks/{webhookId}/rotate": {
    handler: webhookRotate.POST,
    target: async (w) => ({ params: await triggerParams(w, "webhooks"), body: { rotate: "url" } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  // Public: the token is the credential, whoever (or no one) is signed in.
  "post /api/hooks/{token}": {
    handler: hook.POST,
    target: async (w) => ({ params: { token: (await newTrigger(w, "webhooks")).token }, body: { message: "hi" } }),
    owner: ACCEPTED,
    other: ACCEPTED,
    anonymous: ACCEPTED,
    revoked: ACCEPTED,
    fresh: true,
  },

  "get /api/mcp-servers": {
    handler: mcpServers.GET,
    target: async (w) => {
      await shared("mcpServer", () => newMcpServer(w));
      return {};
    },
    owner: OK,
    other: OK,
  },
  "post /api/mcp-servers": {
    handler: mcpServers.POST,
    target: async () => ({ body: { name: `another server ${(named += 1)}`, url: mcpTools.url } }),
    owner: CREATED,
    other: CREATED,
    fresh: true,
  },
  "patch /api/mcp-servers/{id}": {
    handler: mcpServer.PATCH,
    target: async (w) => ({ params: { id: await newMcpServer(w) }, body: { timeoutMs: 10_000 } }),
    owner: OK,
    other: HIDDEN,
    fresh: true,
  },
  "delete /api/mcp-servers/{id}": {
    handler: mcpServer.DELETE,
    target: async (w) => ({ params: { id: await newMcpServer(w) } }),
    owner: GONE,
    other: HIDDEN,
    fresh: true,
  },
  // The owner's server answers (a live MCP server): its tools for the owner, nothing for anyone else.
  "get /api/mcp-servers/{id}/tools": {
    handler: mcpServerTools.GET,
    target: async (w) => ({ params: { id: await shared("mcpServer", () => newMcpServer(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "get /api/workflows/{id}/mcp-tool": {
    handler: mcpTool.GET,
    target: async (w) => ({ params: { id: await shared("offered", () => offeredWorkflow(w)) } }),
    owner: OK,
    other: HIDDEN,
  },
  "put /api/workflows/{id}/mcp-tool": {
    handler: mcpTool.PUT,
    target: async (w) => ({
      params: { id: await shared("offered", () => offeredWorkflow(w)) },
      body: { offered: true },
    }),
    owner: OK,
    other: HIDDEN,
  },
  // /api/mcp takes API keys only (a cookie is a 401), and a session answers its owner only: another user
  // presenting the owner's session id with their own key is told there is no such session (-32001, 404).
  "post /api/mcp": {
    handler: mcp.POST,
    target: async (w) => ({
      headers: mcpSessionHeaders(await newMcpSession(w)),
      body: { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
    }),
    owner: OK,
    other: HIDDEN,
    jsonRpc: true,
  },
  "get /api/mcp": {
    handler: mcp.GET,
    target: async (w) => ({ headers: mcpSessionHeaders(await newMcpSession(w), "text/event-stream") }),
    owner: OK,
    other: HIDDEN,
    jsonRpc: true,
    endless: true,
  },
  "delete /api/mcp": {
    handler: mcp.DELETE,
    target: async (w) => ({ headers: mcpSessionHeaders(await newMcpSession(w)) }),
    owner: OK,
    other: HIDDEN,
    jsonRpc: true,
    fresh: true,
  },
  "get /api/health": { handler: health.GET, target: async () => ({}), owner: OK, other: OK, anonymous: OK },
  "get /api/openapi.json": {
    handler: openapi.GET,
    target: async () => ({}),
    owner: OK,
    other: OK,
    anonymous: OK,
    revoked: OK,
  },
};

// ---------------------------------------------------------------------------------------------------------

function credentialsOf(caller: Caller, w: World, entry?: Entry): { cookie?: string; apiKey?: string } {
  switch (caller) {
    case "anonymous":
      return {};
    case "other user":
      return entry?.jsonRpc ? { apiKey: w.other.apiKey } : { cookie: w.other.cookie };
    case "owner (cookie)":
      return { cookie: w.owner.cookie };
    case "owner (API key)":
      return { apiKey: w.owner.apiKey };
    case "revoked key":
      return { apiKey: w.revokedKey };
  }
}

function expectedStatus(entry: Entry, caller: Caller): number {
  switch (caller) {
    case "anonymous":
      return entry.anonymous ?? 401;
    case "revoked key":
      return entry.revoked ?? 401;
    case "other user":
      return entry.other;
    case "owner (cookie)":
      return entry.jsonRpc ? 401 : entry.owner;
    default:
      return entry.owner;
  }
}

/** The text of a response; an endless stream is read for a moment and then closed. */
async function textOf(response: Response, endless: boolean): Promise<string> {
  if (!endless || !response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 300;
  while (Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    if (next === null) continue;
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel();
  return text;
}

async function send(
  entry: Entry,
  method: string,
  path: string,
  target: Target,
  credentials: { cookie?: string; apiKey?: string },
) {
  const request = apiRequest(`${path}${target.query ?? ""}`, {
    method: method.toUpperCase(),
    ...credentials,
    ...(target.body !== undefined ? { body: target.body } : {}),
    ...(target.headers ? { headers: target.headers } : {}),
  });
  const response = await entry.handler(request, routeContext(target.params ?? {}));
  return {
    status: response.status,
    text: await textOf(response, entry.endless ?? false),
    contentType: response.headers.get("content-type"),
  };
}

let world: World;
const targets = new Map<string, Promise<Target>>();

let restoreEnv: () => void;

beforeAll(async () => {
  // The test MCP server listens on 127.0.0.1, an internal address the HTTP guard refuses unless allowed.
  restoreEnv = setEnv({ LATTICE_HTTP_ALLOWLIST: "127.0.0.1" });
  mcpTools = await startTestMcpServer();
  const owner = await newActor();
  world = { owner, other: await newActor(), revokedKey: await revokedKeyOf(owner), marker: `owner-${ulid()}` };
}, 60_000);

afterAll(async () => {
  await closeMcpSessions();
  await closeMcpConnections();
  await mcpTools?.close();
  restoreEnv?.();
});

describe("authorization matrix", () => {
  it("has one entry per documented operation, and the document one operation per entry", () => {
    const documented = Object.entries(createOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((k) => ["get", "post", "put", "patch", "delete"].includes(k))
        .map((method) => `${method} ${path}`),
    );
    expect(Object.keys(matrix).sort()).toEqual(documented.sort());
  });

  describe.each(Object.entries(matrix))("%s", (operation, entry) => {
    const [method, path] = operation.split(" ") as [string, string];
    const targetFor = (): Promise<Target> => {
      if (entry.fresh) return entry.target(world);
      if (!targets.has(operation)) targets.set(operation, entry.target(world));
      return targets.get(operation)!;
    };

    it.each(CALLERS)("%s", async (caller) => {
      const target = await targetFor();
      const response = await send(entry, method, path, target, credentialsOf(caller, world, entry));
      expect(response.status, `${operation} as ${caller}: ${response.text.slice(0, 300)}`).toBe(
        expectedStatus(entry, caller),
      );
      expectNoLeak(response.text);
      if (response.status >= 400) {
        expect(response.contentType).toMatch(/application\/json/);
        const body = JSON.parse(response.text);
        // Authentication answers the API's way everywhere; past it, a protocol endpoint answers its protocol's.
        if (entry.jsonRpc && response.status !== 401) expect(mcpJsonRpcErrorSchema.safeParse(body).success).toBe(true);
        else expect(body.error.code).toMatch(/^[a-z_]+:[a-z_]+$/);
      }
      if (!caller.startsWith("owner")) {
        expect(response.text, `${operation} as ${caller} shows the owner's data`).not.toContain(world.marker);
        expect(response.text).not.toContain(world.owner.email);
        // The refused call changed nothing: the owner can still do exactly what they could before.
        if (entry.fresh && entry !== matrix["post /api/signup"] && response.status >= 400) {
          const replay = await send(entry, method, path, target, credentialsOf("owner (API key)", world));
          expect(replay.status, `${operation} by the owner after ${caller}`).toBe(entry.owner);
        }
      }
    });
  });
});
