/**
 * The OpenAPI 3.1 document of Lattice's REST API, generated with zod-openapi from the same zod schemas the
 * routes parse with and the UI reads with. `apiOperations` is the one list of routes: the document is built
 * from it, and the API tests hold every route file, and the authorization matrix, to it.
 */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { z } from "zod";
import { executionEventSchema } from "@/lib/contracts/events";
import { runStatusEventSchema } from "@/lib/contracts/feed-events";
import {
  analyticsQuerySchema,
  analyticsSummaryResponseSchema,
  templateAnalyticsResponseSchema,
  workflowAnalyticsQuerySchema,
  workflowAnalyticsResponseSchema,
} from "@/lib/contracts/analytics";
import {
  apiKeyCreatedResponseSchema,
  apiKeyListResponseSchema,
  createApiKeyBodySchema,
  healthResponseSchema,
  signupBodySchema,
  signupResponseSchema,
} from "@/lib/contracts/account";
import { errorBodySchema, idSchema } from "@/lib/contracts/common";
import {
  createCredentialBodySchema,
  createSecretBodySchema,
  credentialListResponseSchema,
  credentialResponseSchema,
  modelSettingsSchema,
  secretListResponseSchema,
  secretResponseSchema,
  setDefaultModelBodySchema,
  testCredentialBodySchema,
  testCredentialResponseSchema,
  updateCredentialBodySchema,
  updateSecretBodySchema,
} from "@/lib/contracts/credentials";
import {
  createMcpServerBodySchema,
  mcpJsonRpcErrorSchema,
  mcpJsonRpcMessageSchema,
  mcpServerListResponseSchema,
  mcpServerResponseSchema,
  mcpServerToolsResponseSchema,
  updateMcpServerBodySchema,
  workflowMcpToolBodySchema,
  workflowMcpToolResponseSchema,
} from "@/lib/contracts/mcp";
import {
  chatBodySchema,
  chatMessageEventSchema,
  conversationListQuerySchema,
  conversationListResponseSchema,
  conversationResponseSchema,
  updateConversationBodySchema,
} from "@/lib/contracts/conversations";
import {
  cancelExecutionResponseSchema,
  detachedRunResponseSchema,
  executionListQuerySchema,
  executionListResponseSchema,
  executionResponseSchema,
  executionResultResponseSchema,
  rerunExecutionBodySchema,
  resumeExecutionBodySchema,
  runExecutionBodySchema,
} from "@/lib/contracts/executions";
import {
  addTextDocumentBodySchema,
  createKnowledgeBaseBodySchema,
  knowledgeBaseListResponseSchema,
  knowledgeBaseResponseSchema,
  knowledgeDocumentResponseSchema,
  knowledgeSearchBodySchema,
  knowledgeSearchResponseSchema,
  knowledgeBaseUpdatedResponseSchema,
  knowledgeEmbeddingStatusSchema,
  updateKnowledgeBaseBodySchema,
  uploadDocumentFormSchema,
} from "@/lib/contracts/knowledge";
import {
  instantiateTemplateBodySchema,
  saveTemplateBodySchema,
  templateListResponseSchema,
  templateResponseSchema,
} from "@/lib/contracts/templates";
import {
  saveWorkflowBodySchema,
  validateWorkflowBodySchema,
  validateWorkflowResponseSchema,
  workflowExportFileSchema,
  workflowListResponseSchema,
  workflowResponseSchema,
  workflowSavedResponseSchema,
  workflowToTemplateBodySchema,
  workflowVersionListResponseSchema,
  workflowVersionResponseSchema,
} from "@/lib/contracts/workflows";

import { triggerOperations } from "./openapi-triggers";

export type ApiMethod = "get" | "post" | "put" | "patch" | "delete";
type Tag =
  | "Workflows"
  | "Templates"
  | "Executions"
  | "Chat"
  | "Conversations"
  | "Knowledge"
  | "Analytics"
  | "Account"
  | "Models"
  | "MCP"
  | "Triggers"
  | "Meta";

export interface ApiOperation {
  method: ApiMethod;
  /** OpenAPI path template, e.g. "/api/workflows/{id}". */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** "public": no credentials needed (a presented bad API key is still a 401). */
  auth?: "required" | "public";
  params?: { path?: z.ZodObject; query?: z.ZodObject; header?: z.ZodObject };
  body?:
    | { kind: "json"; schema: z.ZodType; required?: boolean }
    | { kind: "json-or-multipart"; json: z.ZodType; multipart: z.ZodType };
  success: SuccessResponse;
  /** Other successful answers the route gives on request (e.g. 202 with `Prefer: respond-async`). */
  alsoSuccess?: SuccessResponse[];
  /**
   * Error statuses besides the ones every route may answer (405, 500) and the ones authentication adds
   * (401; 403 for a cross-site cookie request to a route that changes something). tests/api/openapi-statuses.test.ts
   * reads each route's code for the statuses it can answer and fails on one missing here.
   */
  errors?: number[];
  /**
   * The body of the route's own error answers when it is not the API's `{ error }`: a protocol endpoint's
   * (/api/mcp answers JSON-RPC errors). Authentication's 401 and 403 keep the API's shape.
   */
  errorBody?: z.ZodType;
}

interface SuccessResponse {
  status: 200 | 201 | 202 | 204;
  description: string;
  json?: z.ZodType;
  /** Server-Sent Events: the schema of each event's `data:`. */
  eventStream?: z.ZodType;
  /** Response headers worth naming, with their descriptions. */
  headers?: Record<string, string>;
}

