/**
 * Execution rows created before their run starts, and the per-user run limits that decide whether one may
 * be created — shared by every instance because they are counted here, in PostgreSQL:
 * - `admitExecution`: under a per-user advisory lock, counts the user's runs and, within the limits, inserts
 *   the run's row as `pending` (an inline run about to start in this instance, or a queued run waiting for a
 *   worker) — in the same transaction as the caller's own writes (the queue's job insert);
 * - `releaseAdmission`: an admitted inline run that never started (it failed validation) leaves no row;
 * - `requeueExecutions`: a queued run whose worker died, or is shutting down, goes back to `pending` for its
 *   job's retry (which continues the same execution);
 * - reads the queue's worker needs (`getQueuedExecutionState`) and the dashboard's backlog count.
 * The tracker takes a pending row over at start (insertRunningExecution) and finishes it as any other.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { executePrepared, getDb, rowsOf, type Database, type Transaction } from "../client";
import { insertEventRows, type Notification } from "./events";
import { STATUS_COLUMNS, toStatusRow, type ExecutionStatusRow, type RawStatusRow } from "./executions";
import {
  admissionLockSql,
  INLINE_ADMISSION_TTL_SECONDS,
  quotaSpendCte,
  refusalOf,
  usageCte,
  withinLimitsSql,
  type AdmissionRefusal,
  type RunLimitSettings,
  type RunUsage,
} from "./run-limits";

export { WORKER_INSTANCE_PREFIX, type AdmissionRefusal, type RunLimitSettings } from "./run-limits";

/** The columns a pending row is created with: what the request names (the run fills in the rest at start). */
export interface PendingExecutionRow {
  id: string;
  workflowType: "CHAT" | "DEFINITION" | "TEMPLATE" | "CUSTOM";
  inputData: unknown;
  definitionId?: string | null;
  definitionVersion?: number | null;
  templateId?: string | null;
  conversationId?: string | null;
  parentExecutionId?: string | null;
  correlationId?: string | null;
  workflowConfig?: unknown;
  /** What started it (see TRIGGER_TYPES); unset: manual. */
  triggerType?: string;
  triggerId?: string | null;
  /** Queued runs: the error of an earlier attempt, shown while it waits (null for a new one). */
  errorMessage?: string | null;
}

/** Runs raw SQL with `$n` parameters inside a transaction: pg-boss's `db` option for a job insert. */
export interface RawExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** `text` with `$1`, `$2`… bound to `values`, as a drizzle SQL fragment (no other `$<digits>` may occur). */
function bindPositional(text: string, values: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [sql.raw(parts[0] ?? "")];
  for (let i = 1; i < parts.length; i += 2) {
    const value = values[Number(parts[i]) - 1];
    // Plain objects travel as JSON text (the statement casts them); postgres.js would not serialise them.
    const bound =
      value === undefined
        ? null
        : value !== null && typeof value === "object" && !(value instanceof Date)
          ? JSON.stringify(value)
          : value;
    chunks.push(sql`${bound}`, sql.raw(parts[i + 1] ?? ""));
  }
  return sql.join(chunks, sql``);
}

/** A transaction (or the database itself) as a RawExecutor. */
export function rawExecutor(tx: Transaction | Database): RawExecutor {
  return {
    async executeSql(text, values = []) {
      return { rows: rowsOf<Record<string, unknown>>(await tx.execute(bindPositional(text, values))) };
    },
  };
}

/**
 * Admits one run of `ownerId` within `limits` and creates its `row` as `pending`, or says which limit
 * refuses it (and when to try again). `instanceId`: the instance about to run it (an inline run, which
 * counts as running from now on), or null for a queued run (which counts against the queue limit). The
 * per-user advisory lock serialises admissions of one user across all instances, so two concurrent
 * requests cannot both take the last slot. `within` runs in the same transaction (the queue's job insert).
 * Without `row` (a paused run resuming: its row exists) it only checks.
 */
