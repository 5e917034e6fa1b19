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

/** The notifications, each sent once (`pg_notify` is volatile: the planner keeps the call for every row). */
function notifyRows(notifications: readonly Notification[], onlyIfInserted: boolean): SQL {
  const values = sql.join(
    notifications.map((n) => sql`(${n.channel}::text, ${n.payload}::text, ${n.executionId ?? null}::text)`),
    sql`, `,
  );
  const condition = onlyIfInserted
    ? sql`where n.e is null or exists (select 1 from inserted i where i.execution_id = n.e)`
    : sql``;
  return sql`select pg_notify(n.c, n.p) from (values ${values}) as n(c, p, e) ${condition}`;
}

export interface EventInsert {
  rows: readonly EventRow[];
  notifications?: readonly Notification[];
  /** Only while the execution is running (the default: a run's own events). */
  whileRunning?: boolean;
  /** And only while this instance holds it. */
  instanceId?: string;
}

/**
 * Two CTEs for one statement: `inserted` (the rows stored: one `execution_id` per row) and `event_notices`
 * (one row per notification sent; delivery happens at commit). With rows, a notification naming an
 * execution is sent only if the statement stored rows of it. The statement must read `event_notices`
 * (a plain select runs only if read); `inserted`, an insert, runs in any case.
 *
 * The rows travel as ONE jsonb parameter (a single JSON.stringify, and the same statement text for any
 * number of rows), unpacked by jsonb_to_recordset under their camelCase keys.
 */
export function eventInsertCtes({ rows, notifications = [], whileRunning = true, instanceId }: EventInsert): SQL {
  let inserted: SQL;
  if (rows.length === 0) {
    inserted = sql`inserted as (select null::text as execution_id where false)`;
  } else {
    const holder = instanceId ? sql` and (e.instance_id is null or e.instance_id = ${instanceId})` : sql``;
    const running = whileRunning
      ? sql`where exists (select 1 from workflow_executions e where e.id = v."executionId" and e.status = 'running'${holder})`
      : sql``;
    inserted = sql`inserted as (
        insert into execution_events (execution_id, seq, seq_end, type, node_id, data, created_at)
        select v."executionId", v.seq, v."seqEnd", v.type, v."nodeId", coalesce(v.data, '{}'::jsonb), v."createdAt"
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as v("executionId" text, seq int, "seqEnd" int, type text, "nodeId" text, data jsonb, "createdAt" timestamptz)
        ${running}
        on conflict (execution_id, seq) do nothing
        returning execution_id
      )`;
  }
  const notices = notifications.length ? notifyRows(notifications, rows.length > 0) : sql`select where false`;
  return sql`${inserted},
      event_notices as (${notices})`;
}

/**
 * Inserts rows and sends the notifications, atomically, in one statement. A row already stored under the
 * same execution and seq is left as it is. With `whileRunning` (the default: a run's own events), rows of
 * an execution that is no longer running are dropped — a process declared dead by the sweeper, yet still
 * alive, cannot write after the terminal event the sweeper stored. With `instanceId` too, only while that
 * instance holds the run (a queued run taken over by another worker is the new holder's to write). Without
 * rows, the notifications are sent unconditionally. Returns how many rows were stored.
 */
export async function insertEventRows(executor: Executor, args: EventInsert): Promise<number> {
  if (args.rows.length === 0 && !args.notifications?.length) return 0;
  const result = await executor.execute(sql`
      with ${eventInsertCtes(args)}
      select (select count(*) from inserted)::int as inserted, (select count(*) from event_notices)::int as sent`);
  return Number(rowsOf<{ inserted: number | string }>(result)[0]?.inserted ?? 0);
}

/** Appends a batch of a running execution's event rows and sends their notifications (one round trip). */
export async function appendExecutionEvents(args: {
  rows: readonly EventRow[];
  notifications?: readonly Notification[];
  instanceId?: string;
}): Promise<number> {
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