const idPath = z.object({ id: idSchema });
const versionPath = z.object({
  id: idSchema,
  version: z.number().int().min(1).meta({ description: "A version number (1, 2, …)" }),
});
const lastEventIdHeader = z.object({
  "last-event-id": z
    .string()
    .optional()
    .meta({ description: "Resume after this event id (sent by EventSource on reconnect)" }),
});
const lastEventIdQuery = z.object({
  lastEventId: z.string().optional().meta({ description: "The same as Last-Event-ID, for a first connection" }),
});
const acceptHeader = z.object({
  accept: z.string().optional().meta({ description: "`text/event-stream` to receive the run's events as they happen" }),
});
const preferHeader = z.object({
  prefer: z
    .string()
    .optional()
    .meta({ description: "`respond-async` to be answered 202 as soon as the run has started (RFC 7240)" }),
});

// Named, so the document (and the reference page) shows one "ExecutionEvent" instead of ten inline variants.
const executionEventDoc = executionEventSchema.meta({
  id: "ExecutionEvent",
  description: "One event of a run (the stream contract)",
});
const runStatusEventDoc = runStatusEventSchema.meta({ id: "RunStatusEvent", description: "A run's status changed" });

const runResult = {
  status: 200,
  description: "The run's result (a failed or cancelled run is a result too: see `status`), or its event stream",
  json: executionResultResponseSchema,
  eventStream: executionEventDoc,
} as const;

/** The answer of a run started (or continued) with `Prefer: respond-async` or `async: true`. */
const detachedRun = (description: string): SuccessResponse => ({
  status: 202,
  description,
  json: detachedRunResponseSchema,
  headers: {
    location: "The run's record: GET it, or follow /events under it",
    "preference-applied": "`respond-async` when the run goes on in this instance",
  },
});

