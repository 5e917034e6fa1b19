/**
 * The read side of executions for the API: a filtered, keyset-paginated list and one execution with a
 * summary of its events. Owner-scoped. Writes belong to the tracker (lib/tracking).
 */
import "server-only";
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { executionEvents, workflowExecutions, type WorkflowExecution } from "../schema";

export interface ExecutionListFilters {
  statuses?: string[];
  workflowType?: string;
  triggerType?: string;
  triggerId?: string;
  definitionId?: string;
  templateId?: string;
  conversationId?: string;
  /** A "provider:model" key of usage_by_model (written when a run finishes). */
  model?: string;
  /** created_at >= from */
  from?: Date;
  /** created_at < to */
  to?: Date;
}

/**
 * Where the previous page ended: the last row's id. Execution ids are ULIDs minted when the run starts, so
 * ordering by id is ordering by start time, exact (no timestamp precision to lose) and on the primary key.
 */
export interface ExecutionCursor {
  id: string;
}

/** The list row: everything but the large JSON columns (graph, input, output, log). */
export type ExecutionListRow = Omit<
  WorkflowExecution,
  "workflowConfig" | "inputData" | "outputData" | "executionLog" | "usageByModel"
>;

const listColumns = {
  id: workflowExecutions.id,
  ownerId: workflowExecutions.ownerId,
  definitionId: workflowExecutions.definitionId,
  definitionVersion: workflowExecutions.definitionVersion,
  templateId: workflowExecutions.templateId,
  workflowType: workflowExecutions.workflowType,
  status: workflowExecutions.status,
  startedAt: workflowExecutions.startedAt,
  completedAt: workflowExecutions.completedAt,
  executionTimeMs: workflowExecutions.executionTimeMs,
  heartbeatAt: workflowExecutions.heartbeatAt,
  errorMessage: workflowExecutions.errorMessage,
  tokensUsed: workflowExecutions.tokensUsed,
  inputTokens: workflowExecutions.inputTokens,
  outputTokens: workflowExecutions.outputTokens,
  cost: workflowExecutions.cost,
  correlationId: workflowExecutions.correlationId,
  conversationId: workflowExecutions.conversationId,
  parentExecutionId: workflowExecutions.parentExecutionId,
  instanceId: workflowExecutions.instanceId,
  triggerType: workflowExecutions.triggerType,
  triggerId: workflowExecutions.triggerId,
  createdAt: workflowExecutions.createdAt,
};

/** One page, newest first; asks for one row more than `limit` to know whether another page follows. */
export async function listExecutions({
  ownerId,
  filters = {},
  cursor,
  limit,
}: {
  ownerId: string;
  filters?: ExecutionListFilters;
  cursor?: ExecutionCursor;
  limit: number;
}): Promise<{ rows: ExecutionListRow[]; hasMore: boolean }> {
  const db = await getDb();
  const conditions: (SQL | undefined)[] = [
    eq(workflowExecutions.ownerId, ownerId),
    filters.statuses?.length ? inArray(workflowExecutions.status, filters.statuses) : undefined,
    filters.workflowType ? eq(workflowExecutions.workflowType, filters.workflowType) : undefined,
    filters.triggerType ? eq(workflowExecutions.triggerType, filters.triggerType) : undefined,
    filters.triggerId ? eq(workflowExecutions.triggerId, filters.triggerId) : undefined,
    filters.definitionId ? eq(workflowExecutions.definitionId, filters.definitionId) : undefined,
    filters.templateId ? eq(workflowExecutions.templateId, filters.templateId) : undefined,
    filters.conversationId ? eq(workflowExecutions.conversationId, filters.conversationId) : undefined,
    filters.model ? sql`(${workflowExecutions.usageByModel} -> ${filters.model}) is not null` : undefined,
    filters.from ? gte(workflowExecutions.createdAt, filters.from) : undefined,
    filters.to ? lt(workflowExecutions.createdAt, filters.to) : undefined,
    cursor ? lt(workflowExecutions.id, cursor.id) : undefined,
  ];
  const rows = await db
    .select(listColumns)
    .from(workflowExecutions)
    .where(and(...conditions))
    .orderBy(desc(workflowExecutions.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

export async function getExecution({
  id,
  ownerId,
}: {
  id: string;
  ownerId: string;
}): Promise<WorkflowExecution | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.id, id), eq(workflowExecutions.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

/** Stored events of one of the owner's executions: how many of each type, and the last sequence number. */
export async function summarizeExecutionEvents({
  executionId,
  ownerId,
}: {
  executionId: string;
  ownerId: string;
}): Promise<{ byType: Record<string, number>; total: number; lastSeq: number }> {
  const db = await getDb();
  // A row may hold a batch of token events (seq..seq_end): count events, not rows.
  const last = sql`coalesce(${executionEvents.seqEnd}, ${executionEvents.seq})`;
  const rows = await db
    .select({
      type: executionEvents.type,
      count: sql<number>`sum(${last} - ${executionEvents.seq} + 1)::int`.mapWith(Number),
      lastSeq: sql<number>`max(${last})::int`.mapWith(Number),
    })
    .from(executionEvents)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, executionEvents.executionId))
    .where(and(eq(executionEvents.executionId, executionId), eq(workflowExecutions.ownerId, ownerId)))
    .groupBy(executionEvents.type);
  const byType: Record<string, number> = {};
  let total = 0;
  let lastSeq = 0;
  for (const row of rows) {
    byType[row.type] = row.count;
    total += row.count;
    lastSeq = Math.max(lastSeq, row.lastSeq);
  }
  return { byType, total, lastSeq };
}
