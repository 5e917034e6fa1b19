/**
 * Execution events: appended in batches by the tracker (with their NOTIFY in the same statement, so a
 * notification is delivered only for rows that committed), read back owner-scoped for replays.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, rowsOf, type Database, type Transaction } from "../client";

export interface EventRow {
  executionId: string;
  seq: number;
  /** Last seq the row holds (a run of token chunks); null for one event. */
  seqEnd: number | null;
  type: string;
  nodeId: string | null;
  data: unknown;
  createdAt: Date;
}

export interface Notification {
  channel: string;
  payload: string;
  /** Sent only if the same statement stored rows of this execution. */
  executionId?: string;
}

type Executor = Database | Transaction;

/** Bound parameters per row; PostgreSQL allows 65,535 per statement. */
const ROWS_PER_STATEMENT = 2_000;

function notifySelect(notifications: readonly Notification[], inserted: boolean): SQL {
  const values = sql.join(
    notifications.map((n) => sql`(${n.channel}::text, ${n.payload}::text, ${n.executionId ?? null}::text)`),
    sql`, `,
  );
  const condition = inserted ? sql`where n.e is null or exists (select 1 from inserted i where i.execution_id = n.e)` : sql``;
  // pg_notify is volatile, so the planner keeps the call for every row; delivery happens at commit.
  return sql`(select count(*) from (select pg_notify(n.c, n.p) from (values ${values}) as n(c, p, e) ${condition}) as sent)::int`;
}

/**
 * Inserts rows and sends the notifications, atomically: one statement per chunk of rows, the
 * notifications with the last chunk. A row already stored under the same execution and seq is left as it
 * is. With `whileRunning` (the default: a run's own events), rows of an execution that is no longer
 * running are dropped — a process declared dead by the sweeper, yet still alive, cannot write after the
 * terminal event the sweeper stored. With `instanceId` too, only while that instance holds the run (a queued
 * run taken over by another worker is the new holder's to write). Returns how many rows were stored.
 */
export async function insertEventRows(
  executor: Executor,
  {
    rows,
    notifications = [],
    whileRunning = true,
    instanceId,
  }: { rows: readonly EventRow[]; notifications?: readonly Notification[]; whileRunning?: boolean; instanceId?: string },
): Promise<number> {
  if (rows.length === 0) {
    if (notifications.length) await executor.execute(sql`select ${notifySelect(notifications, false)} as sent`);
    return 0;
  }
  let stored = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const last = start + ROWS_PER_STATEMENT >= rows.length;
    const values = sql.join(
      chunk.map(
        (r) =>
          sql`(${r.executionId}::text, ${r.seq}::int, ${r.seqEnd}::int, ${r.type}::text, ${r.nodeId}::text, ${JSON.stringify(r.data ?? {})}::jsonb, ${r.createdAt.toISOString()}::timestamptz)`,
      ),
      sql`, `,
    );
    const holder = instanceId ? sql` and (e.instance_id is null or e.instance_id = ${instanceId})` : sql``;
    const running = whileRunning
      ? sql`where exists (select 1 from workflow_executions e where e.id = v.execution_id and e.status = 'running'${holder})`
      : sql``;
    const notify = last && notifications.length ? sql`, ${notifySelect(notifications, true)} as sent` : sql``;
    const result = await executor.execute(sql`
      with inserted as (
        insert into execution_events (execution_id, seq, seq_end, type, node_id, data, created_at)
        select v.execution_id, v.seq, v.seq_end, v.type, v.node_id, v.data, v.created_at
        from (values ${values}) as v(execution_id, seq, seq_end, type, node_id, data, created_at)
        ${running}
        on conflict (execution_id, seq) do nothing
        returning execution_id
      )
      select (select count(*) from inserted)::int as inserted ${notify}`);
    stored += Number(rowsOf<{ inserted: number | string }>(result)[0]?.inserted ?? 0);
  }
  return stored;
}

/** Appends a batch of a running execution's event rows and sends their notifications (one round trip). */
export async function appendExecutionEvents(args: { rows: readonly EventRow[]; notifications?: readonly Notification[]; instanceId?: string }): Promise<number> {
  return insertEventRows(await getDb(), args);
}

interface RawEventRow {
  execution_id: string;
  seq: number | string;
  seq_end: number | string | null;
  type: string;
  node_id: string | null;
  data: unknown;
  created_at: Date | string;
}

function toEventRow(row: RawEventRow): EventRow {
  return {
    executionId: row.execution_id,
    seq: Number(row.seq),
    seqEnd: row.seq_end === null ? null : Number(row.seq_end),
    type: row.type,
    nodeId: row.node_id,
    data: typeof row.data === "string" ? JSON.parse(row.data) : row.data,
    createdAt: new Date(row.created_at),
  };
}

/**
 * The owner's stored rows of an execution holding events after `afterSeq` (and up to `toSeq`), oldest
 * first. A row of token chunks that straddles `afterSeq` is included; the caller drops the chunks before it.
 */
export async function listExecutionEventRows({
  executionId,
  ownerId,
  afterSeq = 0,
  toSeq,
  limit = 10_000,
}: {
  executionId: string;
  ownerId: string;
  afterSeq?: number;
  toSeq?: number;
  limit?: number;
}): Promise<EventRow[]> {
  const db = await getDb();
  const upTo = toSeq === undefined ? sql`` : sql`and ev.seq <= ${toSeq}`;
  const result = await db.execute(sql`
    select ev.execution_id, ev.seq, ev.seq_end, ev.type, ev.node_id, ev.data, ev.created_at
    from execution_events ev
    join workflow_executions ex on ex.id = ev.execution_id and ex.owner_id = ${ownerId}
    where ev.execution_id = ${executionId} and coalesce(ev.seq_end, ev.seq) > ${afterSeq} ${upTo}
    order by ev.seq
    limit ${Math.max(1, Math.min(limit, 100_000))}`);
  return rowsOf<RawEventRow>(result).map(toEventRow);
}

/**
 * The last sequence number stored for an execution (0 when none). Not owner-scoped on purpose: the engine
 * asks it when resuming a run whose ownership it has just checked against the checkpoint.
 */
export async function getLastEventSeq({ executionId }: { executionId: string }): Promise<number> {
  const db = await getDb();
  const result = await db.execute(
    sql`select coalesce(max(coalesce(seq_end, seq)), 0)::int as last from execution_events where execution_id = ${executionId}`,
  );
  return Number(rowsOf<{ last: number | string }>(result)[0]?.last ?? 0);
}

/** The next free sequence number of an execution, read inside a transaction that appends to it. */
export async function nextEventSeq(executor: Executor, executionId: string): Promise<number> {
  const result = await executor.execute(
    sql`select coalesce(max(coalesce(seq_end, seq)), 0)::int + 1 as next from execution_events where execution_id = ${executionId}`,
  );
  return Number(rowsOf<{ next: number | string }>(result)[0]?.next ?? 1);
}