/** Every route of the API. Keep in step with app/api/** — the API tests fail otherwise. */
export const apiOperations: ApiOperation[] = [
  // Workflows
  {
    method: "get",
    path: "/api/workflows",
    tag: "Workflows",
    summary: "List your workflows",
    success: { status: 200, description: "Newest first", json: workflowListResponseSchema },
  },
  {
    method: "post",
    path: "/api/workflows",
    tag: "Workflows",
    summary: "Save a new workflow",
    description:
      "Runs the validator: an invalid workflow is saved as a draft (isValid false) that cannot be executed. Creates version 1.",
    body: { kind: "json", schema: saveWorkflowBodySchema },
    success: {
      status: 201,
      description: "The saved workflow and what the validator found",
      json: workflowSavedResponseSchema,
    },
    errors: [400, 413, 422],
  },
  {
    method: "get",
    path: "/api/workflows/{id}",
    tag: "Workflows",
    summary: "Get a workflow",
    params: { path: idPath },
    success: { status: 200, description: "The latest version", json: workflowResponseSchema },
    errors: [404],
  },
  {
    method: "put",
    path: "/api/workflows/{id}",
    tag: "Workflows",
    summary: "Save a new version of a workflow",
    description:
      "Every save creates a new immutable version with a summary of what changed. Pass `baseVersion` to refuse (409) a save over someone else's newer version.",
    params: { path: idPath },
    body: { kind: "json", schema: saveWorkflowBodySchema },
    success: {
      status: 200,
      description: "The saved workflow and what the validator found",
      json: workflowSavedResponseSchema,
    },
    errors: [400, 404, 409, 413, 422],
  },
  {
    method: "delete",
    path: "/api/workflows/{id}",
    tag: "Workflows",
    summary: "Delete a workflow and its versions",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/workflows/{id}/versions",
    tag: "Workflows",
    summary: "List a workflow's versions",
    params: { path: idPath },
    success: { status: 200, description: "Newest first", json: workflowVersionListResponseSchema },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/workflows/{id}/versions/{version}",
    tag: "Workflows",
    summary: "Get one version",
    params: { path: versionPath },
    success: { status: 200, description: "The version's graph", json: workflowVersionResponseSchema },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/workflows/{id}/restore/{version}",
    tag: "Workflows",
    summary: "Restore an old version",
    description: "Saves the old version's content as a new version; history is never rewritten.",
    params: { path: versionPath },
    success: { status: 200, description: "The workflow at its new version", json: workflowSavedResponseSchema },
    errors: [404, 409],
  },
  {
    method: "get",
    path: "/api/workflows/{id}/export",
    tag: "Workflows",
    summary: "Export a workflow as a file",
    params: {
      path: idPath,
      query: z.object({ version: z.number().int().min(1).optional().meta({ description: "Default: the latest" }) }),
    },
    success: {
      status: 200,
      description: "An export file (Content-Disposition: attachment)",
      json: workflowExportFileSchema,
    },
    errors: [400, 404, 422],
  },
  {
    method: "post",
    path: "/api/workflows/{id}/to-template",
    tag: "Workflows",
    summary: "Save a workflow as a template of yours",
    params: { path: idPath },
    body: { kind: "json", schema: workflowToTemplateBodySchema, required: false },
    success: { status: 201, description: "The new template", json: templateResponseSchema },
    errors: [400, 404, 413, 422],
  },
  {
    method: "post",
    path: "/api/workflows/import",
    tag: "Workflows",
    summary: "Import an export file as a new workflow",
    description:
      "Validated like any save: a workflow with errors is imported as a draft, and the answer names every error by node and field.",
    body: { kind: "json", schema: workflowExportFileSchema },
    success: {
      status: 201,
      description: "The imported workflow and what the validator found",
      json: workflowSavedResponseSchema,
    },
    errors: [400, 413, 422],
  },
  {
    method: "post",
    path: "/api/workflows/validate",
    tag: "Workflows",
    summary: "Validate a definition",
    description: "200 even when the definition is invalid: the answer is the validator's result.",
    body: { kind: "json", schema: validateWorkflowBodySchema },
    success: { status: 200, description: "The validation result", json: validateWorkflowResponseSchema },
    errors: [400, 413, 422],
  },

  // Templates
  {
    method: "get",
    path: "/api/templates",
    tag: "Templates",
    summary: "List the built-in templates and yours",
    success: { status: 200, description: "Built-ins first", json: templateListResponseSchema },
  },
  {
    method: "post",
    path: "/api/templates",
    tag: "Templates",
    summary: "Save a new template",
    description: "The graph must be a valid workflow (`{{params.name}}` placeholders are allowed anywhere text is).",
    body: { kind: "json", schema: saveTemplateBodySchema },
    success: { status: 201, description: "The new template", json: templateResponseSchema },
    errors: [400, 413, 422],
  },
  {
    method: "get",
    path: "/api/templates/{id}",
    tag: "Templates",
    summary: "Get a template",
    params: { path: idPath },
    success: { status: 200, description: "The template with its graph", json: templateResponseSchema },
    errors: [404],
  },
  {
    method: "put",
    path: "/api/templates/{id}",
    tag: "Templates",
    summary: "Replace one of your templates",
    description: "Built-in templates answer 403 forbidden:builtin.",
    params: { path: idPath },
    body: { kind: "json", schema: saveTemplateBodySchema },
    success: { status: 200, description: "The saved template", json: templateResponseSchema },
    errors: [400, 403, 404, 413, 422],
  },
  {
    method: "delete",
    path: "/api/templates/{id}",
    tag: "Templates",
    summary: "Delete one of your templates",
    description: "Built-in templates answer 403 forbidden:builtin.",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/templates/{id}/instantiate",
    tag: "Templates",
    summary: "Create a workflow from a template",
    params: { path: idPath },
    body: { kind: "json", schema: instantiateTemplateBodySchema, required: false },
    success: {
      status: 201,
      description: "The new workflow and what the validator found",
      json: workflowSavedResponseSchema,
    },
    errors: [400, 404, 413, 422],
  },
  {
    method: "get",
    path: "/api/templates/{id}/export",
    tag: "Templates",
    summary: "Export a template as a file",
    params: { path: idPath },
    success: {
      status: 200,
      description: "An export file (Content-Disposition: attachment)",
      json: workflowExportFileSchema,
    },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/templates/import",
    tag: "Templates",
    summary: "Import an export file as a new template",
    body: { kind: "json", schema: workflowExportFileSchema },
    success: { status: 201, description: "The new template", json: templateResponseSchema },
    errors: [400, 413, 422],
  },

  // Executions
  {
    method: "post",
    path: "/api/executions",
    tag: "Executions",
    summary: "Run a workflow",
    description:
      "One request type for every kind of run (CHAT, DEFINITION, TEMPLATE, CUSTOM). With `Accept: text/event-stream` the run streams: `id:` is the event's sequence number, `event:` its type, and the last event carries the result. With `async: true` (or `Prefer: respond-async`) the answer is 202 with the execution id at once; in queue mode the run goes to the job queue (status `pending`) and `runAt` schedules it. A CUSTOM request may carry `state` (messages, variables, retrievalContext, conversationSummary) to start its graph from that state instead of a fresh conversation: the editor runs one node alone this way, as Start → the node → End from the node's pinned input. 429 with Retry-After past your run limits; 503 with Retry-After while the instance shuts down.",
    params: { header: z.object({ ...acceptHeader.shape, ...preferHeader.shape }) },
    body: { kind: "json", schema: runExecutionBodySchema },
    success: runResult,
    alsoSuccess: [
      detachedRun(
        "With `async: true` or `Prefer: respond-async`: the run has started (or, in queue mode, is queued: status `pending`, and `runAt` when scheduled); follow it at Location",
      ),
    ],
    errors: [400, 404, 413, 422, 429, 503],
  },
  {
    method: "get",
    path: "/api/executions",
    tag: "Executions",
    summary: "List your runs",
    description: "Newest first. Several statuses: `status=failed&status=cancelled` or `status=failed,cancelled`.",
    params: { query: executionListQuerySchema },
    success: { status: 200, description: "One page", json: executionListResponseSchema },
    errors: [400, 422],
  },
  {
    method: "get",
    path: "/api/executions/{id}",
    tag: "Executions",
    summary: "Get a run",
    description: "Its record, node history, the graph it used and a summary of its events.",
    params: { path: idPath },
    success: { status: 200, description: "The run", json: executionResponseSchema },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/executions/{id}/events",
    tag: "Executions",
    summary: "Follow a run's events",
    description:
      "Server-Sent Events: the stored events after Last-Event-ID, then live ones until the run ends; keep-alive comments in between.",
    params: { path: idPath, header: lastEventIdHeader, query: lastEventIdQuery },
    success: { status: 200, description: "The event stream", eventStream: executionEventDoc },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/executions/feed",
    tag: "Executions",
    summary: "Follow status changes of all your runs",
    description:
      "Server-Sent Events (`event: run_status`) for the dashboard; `id:` is the change time, usable as Last-Event-ID.",
    params: { header: lastEventIdHeader, query: lastEventIdQuery },
    success: { status: 200, description: "The feed", eventStream: runStatusEventDoc },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/executions/{id}/cancel",
    tag: "Executions",
    summary: "Cancel a run",
    description: "Stops the run on whichever instance runs it; it ends `cancelled` with the usage spent so far.",
    params: { path: idPath },
    success: { status: 200, description: "The run's status after the request", json: cancelExecutionResponseSchema },
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/api/executions/{id}/resume",
    tag: "Executions",
    summary: "Answer a paused run",
    description:
      "Gives the human node the run waits at its answer (`approved` for approval steps, `text` for input steps) and continues the run. With `Prefer: respond-async` the answer is 202 once the run goes on; follow it over its events.",
    params: { path: idPath, header: z.object({ ...acceptHeader.shape, ...preferHeader.shape }) },
    body: { kind: "json", schema: resumeExecutionBodySchema },
    success: runResult,
    alsoSuccess: [detachedRun("With `Prefer: respond-async`: the run goes on; follow it at Location")],
    errors: [400, 404, 409, 413, 422, 429, 503],
  },
  {
    method: "post",
    path: "/api/executions/{id}/rerun",
    tag: "Executions",
    summary: "Run again",
    description:
      "A new run with the same request, linked to this one by parentExecutionId. With `fromStep` (time travel) the new run starts at one of this run's step checkpoints, with its variables replaced by `variables` — a chat turn's too: answered again as a re-run of it, not added to its conversation. A run that kept no step checkpoints (the default durability, and no pause) answers `fromStep` with 409 `conflict:execution_no_steps`, saying what a re-run can restore (its start) and what it cannot. `durability` keeps step checkpoints in the new run. With `Prefer: respond-async` the answer is 202 with the new execution's id once it has started.",
    params: { path: idPath, header: z.object({ ...acceptHeader.shape, ...preferHeader.shape }) },
    body: { kind: "json", schema: rerunExecutionBodySchema, required: false },
    success: runResult,
    alsoSuccess: [
      detachedRun(
        "With `Prefer: respond-async`: the new run has started (in queue mode, is queued); follow it at Location",
      ),
    ],
    errors: [400, 404, 409, 413, 422, 429, 503],
  },

  // Chat and conversations
  {
    method: "post",
    path: "/api/chat",
    tag: "Chat",
    summary: "Send a chat message",
    description:
      "Streams the answer as Server-Sent Events: the run's events (tokens, tool calls, node progress; the last run event carries sources and usage), then `event: message` with the saved assistant message. No conversationId: a new conversation.",
    body: { kind: "json", schema: chatBodySchema },
    success: {
      status: 200,
      description: "The run's events, then the saved message",
      eventStream: z.union([executionEventDoc, chatMessageEventSchema]),
    },
    errors: [400, 404, 413, 422, 429, 503],
  },
  {
    method: "get",
    path: "/api/conversations",
    tag: "Conversations",
    summary: "List or search your conversations",
    description:
      "Most recently active first. With `q`, only conversations whose title or any message contains the text (case-insensitive); a match in a message comes with a `match` snippet.",
    params: { query: conversationListQuerySchema },
    success: { status: 200, description: "One page", json: conversationListResponseSchema },
    errors: [400, 422],
  },
  {
    method: "get",
    path: "/api/conversations/{id}",
    tag: "Conversations",
    summary: "Get a conversation with its messages",
    params: { path: idPath },
    success: { status: 200, description: "The conversation", json: conversationResponseSchema },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/conversations/{id}",
    tag: "Conversations",
    summary: "Rename a conversation",
    params: { path: idPath },
    body: { kind: "json", schema: updateConversationBodySchema },
    success: {
      status: 200,
      description: "The renamed conversation",
      json: z.object({ conversation: conversationListResponseSchema.shape.conversations.element }),
    },
    errors: [400, 404, 413, 422],
  },
  {
    method: "delete",
    path: "/api/conversations/{id}",
    tag: "Conversations",
    summary: "Delete a conversation and its messages",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },

  // Analytics
  {
    method: "get",
    path: "/api/analytics/summary",
    tag: "Analytics",
    summary: "Your runs over a time range",
    description:
      "Totals (outcomes, success rate, average/p50/p95 duration, tokens, cost), a series over time, usage per model and the workflows that fail most. Default range: the last 7 days.",
    params: { query: analyticsQuerySchema },
    success: { status: 200, description: "The figures", json: analyticsSummaryResponseSchema },
    errors: [400, 422, 503],
  },
  {
    method: "get",
    path: "/api/analytics/templates",
    tag: "Analytics",
    summary: "Your runs per template",
    params: { query: analyticsQuerySchema },
    success: {
      status: 200,
      description: "One row per template your runs came from",
      json: templateAnalyticsResponseSchema,
    },
    errors: [400, 422],
  },
  {
    method: "get",
    path: "/api/analytics/workflows",
    tag: "Analytics",
    summary: "Your runs per workflow and version",
    params: { query: workflowAnalyticsQuerySchema },
    success: {
      status: 200,
      description: "One row per workflow version your runs used",
      json: workflowAnalyticsResponseSchema,
    },
    errors: [400, 422],
  },

  // Knowledge
  {
    method: "get",
    path: "/api/knowledge-bases",
    tag: "Knowledge",
    summary: "List your knowledge bases",
    success: { status: 200, description: "Most recently changed first", json: knowledgeBaseListResponseSchema },
  },
  {
    method: "post",
    path: "/api/knowledge-bases",
    tag: "Knowledge",
    summary: "Create a knowledge base",
    body: { kind: "json", schema: createKnowledgeBaseBodySchema },
    success: {
      status: 201,
      description: "The new knowledge base",
      json: z.object({ knowledgeBase: knowledgeBaseResponseSchema.shape.knowledgeBase }),
    },
    errors: [400, 413, 422],
  },
  {
    method: "get",
    path: "/api/knowledge-bases/{id}",
    tag: "Knowledge",
    summary: "Get a knowledge base with its documents",
    params: { path: idPath },
    success: { status: 200, description: "The knowledge base", json: knowledgeBaseResponseSchema },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/knowledge-bases/{id}",
    tag: "Knowledge",
    summary: "Choose a knowledge base's embeddings model",
    description:
      "`{ embeddingModel: { provider, model } }` (provider `openai` — any OpenAI-compatible /v1/embeddings — or `ollama`, configured on the server) makes search hybrid: meaning and words, scores 0–1. `null` returns to full-text search. Documents added from now on are embedded as they are added; the passages already there are embedded by POST /api/knowledge-bases/{id}/embeddings, not by this call.",
    params: { path: idPath },
    body: { kind: "json", schema: updateKnowledgeBaseBodySchema },
    success: { status: 200, description: "The knowledge base", json: knowledgeBaseUpdatedResponseSchema },
    errors: [400, 404, 413, 422],
  },
  {
    method: "get",
    path: "/api/knowledge-bases/{id}/embeddings",
    tag: "Knowledge",
    summary: "Embedding progress of a knowledge base",
    description:
      "Its embeddings model, the providers this server has configured, how many passages the current model has embedded of all, whether a re-embedding is under way, and the documents whose embedding failed (their text is kept and found by full-text search).",
    params: { path: idPath },
    success: { status: 200, description: "The embedding status", json: knowledgeEmbeddingStatusSchema },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/knowledge-bases/{id}/embeddings",
    tag: "Knowledge",
    summary: "Re-embed a knowledge base's passages",
    description:
      "Embeds, in the background, every passage the current model has not embedded (after the model changed, or to retry documents that failed). Answers at once with the status; poll GET for progress until `running` is false. 409 when the base has no embeddings model; 422 when its provider is not configured on this server.",
    params: { path: idPath },
    success: {
      status: 202,
      description: "Started (or already running): the status",
      json: knowledgeEmbeddingStatusSchema,
    },
    errors: [404, 409, 422],
  },
  {
    method: "delete",
    path: "/api/knowledge-bases/{id}",
    tag: "Knowledge",
    summary: "Delete a knowledge base with its documents",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/knowledge-bases/{id}/documents",
    tag: "Knowledge",
    summary: "Add a document",
    description:
      "JSON `{ title, text }` for pasted text, or multipart/form-data with a `file` (.txt, .md or .pdf, at most 10 MiB). The text is chunked and indexed at once.",
    params: { path: idPath },
    body: { kind: "json-or-multipart", json: addTextDocumentBodySchema, multipart: uploadDocumentFormSchema },
    success: { status: 201, description: "The stored document", json: knowledgeDocumentResponseSchema },
    errors: [400, 404, 413, 422],
  },
  {
    method: "post",
    path: "/api/knowledge-bases/{id}/search",
    tag: "Knowledge",
    summary: "Test retrieval: search a knowledge base",
    description:
      "The passages a retrieval node (or the knowledge-search tool) would get for `query`, best first, with the time the search took. `topK` defaults to the retrieval node's default. Scores are 0–1: with an embeddings model, 0.7 × similarity of meaning + 0.3 × text rank (`mode: hybrid`); without one, the text rank (`mode: full-text`). When the embeddings server fails, the search falls back to full text and `warning` says why.",
    params: { path: idPath },
    body: { kind: "json", schema: knowledgeSearchBodySchema },
    success: { status: 200, description: "The matching passages, ranked", json: knowledgeSearchResponseSchema },
    errors: [400, 404, 413, 422],
  },
  {
    method: "delete",
    path: "/api/knowledge-bases/{id}/documents/{documentId}",
    tag: "Knowledge",
    summary: "Delete a document",
    params: { path: z.object({ id: idSchema, documentId: idSchema }) },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },

  // Account
  {
    method: "post",
    path: "/api/signup",
    tag: "Account",
    summary: "Create an account",
    description:
      "Answers 202 with the same body whether or not the email already had an account, and signs no one in: sign in next with the email and password (it works when this request created the account). When the email was taken, nothing changes and the account's owner is notified (Lattice sends no email: the notice is written to the server log). Every sign-up counts against the sign-in throttle: past `LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT` attempts for one email or `LATTICE_AUTH_ATTEMPTS_PER_IP` from one address within `LATTICE_AUTH_WINDOW_SECONDS`, 429 with Retry-After.",
    auth: "public",
    body: { kind: "json", schema: signupBodySchema },
    success: {
      status: 202,
      description: "Accepted (the same answer for a new and a taken email)",
      json: signupResponseSchema,
    },
    errors: [400, 413, 422, 429],
  },
  {
    method: "get",
    path: "/api/keys",
    tag: "Account",
    summary: "List your API keys",
    success: { status: 200, description: "Newest first; never the secrets", json: apiKeyListResponseSchema },
  },
  {
    method: "post",
    path: "/api/keys",
    tag: "Account",
    summary: "Create an API key",
    description: "The response is the only time the secret is shown.",
    body: { kind: "json", schema: createApiKeyBodySchema },
    success: { status: 201, description: "The key and its secret", json: apiKeyCreatedResponseSchema },
    errors: [400, 413, 422],
  },
  {
    method: "delete",
    path: "/api/keys/{id}",
    tag: "Account",
    summary: "Revoke an API key",
    params: { path: idPath },
    success: { status: 204, description: "Revoked (idempotent)" },
    errors: [404],
  },

  // Models: the default model, credentials and secrets
  {
    method: "get",
    path: "/api/models",
    tag: "Models",
    summary: "Model providers and your default model",
    description:
      "What \"the default model\" (a node's provider `default`) is for you now: your choice, else the server's (LATTICE_DEFAULT_MODEL, else the first configured provider's default model, else the built-in local:echo test model).",
    success: { status: 200, description: "The model settings", json: modelSettingsSchema },
  },
  {
    method: "put",
    path: "/api/models/default",
    tag: "Models",
    summary: "Set your default model",
    description:
      "A configured provider's model, or a model through one of your credentials; `null` goes back to the server's default.",
    body: { kind: "json", schema: setDefaultModelBodySchema },
    success: { status: 200, description: "The model settings", json: modelSettingsSchema },
    errors: [400, 413, 422],
  },
  {
    method: "get",
    path: "/api/credentials",
    tag: "Models",
    summary: "List your model credentials",
    description: "Never a key: a masked hint of its last characters at most.",
    success: { status: 200, description: "By name", json: credentialListResponseSchema },
  },
  {
    method: "post",
    path: "/api/credentials",
    tag: "Models",
    summary: "Add a model credential",
    description:
      "OpenAI (or any OpenAI-compatible server by base URL), Anthropic, or Ollama (its URL). Stored encrypted (AES-256-GCM); the key is never returned. A base URL must pass the HTTP guard (private addresses need LATTICE_HTTP_ALLOWLIST): 403 otherwise.",
    body: { kind: "json", schema: createCredentialBodySchema },
    success: { status: 201, description: "The credential (without its key)", json: credentialResponseSchema },
    errors: [400, 403, 409, 413, 422],
  },
  {
    method: "patch",
    path: "/api/credentials/{id}",
    tag: "Models",
    summary: "Rename a credential, or replace its key or base URL",
    params: { path: idPath },
    body: { kind: "json", schema: updateCredentialBodySchema },
    success: { status: 200, description: "The credential", json: credentialResponseSchema },
    errors: [400, 403, 404, 409, 413, 422],
  },
  {
    method: "delete",
    path: "/api/credentials/{id}",
    tag: "Models",
    summary: "Delete a credential",
    description: "Nodes that use it then fail, saying so; a default model that used it goes back to the server's.",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/credentials/{id}/test",
    tag: "Models",
    summary: "Test a credential",
    description:
      "One real, minimal request through the provider client runs use. `ok: false` carries the provider's own error, its key blanked out. 503 when the credential cannot be decrypted with this server's LATTICE_ENCRYPTION_KEY.",
    params: { path: idPath },
    body: { kind: "json", schema: testCredentialBodySchema, required: false },
    success: { status: 200, description: "The outcome", json: testCredentialResponseSchema },
    errors: [400, 404, 413, 422, 503],
  },
  {
    method: "get",
    path: "/api/secrets",
    tag: "Models",
    summary: "List your secrets",
    description: "Names and masked hints, never values.",
    success: { status: 200, description: "By name", json: secretListResponseSchema },
  },
  {
    method: "post",
    path: "/api/secrets",
    tag: "Models",
    summary: "Add a secret",
    description:
      "HTTP nodes use it as {{secrets.NAME}} in their URL and headers; runs resolve it and show `[secret NAME]` in its place.",
    body: { kind: "json", schema: createSecretBodySchema },
    success: { status: 201, description: "The secret (without its value)", json: secretResponseSchema },
    errors: [400, 409, 413, 422],
  },
  {
    method: "patch",
    path: "/api/secrets/{id}",
    tag: "Models",
    summary: "Rename a secret or replace its value",
    params: { path: idPath },
    body: { kind: "json", schema: updateSecretBodySchema },
    success: { status: 200, description: "The secret", json: secretResponseSchema },
    errors: [400, 404, 409, 413, 422],
  },
  {
    method: "delete",
    path: "/api/secrets/{id}",
    tag: "Models",
    summary: "Delete a secret",
    params: { path: idPath },
    success: { status: 204, description: "Deleted" },
    errors: [404],
  },

  // MCP: servers a user registers for the Tools node, and the workflows offered at /api/mcp
  {
    method: "get",
    path: "/api/mcp-servers",
    tag: "MCP",
    summary: "List your MCP servers",
    description: "Name, URL, timeout and the auth header's name and hint (never its value).",
    success: { status: 200, description: "By name", json: mcpServerListResponseSchema },
  },
  {
    method: "post",
    path: "/api/mcp-servers",
    tag: "MCP",
    summary: "Register an MCP server",
    description:
      "A Streamable HTTP endpoint. Its URL must pass the HTTP node's guard (no private or internal address unless LATTICE_HTTP_ALLOWLIST names it). The auth header's value may use {{secrets.NAME}}; it is stored sealed. Tools nodes then name the server by id with the tools they may call.",
    body: { kind: "json", schema: createMcpServerBodySchema },
    success: { status: 201, description: "The server (without its header's value)", json: mcpServerResponseSchema },
    errors: [400, 403, 409, 413, 422],
  },
  {
    method: "patch",
    path: "/api/mcp-servers/{id}",
    tag: "MCP",
    summary: "Change an MCP server",
    description: "Its name, URL, timeout or auth header (`null`: none).",
    params: { path: idPath },
    body: { kind: "json", schema: updateMcpServerBodySchema },
    success: { status: 200, description: "The server", json: mcpServerResponseSchema },
    errors: [400, 403, 404, 409, 413, 422],
  },
  {
    method: "delete",
    path: "/api/mcp-servers/{id}",
    tag: "MCP",
    summary: "Remove an MCP server",
    description: "Workflows whose Tools node uses it no longer validate, and say which node.",
    params: { path: idPath },
    success: { status: 204, description: "Removed" },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/mcp-servers/{id}/tools",
    tag: "MCP",
    summary: "List an MCP server's tools",
    description:
      "Connects (or reuses the open session) and lists the server's tools with their argument schemas. 503 `unavailable:mcp_server` says why the server cannot be reached.",
    params: { path: idPath },
    success: { status: 200, description: "Its tools", json: mcpServerToolsResponseSchema },
    errors: [400, 403, 404, 503],
  },
  {
    method: "get",
    path: "/api/workflows/{id}/mcp-tool",
    tag: "MCP",
    summary: "Whether a workflow is offered as an MCP tool",
    params: { path: idPath },
    success: { status: 200, description: "Offered or not, and its tool name", json: workflowMcpToolResponseSchema },
    errors: [404],
  },
  {
    method: "put",
    path: "/api/workflows/{id}/mcp-tool",
    tag: "MCP",
    summary: "Offer a workflow as an MCP tool, or stop",
    description: "An offered workflow is listed by /api/mcp to your MCP clients (valid saved versions only).",
    params: { path: idPath },
    body: { kind: "json", schema: workflowMcpToolBodySchema },
    success: { status: 200, description: "The setting", json: workflowMcpToolResponseSchema },
    errors: [400, 404, 413, 422],
  },
  {
    method: "post",
    path: "/api/mcp",
    tag: "MCP",
    summary: "MCP endpoint (Streamable HTTP)",
    description:
      "The Model Context Protocol over Streamable HTTP, for MCP clients (use an MCP SDK rather than calling it by hand). Authenticate every request with an API key (`Authorization: Bearer lat_…`; no session cookie). `initialize` opens a session, answered with an `Mcp-Session-Id` header to send with every later request. `tools/list` lists your workflows offered as tools (PUT /api/workflows/{id}/mcp-tool): arguments `message` and the Start node's variables. `tools/call` runs the workflow like an API run (recorded, trigger `mcp`), sends `notifications/progress` at each node start and end when the request carries a progressToken, and cancels the run (it ends `cancelled`) on `notifications/cancelled`. Any app instance serves any session (sessions are recorded in the database; a cancel reaches the call's run wherever it runs), so no sticky routing is needed. A session unused for 30 minutes, or ended with DELETE, answers 404 (initialize a new one). A browser request whose `Origin` is not this app's (AUTH_URL), a loopback one or one listed in LATTICE_MCP_ALLOWED_ORIGINS is refused with 403 (DNS rebinding protection); clients that are not browsers send no Origin.",
    auth: "required",
    body: { kind: "json", schema: mcpJsonRpcMessageSchema },
    success: {
      status: 200,
      description: "The JSON-RPC answer, as JSON or as an event stream that carries progress first",
      json: mcpJsonRpcMessageSchema,
      eventStream: mcpJsonRpcMessageSchema,
      headers: { "mcp-session-id": "The session, on the answer to initialize" },
    },
    alsoSuccess: [{ status: 202, description: "A notification or response was accepted" }],
    errors: [400, 404, 406, 413, 415],
    errorBody: mcpJsonRpcErrorSchema,
  },
  {
    method: "get",
    path: "/api/mcp",
    tag: "MCP",
    summary: "MCP session notification stream",
    description:
      "The session's server-to-client stream (Streamable HTTP); needs `Mcp-Session-Id` and `Accept: text/event-stream`. Lattice sends nothing on it unprompted (progress and results come on each POST's own stream), so clients need not open it. One per session at a time: a second GET while one is open on the same instance is 409 (JSON-RPC -32000 \"Conflict: Only one SSE stream is allowed per session\").",
    auth: "required",
    success: { status: 200, description: "Server-sent JSON-RPC messages", eventStream: mcpJsonRpcMessageSchema },
    errors: [400, 404, 406, 409],
    errorBody: mcpJsonRpcErrorSchema,
  },
  {
    method: "delete",
    path: "/api/mcp",
    tag: "MCP",
    summary: "End an MCP session",
    description: "Needs `Mcp-Session-Id`.",
    auth: "required",
    success: { status: 200, description: "The session is closed" },
    errors: [400, 404],
    errorBody: mcpJsonRpcErrorSchema,
  },

  // Meta
  {
    method: "get",
    path: "/api/health",
    tag: "Meta",
    summary: "Health and database report",
    description:
      "Public: anonymous callers get the status only. With credentials (session or API key) it also reports the version, the database (backend, location, applied migration) and who is calling; a wrong or revoked API key is a 401. 503 when the database does not answer or the instance is shutting down.",
    auth: "public",
    success: { status: 200, description: "Healthy", json: healthResponseSchema },
    errors: [401, 503],
  },
  {
    method: "get",
    path: "/api/openapi.json",
    tag: "Meta",
    summary: "This document",
    auth: "public",
    success: { status: 200, description: "OpenAPI 3.1", json: z.record(z.string(), z.unknown()) },
  },
  ...triggerOperations,
];