export async function admitExecution({
  ownerId,
  row,
  instanceId,
  limits,
  within,
  notifications = () => [],
}: {
  ownerId: string;
  row?: PendingExecutionRow;
  instanceId: string | null;
  limits: RunLimitSettings;
  within?: (executor: RawExecutor) => Promise<void>;
  /** Sent at commit (the status feed, the workers' wake-up). */
  notifications?: (row: ExecutionStatusRow) => Notification[];
}): Promise<{ admitted: true; row: ExecutionStatusRow | null } | { admitted: false; refusal: AdmissionRefusal }> {
  // The row as it will be once inserted (its notifications are sent by the statement that inserts it).
  const created: ExecutionStatusRow | null = row
    ? {
        id: row.id,
        ownerId,
        status: "pending",
        workflowType: row.workflowType,
        templateId: row.templateId ?? null,
        definitionId: row.definitionId ?? null,
        definitionVersion: row.definitionVersion ?? null,
        conversationId: row.conversationId ?? null,
        parentExecutionId: row.parentExecutionId ?? null,
        triggerType: row.triggerType ?? "manual",
        triggerId: row.triggerId ?? null,
        startedAt: null,
        completedAt: null,
        executionTimeMs: null,
        tokensUsed: 0,
        inputTokens: 0,
        outputTokens: 0,
        cost: 0,
        errorMessage: row.errorMessage ?? null,
      }
    : null;
  const notices = created ? notifications(created) : [];
  const withinLimits = withinLimitsSql(limits, instanceId);
  const insert = row
    ? sql`, inserted as (
        insert into workflow_executions (id, owner_id, definition_id, definition_version, template_id, workflow_type,
                                         workflow_config, status, input_data, correlation_id, conversation_id,
                                         parent_execution_id, instance_id, error_message, trigger_type, trigger_id)
        select ${row.id}, ${ownerId}, ${row.definitionId ?? null}, ${row.definitionVersion ?? null}::int, ${row.templateId ?? null},
               ${row.workflowType}, ${JSON.stringify(row.workflowConfig ?? null)}::jsonb, 'pending',
               ${JSON.stringify(row.inputData ?? null)}::jsonb, ${row.correlationId ?? row.id}, ${row.conversationId ?? null},
               ${row.parentExecutionId ?? null}, ${instanceId}, ${row.errorMessage ?? null},
               ${row.triggerType ?? "manual"}, ${row.triggerId ?? null}
        from usage u where ${withinLimits}
        returning id
      )`
    : sql``;
  // pg_notify runs only for an inserted row; delivery happens at commit.
  const notify =
    row && notices.length
      ? sql`, notified as (
          select pg_notify(n.c, n.p) from (values ${sql.join(
            notices.map((n) => sql`(${n.channel}::text, ${n.payload}::text)`),
            sql`, `,
          )}) as n(c, p)
          where exists (select 1 from inserted)
        )`
      : sql``;
  const db = await getDb();
  return db.transaction(async (tx) => {
    // The lock, then one statement: the counts (every admission of this user that committed before the
    // lock was granted is in them: a statement's snapshot is taken when it starts), the insert if within
    // the limits, and its notifications. Sent together (pipelined): one round trip, the same order.
    const lock = executePrepared(tx, admissionLockSql(ownerId));
    const admit = executePrepared(
      tx,
      sql`
        with ${usageCte(ownerId, limits)}${insert}${row ? sql`, ${quotaSpendCte(ownerId, "inserted")}` : sql``}${notify}
        select u.active, u.queued, u.tokens, ${row ? sql`(select count(*) from spent)::int` : sql`0`} as spent,
               ${row ? sql`exists (select 1 from inserted)` : sql`null::boolean`} as admitted,
               ${row && notices.length ? sql`(select count(*) from notified)` : sql`0`} as sent
        from usage u`,
    );
    const [, admitted] = await Promise.all([lock, admit]);
    const [usage] = rowsOf<RunUsage & { admitted: boolean | null; sent: number | string | null }>(admitted);
    const refusal = refusalOf(usage, limits, instanceId);
    if (refusal) return { admitted: false as const, refusal };
    if (!row || !created) return { admitted: true as const, row: null };
    if (!usage?.admitted) throw new Error("the admitted run's row was not inserted");
    if (within) await within(rawExecutor(tx));
    return { admitted: true as const, row: created };
  });
}

/** An admitted run that never started (refused by validation, say): its pending row goes. */
export async function releaseAdmission({
  executionId,
  ownerId,
}: {
  executionId: string;
  ownerId: string;
}): Promise<boolean> {
  const db = await getDb();
  const result = await db.execute(
    sql`delete from workflow_executions where id = ${executionId} and owner_id = ${ownerId} and status = 'pending' returning id`,
  );
  return rowsOf(result).length > 0;
}

/** Inline admissions whose process died between admission and start (they no longer count; this tidies them). */
export async function deleteAbandonedAdmissions({
  olderThanSeconds = INLINE_ADMISSION_TTL_SECONDS * 5,
}: {
  olderThanSeconds?: number;
} = {}): Promise<number> {
  const db = await getDb();
  const result = await db.execute(sql`
    delete from workflow_executions
    where status = 'pending' and instance_id is not null and created_at < now() - ${olderThanSeconds} * interval '1 second'
    returning id`);
  return rowsOf(result).length;
}

/** What the queue's worker needs to know of a run before (re)starting it. */
export interface QueuedExecutionState {
  status: string;
  ownerId: string;
  instanceId: string | null;
  /** Milliseconds since the last heartbeat of the process running it (null: never beat). */
  heartbeatAgeMs: number | null;
  /** It ran before (a retry continues it). */
  started: boolean;
}

