/**
 * What the tracker derives from an ExecutionContext or an execution row besides the row itself: the status
 * feed event, per-model cost, and the ExecutionResult of a run that ended without its process (interrupted,
 * or cancelled while paused).
 */
import "server-only";
import type { ExecutionStatusRow } from "@/lib/db/queries/executions";
import type { NewWorkflowExecution } from "@/lib/db/schema";
import type { ExecutionContext } from "@/lib/engine/context";
import type { ExecutionResult, ExecutionStatus, UsageByModel } from "@/lib/contracts/execution-result";
import { computeCost } from "@/lib/models/pricing";
import { RUN_STATUSES, type RunStatus, type RunStatusEvent } from "@/lib/contracts/feed-events";
import { TRIGGER_TYPES, type TriggerType } from "@/lib/contracts/execution-request";

/** A stored status as the contract's (an unknown one reads as failed). */
export function asRunStatus(status: string): RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : "failed";
}

export function asWorkflowType(type: string): RunStatusEvent["workflowType"] {
  return type === "CHAT" || type === "TEMPLATE" || type === "CUSTOM" ? type : "DEFINITION";
}

/** A stored trigger as the contract's (an unknown one reads as manual). */
export function asTriggerType(type: string): TriggerType {
  return (TRIGGER_TYPES as readonly string[]).includes(type) ? (type as TriggerType) : "manual";
}

/** An execution row's fields as every view of a run shows them (the API's summary and the status feed). */
export function runFieldsOf(
  row: Pick<
    ExecutionStatusRow,
    | "status"
    | "workflowType"
    | "definitionId"
    | "definitionVersion"
    | "templateId"
    | "conversationId"
    | "parentExecutionId"
    | "triggerType"
    | "triggerId"
    | "startedAt"
    | "completedAt"
    | "executionTimeMs"
  >,
) {
  return {
    status: asRunStatus(row.status),
    workflowType: asWorkflowType(row.workflowType),
    definitionId: row.definitionId,
    definitionVersion: row.definitionVersion,
    templateId: row.templateId,
    conversationId: row.conversationId,
    parentExecutionId: row.parentExecutionId,
    trigger: asTriggerType(row.triggerType),
    triggerId: row.triggerId,
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    durationMs: row.executionTimeMs,
  };
}

/** The feed event for an execution row's current state. */
export function toRunStatusEvent(row: ExecutionStatusRow, at: Date = new Date()): RunStatusEvent {
  return {
    executionId: row.id,
    ...runFieldsOf(row),
    tokens: row.tokensUsed,
    cost: row.cost,
    error: row.errorMessage,
    at: at.toISOString(),
  };
}

/**
 * The finished row's values a feed notification takes from the database, by the event's key (see
 * RowNotification): a resumed run keeps its first start and adds up its time, which only the row knows.
 */
export const FEED_FROM_ROW = {
  started_at: "startedAt",
  completed_at: "completedAt",
  execution_time_ms: "durationMs",
} as const;

/**
 * The status row a finish is about to write, as far as this process knows it (FEED_FROM_ROW's fields are
 * null, for the database to fill in): what the feed notification is made from before the row exists.
 */
export function finishingStatusRow(
  record: NewWorkflowExecution,
  status: ExecutionStatus,
  errorMessage: string | null,
): ExecutionStatusRow {
  return {
    id: record.id!,
    ownerId: record.ownerId,
    status,
    workflowType: record.workflowType ?? "DEFINITION",
    templateId: record.templateId ?? null,
    definitionId: record.definitionId ?? null,
    definitionVersion: record.definitionVersion ?? null,
    conversationId: record.conversationId ?? null,
    parentExecutionId: record.parentExecutionId ?? null,
    triggerType: record.triggerType ?? "manual",
    triggerId: record.triggerId ?? null,
    startedAt: null,
    completedAt: null,
    executionTimeMs: null,
    tokensUsed: record.tokensUsed ?? 0,
    inputTokens: record.inputTokens ?? 0,
    outputTokens: record.outputTokens ?? 0,
    cost: Number(record.cost ?? 0),
    errorMessage,
  };
}

/** The feed event of a run that has just started (or resumed) in this process. */
export function startedStatusEvent(ctx: ExecutionContext): RunStatusEvent {
  return {
    executionId: ctx.executionId,
    status: "running",
    workflowType: ctx.workflowType,
    definitionId: ctx.sourceDefinitionId ?? null,
    definitionVersion: ctx.definitionVersion ?? null,
    templateId: ctx.sourceTemplateId ?? null,
    conversationId: ctx.conversationId ?? null,
    parentExecutionId: ctx.parentExecutionId ?? null,
    trigger: ctx.trigger.type,
    triggerId: ctx.trigger.id ?? null,
    startedAt: ctx.startedAt.toISOString(),
    completedAt: null,
    durationMs: null,
    tokens: 0,
    cost: 0,
    error: null,
    at: new Date().toISOString(),
  };
}

/** Per-model usage with each model's cost, so analytics can break cost down by model. */
export function usageWithCost(
  usage: UsageByModel,
): Record<string, { inputTokens: number; outputTokens: number; cost: number }> {
  const out: Record<string, { inputTokens: number; outputTokens: number; cost: number }> = {};
  for (const [key, value] of Object.entries(usage)) {
    out[key] = {
      inputTokens: value.inputTokens,
      outputTokens: value.outputTokens,
      cost: computeCost({ [key]: value }),
    };
  }
  return out;
}

/** The result a run's terminal event carries when it ended without its process. */
export function orphanResult(
  row: ExecutionStatusRow,
  status: "failed" | "cancelled",
  error: { code: string; message: string },
): ExecutionResult {
  return {
    executionId: row.id,
    status,
    output: { message: "", variables: {} },
    usage: { inputTokens: row.inputTokens, outputTokens: row.outputTokens, totalTokens: row.tokensUsed },
    cost: row.cost,
    durationMs: row.executionTimeMs ?? 0,
    history: [],
    error,
    ...(row.conversationId ? { conversationId: row.conversationId } : {}),
  };
}