const STATUS_TEXT: Record<number, string> = {
  400: "Malformed request (not JSON, not UTF-8, nested too deep…)",
  401: "No credentials, or an invalid or revoked API key",
  403: "Not allowed: a request that changes something, sent with the session cookie from another site (use an API key there); or a built-in template",
  404: "No such resource — or not yours (other users' rows are indistinguishable from missing ones)",
  405: "Method not allowed (see the Allow header)",
  409: "Conflict with the resource's current state",
  413: "Request body too large",
  415: "The body is not of a media type the route takes (a webhook takes application/json)",
  422: "Invalid input: `issues` names each bad field",
  429: "Too many requests (runs past your run limits, or sign-in/sign-up attempts past the throttle): wait the Retry-After seconds",
  503: "Unavailable: the database does not answer, the instance is shutting down (Retry-After), or queue mode has no queue",
};

const errorResponse = (status: number, schema: z.ZodType = errorBodySchema) => ({
  description: STATUS_TEXT[status] ?? "Error",
  content: { "application/json": { schema } },
  ...(status === 429
    ? { headers: { "retry-after": { description: "Seconds to wait", schema: { type: "integer" as const } } } }
    : {}),
});

function successResponse(success: SuccessResponse) {
  const content: Record<string, { schema: z.ZodType }> = {};
  if (success.json) content["application/json"] = { schema: success.json };
  if (success.eventStream) content["text/event-stream"] = { schema: success.eventStream };
  return {
    description: success.description,
    ...(Object.keys(content).length ? { content } : {}),
    ...(success.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(success.headers).map(([name, description]) => [
              name,
              { description, schema: { type: "string" as const } },
            ]),
          ),
        }
      : {}),
  };
}

