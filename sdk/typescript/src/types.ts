/**
 * Named types of the API, taken from the types generated from its OpenAPI document
 * (src/generated/openapi.ts, `npm run sdk:types` at the repository root).
 */
import type { components, operations, paths } from "./generated/openapi.js";

export type { components, operations, paths };
type Schemas = components["schemas"];

/** The JSON body an operation takes. */
export type BodyOf<K extends keyof operations> = operations[K] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;
/** The query parameters an operation takes. */
export type QueryOf<K extends keyof operations> = operations[K]["parameters"] extends { query?: infer Query }
  ? NonNullable<Query>
  : never;
/** The JSON an operation answers with on `status`. */
export type JsonOf<K extends keyof operations, Status extends number> = operations[K]["responses"] extends {
  [S in Status]: { content: { "application/json": infer Json } };
}
  ? Json
  : never;

/** One event of a run (the stream contract): `seq` counts from 1 per run, without gaps. */
export type ExecutionEvent = Schemas["ExecutionEvent"];
export type ExecutionEventType = ExecutionEvent["type"];
export type ExecutionEventOf<T extends ExecutionEventType> = Extract<ExecutionEvent, { type: T }>;
/** The last event of a run: its data is the run's result. */
export type TerminalEvent = ExecutionEventOf<"run_completed" | "run_failed" | "run_cancelled">;
export const TERMINAL_EVENT_TYPES: readonly ExecutionEventType[] = ["run_completed", "run_failed", "run_cancelled"];

export function isTerminalEvent(event: ExecutionEvent): event is TerminalEvent {
  return TERMINAL_EVENT_TYPES.includes(event.type);
}

/** What a run started with. `type` picks the kind: CHAT, DEFINITION (a saved workflow), TEMPLATE or CUSTOM. */
export type ExecutionRequest = Schemas["ExecutionRequest"];
/** What a finished (or paused) run answers. */
export type ExecutionResult = Schemas["ExecutionResult"];
export type DetachedRun = Schemas["DetachedRun"];
export type ExecutionPage = Schemas["ExecutionPage"];
export type ExecutionSummary = Schemas["ExecutionSummary"];
export type ExecutionDetail = Schemas["ExecutionDetail"];
export type ExecutionListQuery = QueryOf<"getExecutions">;
export type ResumeBody = Schemas["ResumeExecutionBody"];
export type RerunBody = Schemas["RerunExecutionBody"];
export type CancelResponse = JsonOf<"postExecutionsByIdCancel", 200>;

export type ChatBody = Schemas["ChatBody"];
/** Sent by POST /api/chat after the run's last event: the assistant message as saved. */
export type ChatMessageEvent = Schemas["ChatMessageEvent"];
export type Message = Schemas["Message"];
export type Conversation = Schemas["Conversation"];
export type ConversationSummary = Schemas["ConversationSummary"];
export type ConversationListQuery = QueryOf<"getConversations">;
export type ConversationList = JsonOf<"getConversations", 200>;
export type UpdateConversationBody = Schemas["UpdateConversationBody"];

export type SaveWorkflowBody = Schemas["SaveWorkflowBody"];
export type Workflow = Schemas["Workflow"];
export type WorkflowSummary = Schemas["WorkflowSummary"];
export type WorkflowSaved = Schemas["WorkflowSaved"];
export type WorkflowList = JsonOf<"getWorkflows", 200>;
export type UpdateWorkflowBody = BodyOf<"putWorkflowsById">;
export type WorkflowVersion = Schemas["WorkflowVersion"];
export type WorkflowVersionSummary = Schemas["WorkflowVersionSummary"];
export type WorkflowExportFile = Schemas["WorkflowExportFile"];
export type ValidateWorkflowBody = Schemas["ValidateWorkflowBody"];
export type ValidationResult = Schemas["ValidationResult"];
export type ValidationIssue = Schemas["ValidationIssue"];
export type WorkflowToTemplateBody = BodyOf<"postWorkflowsByIdToTemplate">;

export type Template = Schemas["Template"];
export type TemplateSummary = Schemas["TemplateSummary"];
export type SaveTemplateBody = Schemas["SaveTemplateBody"];
export type InstantiateTemplateBody = Schemas["InstantiateTemplateBody"];

export type KnowledgeBase = Schemas["KnowledgeBase"];
export type KnowledgeDocument = Schemas["KnowledgeDocument"];
export type KnowledgeSearchResult = Schemas["KnowledgeSearchResult"];
export type KnowledgeSearchResponse = JsonOf<"postKnowledgeBasesByIdSearch", 200>;
export type KnowledgeEmbeddingStatus = Schemas["KnowledgeEmbeddingStatus"];
export type CreateKnowledgeBaseBody = Schemas["CreateKnowledgeBaseBody"];
export type UpdateKnowledgeBaseBody = Schemas["UpdateKnowledgeBaseBody"];
export type AddTextDocumentBody = Schemas["AddTextDocumentBody"];
export type KnowledgeSearchBody = Schemas["KnowledgeSearchBody"];

export type AnalyticsQuery = QueryOf<"getAnalyticsSummary">;
export type AnalyticsSummary = Schemas["AnalyticsSummary"];
export type TemplateAnalytics = Schemas["TemplateAnalytics"];
export type WorkflowAnalytics = Schemas["WorkflowAnalytics"];
export type WorkflowAnalyticsQuery = QueryOf<"getAnalyticsWorkflows">;

export type ApiKey = Schemas["ApiKey"];
export type CreateApiKeyBody = BodyOf<"postKeys">;
export type ApiKeyCreated = JsonOf<"postKeys", 201>;
export type Health = JsonOf<"getHealth", 200>;