export async function getQueuedExecutionState({
  executionId,
}: {
  executionId: string;
}): Promise<QueuedExecutionState | null> {
  const db = await getDb();
  const [row] = rowsOf<{
    status: string;
    owner_id: string;
    instance_id: string | null;
    age_ms: number | string | null;
    started: boolean;
  }>(
    await db.execute(sql`
      select status, owner_id, instance_id, started_at is not null as started,
             (extract(epoch from (now() - heartbeat_at)) * 1000)::float8 as age_ms
      from workflow_executions where id = ${executionId}`),
  );
  if (!row) return null;
  return {
    status: row.status,
    ownerId: row.owner_id,
    instanceId: row.instance_id,
    heartbeatAgeMs: row.age_ms === null ? null : Number(row.age_ms),
    started: row.started,
  };
}

/**
 * Puts running queued runs back to `pending` for their job's retry: those among `executionIds` whose
 * heartbeat is older than `staleAfterMs` (their worker died), or those `instanceId` holds (it is shutting
 * down). The row keeps its events, counters untouched: the retry continues the same execution.
 */
export async function requeueExecutions({
  executionIds,
  staleAfterMs,
  instanceId,
  excludeIds = [],
  errorMessage,
  notificationsFor,
}: {
  executionIds: readonly string[];
  staleAfterMs?: number;
  instanceId?: string;
  excludeIds?: readonly string[];
  errorMessage: string;
  notificationsFor?: (row: ExecutionStatusRow) => Notification[];
}): Promise<ExecutionStatusRow[]> {
  if (executionIds.length === 0) return [];
  const conditions: SQL[] = [
    sql`status = 'running'`,
    sql`id in (${sql.join(
      executionIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  ];
  if (staleAfterMs !== undefined) {
    conditions.push(
      sql`coalesce(heartbeat_at, started_at, created_at) < now() - ${Math.max(0, Math.round(staleAfterMs))}::int * interval '1 millisecond'`,
    );
  }
  if (instanceId !== undefined) conditions.push(sql`instance_id = ${instanceId}`);
  if (excludeIds.length) {
    conditions.push(
      sql`id not in (${sql.join(
        excludeIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  const db = await getDb();
  return db.transaction(async (tx) => {
    // NO KEY UPDATE: the run's own event inserts (KEY SHARE on the row) must not deadlock with this.
    const claimed = rowsOf<{ id: string }>(
      await tx.execute(
        sql`select id from workflow_executions where ${sql.join(conditions, sql` and `)} for no key update skip locked`,
      ),
    );
    if (claimed.length === 0) return [];
    const updated = rowsOf<RawStatusRow>(
      await tx.execute(sql`
        update workflow_executions set status = 'pending', instance_id = null, heartbeat_at = now(), error_message = ${errorMessage}
        where status = 'running' and id in (${sql.join(
          claimed.map((r) => sql`${r.id}`),
          sql`, `,
        )})
        returning ${STATUS_COLUMNS}`),
    ).map(toStatusRow);
    const notices = notificationsFor ? updated.flatMap(notificationsFor) : [];
    if (notices.length) await insertEventRows(tx, { rows: [], notifications: notices });
    return updated;
  });
}

/** The owner's runs waiting in the queue (not yet started, or waiting to continue). */
export async function countQueuedExecutions({ ownerId }: { ownerId: string }): Promise<number> {
  const db = await getDb();
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(
      sql`select count(*)::int as n from workflow_executions where owner_id = ${ownerId} and status = 'pending' and instance_id is null`,
    ),
  );
  return Number(row?.n ?? 0);
}

/** Running executions whose heartbeat is older than `staleAfterMs` (their process died or stalled), oldest beat first. */
export async function listStaleRunningExecutions({
  staleAfterMs,
  excludeIds = [],
  limit = 200,
}: {
  staleAfterMs: number;
  excludeIds?: readonly string[];
  limit?: number;
}): Promise<string[]> {
  const db = await getDb();
  const exclude = excludeIds.length
    ? sql`and id not in (${sql.join(
        excludeIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const result = await db.execute(sql`
    select id from workflow_executions
    where status = 'running' and coalesce(heartbeat_at, started_at, created_at) < now() - ${Math.max(0, Math.round(staleAfterMs))}::int * interval '1 millisecond'
      ${exclude}
    order by heartbeat_at nulls first
    limit ${Math.max(1, Math.min(limit, 1000))}`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Those of `executionIds` still `pending` (not started by anyone). */
/** The status of each of these executions that exists (an absent id: its row is gone). */
export async function executionStatusesOf({
  executionIds,
}: {
  executionIds: readonly string[];
}): Promise<Map<string, string>> {
  if (executionIds.length === 0) return new Map();
  const db = await getDb();
  const result = await db.execute(sql`
    select id, status from workflow_executions where id in (${sql.join(
      executionIds.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  return new Map(rowsOf<{ id: string; status: string }>(result).map((r) => [r.id, r.status]));
}