/** What authentication adds to a route's errors: 401, and 403 for a cross-site cookie request that changes something. */
function authErrors(op: ApiOperation): number[] {
  if (op.auth === "public") return [];
  return op.method === "get" ? [401] : [401, 403];
}

function toOperation(op: ApiOperation): ZodOpenApiOperationObject {
  const fromAuth = authErrors(op);
  const errors = new Set([...fromAuth, ...(op.errors ?? [])]);
  const bodyOf = (status: number) => (fromAuth.includes(status) ? undefined : op.errorBody);
  return {
    operationId: `${op.method}${op.path
      .replace(/^\/api/, "")
      .replace(/\{(\w+)\}/g, "By-$1")
      .replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.auth === "public" ? { security: [] } : {}),
    ...(op.params ? { requestParams: op.params } : {}),
    ...(op.body
      ? {
          requestBody:
            op.body.kind === "json"
              ? { required: op.body.required ?? true, content: { "application/json": { schema: op.body.schema } } }
              : {
                  required: true,
                  content: {
                    "application/json": { schema: op.body.json },
                    "multipart/form-data": { schema: op.body.multipart },
                  },
                },
        }
      : {}),
    responses: {
      [String(op.success.status)]: successResponse(op.success),
      ...Object.fromEntries(
        (op.alsoSuccess ?? []).map((success) => [String(success.status), successResponse(success)]),
      ),
      ...Object.fromEntries(
        [...errors].sort().map((status) => [String(status), errorResponse(status, bodyOf(status))]),
      ),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof createDocument>;
let cached: OpenApiDocument | undefined;

/** The document (built once per process: the schemas do not change at run time). */
export function createOpenApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const op of apiOperations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = toOperation(op);
  }
  const document = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Lattice API",
      version: "1",
      description:
        "Design, run, chat with and monitor LLM workflows. Authenticate with `Authorization: Bearer <API key>` (create keys in Settings) or the browser session. Every row you own is invisible to others (404). Errors are `{ error: { code, message, issues? } }`.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [
      { name: "Workflows", description: "Saved workflow definitions and their versions" },
      { name: "Templates", description: "Built-in and your own templates" },
      { name: "Executions", description: "Runs: start, follow, cancel, resume, re-run, list" },
      { name: "Chat", description: "Chat with a workflow" },
      { name: "Conversations", description: "Chat history" },
      { name: "Knowledge", description: "Knowledge bases for retrieval" },
      { name: "Analytics", description: "Usage and outcomes per template and workflow" },
      {
        name: "Account",
        description:
          "Sign-up and API keys. Signing in is the browser's (next-auth under /api/auth, not described here); scripts use API keys. Failed sign-ins and sign-ups share one throttle per account and per client address.",
      },
      {
        name: "Models",
        description: "Your default model, your model provider credentials and the secrets HTTP nodes use",
      },
      {
        name: "MCP",
        description:
          "Model Context Protocol both ways: MCP servers your Tools nodes call, and /api/mcp, where MCP clients call your workflows",
      },
      {
        name: "Triggers",
        description:
          "Runs that start themselves: a workflow's schedules (cron in a time zone, or every N minutes) and webhooks (POST /api/hooks/<token>, optionally signed)",
      },
      { name: "Meta", description: "Health and this document" },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key (lat_…)" },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "authjs.session-token",
          description: "The browser session",
        },
      },
    },
    paths,
  });
  cached = document;
  return document;
}
