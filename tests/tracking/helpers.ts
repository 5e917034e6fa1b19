/**
 * Helpers for tracker tests: reading what a run left in the database (rows, events, counters, messages)
 * and the checks every tracked run must pass.
 */
import { expect } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/lib/db/client";
import { executionEventSchema, type ExecutionEvent } from "@/lib/contracts/events";
import { fromEventRows } from "@/lib/tracking/event-rows";
import { listExecutionEventRows } from "@/lib/db/queries/events";
import { testDb } from "../helpers/db";

export async function query<T>(text: ReturnType<typeof sql>): Promise<T[]> {
  const { db } = await testDb();
  return rowsOf<T>(await db.execute(text));
}

export interface ExecutionRowView {
  id: string;
  status: string;
  owner_id: string;
  template_id: string | null;
  definition_id: string | null;
  definition_version: number | null;
  workflow_type: string;
  error_message: string | null;
  execution_time_ms: number | null;
  tokens_used: number;
  cost: string;
  output_data: unknown;
  usage_by_model: unknown;
  conversation_id: string | null;
  completed_at: Date | null;
  heartbeat_at: Date | null;
}

export async function executionRow(id: string): Promise<ExecutionRowView | undefined> {
  const [row] = await query<ExecutionRowView>(sql`select * from workflow_executions where id = ${id}`);
  return row;
}

/** The stored event rows of an execution (raw, as in the table). */
export async function eventRows(executionId: string) {
  return query<{ seq: number; seq_end: number | null; type: string }>(
    sql`select seq, seq_end, type from execution_events where execution_id = ${executionId} order by seq`,
  );
}

/** The events read back from the table, as a subscriber's replay gets them. */
export async function storedEvents(executionId: string, ownerId: string, afterSeq = 0): Promise<ExecutionEvent[]> {
  return fromEventRows(await listExecutionEventRows({ executionId, ownerId, afterSeq }), afterSeq);
}

/** The stored rows cover seq 1..n with no gap and no overlap, and end with one terminal event. */
export async function expectGapFree(executionId: string): Promise<number> {
  const rows = await eventRows(executionId);
  let next = 1;
  for (const row of rows) {
    expect(row.seq, `execution ${executionId}: row starting at ${row.seq} follows ${next - 1}`).toBe(next);
    next = (row.seq_end ?? row.seq) + 1;
  }
  expect(rows.length).toBeGreaterThan(0);
  return next - 1;
}

export function expectInOrderOnce(events: ExecutionEvent[], from = 1) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => from + i));
  for (const event of events) expect(executionEventSchema.safeParse(event).success).toBe(true);
}

/** Counters per template/owner as stored, and as counted from the execution rows. */
export async function templateCounters(ownerId: string) {
  const stored = await query<{
    template_id: string;
    total: number;
    ok: number;
    failed: number;
    tokens: number;
    cost: string;
    avg: number | null;
  }>(sql`
    select template_id, total_executions as total, successful_executions as ok, failed_executions as failed,
           total_tokens_used::int as tokens, total_cost::text as cost, avg_execution_time_ms as avg
    from template_analytics where owner_id = ${ownerId} order by template_id`);
  const counted = await query<{
    template_id: string;
    total: number;
    ok: number;
    failed: number;
    tokens: number;
    cost: string;
    avg: number | null;
  }>(sql`
    select template_id, count(*)::int as total, count(*) filter (where status = 'completed')::int as ok,
           count(*) filter (where status in ('failed', 'interrupted'))::int as failed,
           sum(tokens_used)::int as tokens, sum(cost)::text as cost, avg(coalesce(execution_time_ms, 0))::float8 as avg
    from workflow_executions
    where owner_id = ${ownerId} and template_id is not null and status not in ('running', 'paused', 'pending')
    group by template_id order by template_id`);
  return { stored, counted };
}

/** Each conversation's stored aggregates next to the sums of its messages. */
export async function conversationAggregates(ownerId: string) {
  return query<{
    id: string;
    message_count: number;
    total_tokens: number;
    total_cost: string;
    counted: number;
    tokens: number;
    cost: string;
  }>(sql`
    select c.id, c.message_count, c.total_tokens::int as total_tokens, c.total_cost::text as total_cost,
           count(m.id)::int as counted, coalesce(sum(m.tokens), 0)::int as tokens, coalesce(sum(m.cost), 0)::text as cost
    from conversations c left join messages m on m.conversation_id = c.id
    where c.owner_id = ${ownerId}
    group by c.id order by c.id`);
}

export function expectCountersMatch<T extends { avg: number | null; cost: string }>(stored: T[], counted: T[]) {
  const normalize = (rows: T[]) =>
    rows.map((r) => ({
      ...r,
      cost: Number(r.cost),
      avg: r.avg === null ? null : Math.round(Number(r.avg) * 1000) / 1000,
    }));
  expect(normalize(stored)).toEqual(normalize(counted));
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("waitFor: timed out");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
