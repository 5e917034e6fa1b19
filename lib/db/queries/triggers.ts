/**
 * Schedules and webhooks of saved workflows. Owner-scoped reads and writes for the API; the scheduler's
 * scan of due ticks (every owner) and its compare-and-set claim of one tick; a hook's lookup by token, its
 * rate bucket and its replay record, each one statement so they hold across instances.
 */
import "server-only";
import { and, asc, eq, inArray, isNotNull, lte, min, sql } from "drizzle-orm";
import { getDb, rowsOf } from "../client";
import {
  webhookDeliveries,
  workflowSchedules,
  workflowWebhooks,
  type WorkflowSchedule,
  type WorkflowWebhook,
} from "../schema";
import type { RawExecutor } from "./queue";

type NewSchedule = typeof workflowSchedules.$inferInsert;
type NewWebhook = typeof workflowWebhooks.$inferInsert;

const ownedSchedule = (id: string, ownerId: string, definitionId: string) =>
  and(
    eq(workflowSchedules.id, id),
    eq(workflowSchedules.ownerId, ownerId),
    eq(workflowSchedules.definitionId, definitionId),
  );
const ownedWebhook = (id: string, ownerId: string, definitionId: string) =>
  and(
    eq(workflowWebhooks.id, id),
    eq(workflowWebhooks.ownerId, ownerId),
    eq(workflowWebhooks.definitionId, definitionId),
  );

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

export async function listSchedules({
  ownerId,
  definitionId,
}: {
  ownerId: string;
  definitionId: string;
}): Promise<WorkflowSchedule[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowSchedules)
    .where(and(eq(workflowSchedules.ownerId, ownerId), eq(workflowSchedules.definitionId, definitionId)))
    .orderBy(asc(workflowSchedules.id));
}

export async function getSchedule(key: { id: string; ownerId: string; definitionId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowSchedules)
    .where(ownedSchedule(key.id, key.ownerId, key.definitionId))
    .limit(1);
  return row ?? null;
}

export async function insertSchedule(values: NewSchedule): Promise<WorkflowSchedule> {
  const db = await getDb();
  const [row] = await db.insert(workflowSchedules).values(values).returning();
  return row!;
}

export async function updateSchedule(
  key: { id: string; ownerId: string; definitionId: string },
  values: Partial<NewSchedule>,
): Promise<WorkflowSchedule | null> {
  const db = await getDb();
  const [row] = await db
    .update(workflowSchedules)
    .set({ ...values, updatedAt: new Date() })
    .where(ownedSchedule(key.id, key.ownerId, key.definitionId))
    .returning();
  return row ?? null;
}

export async function deleteSchedule(key: { id: string; ownerId: string; definitionId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(workflowSchedules)
    .where(ownedSchedule(key.id, key.ownerId, key.definitionId))
    .returning({ id: workflowSchedules.id });
  return rows.length > 0;
}

/** Enabled schedules whose next tick is due at `now` (every owner: the scheduler's scan), oldest first. */
export async function listDueSchedules({ now, limit }: { now: Date; limit: number }): Promise<WorkflowSchedule[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowSchedules)
    .where(
      and(
        eq(workflowSchedules.enabled, true),
        isNotNull(workflowSchedules.nextRunAt),
        lte(workflowSchedules.nextRunAt, now),
      ),
    )
    .orderBy(asc(workflowSchedules.nextRunAt))
    .limit(limit);
}

/** The claim of one tick, in raw SQL so it can run inside the queue's transaction (see claimScheduleTick). */
export interface TickClaim {
  id: string;
  /** The tick claimed: the row's next_run_at as the scanner read it. */
  tick: Date;
  /** The tick after it. */
  next: Date;
  /** Whether this tick starts a run (a missed tick that is skipped does not). */
  runs: boolean;
}

/**
 * Moves a schedule from `tick` to `next` if — and only if — its next_run_at is still `tick` and it is
 * enabled: of any number of instances scanning at once, exactly one claims each tick. True: this one did.
 * Given `executor`, it runs there (the transaction that also creates the run and its job).
 */
export async function claimScheduleTick(claim: TickClaim, executor?: RawExecutor): Promise<boolean> {
  const text = `update workflow_schedules
      set next_run_at = $3::timestamptz,
          last_run_at = case when $4::boolean then $2::timestamptz else last_run_at end,
          updated_at = now()
    where id = $1 and enabled and next_run_at = $2::timestamptz
    returning id`;
  const values = [claim.id, claim.tick.toISOString(), claim.next.toISOString(), claim.runs];
  if (executor) return (await executor.executeSql(text, values)).rows.length > 0;
  const db = await getDb();
  const rows = await db
    .update(workflowSchedules)
    .set({
      nextRunAt: claim.next,
      ...(claim.runs ? { lastRunAt: claim.tick } : {}),
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(workflowSchedules.id, claim.id),
        eq(workflowSchedules.enabled, true),
        eq(workflowSchedules.nextRunAt, claim.tick),
      ),
    )
    .returning({ id: workflowSchedules.id });
  return rows.length > 0;
}

/** What a claimed tick started: its run, or why it started none. */
export async function recordScheduleOutcome({
  id,
  executionId,
  error,
}: {
  id: string;
  executionId: string | null;
  error: string | null;
}): Promise<void> {
  const db = await getDb();
  await db
    .update(workflowSchedules)
    .set({ ...(executionId ? { lastExecutionId: executionId } : {}), lastError: error })
    .where(eq(workflowSchedules.id, id));
}

/** The earliest next run of each of the owner's workflows that has an enabled schedule. */
export async function getNextScheduledRuns({
  ownerId,
  definitionIds,
}: {
  ownerId: string;
  definitionIds: string[];
}): Promise<Map<string, Date>> {
  if (definitionIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ definitionId: workflowSchedules.definitionId, next: min(workflowSchedules.nextRunAt) })
    .from(workflowSchedules)
    .where(
      and(
        eq(workflowSchedules.ownerId, ownerId),
        inArray(workflowSchedules.definitionId, definitionIds),
        eq(workflowSchedules.enabled, true),
      ),
    )
    .groupBy(workflowSchedules.definitionId);
  return new Map(rows.flatMap((row) => (row.next ? [[row.definitionId, new Date(row.next)] as const] : [])));
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

export async function listWebhooks({
  ownerId,
  definitionId,
}: {
  ownerId: string;
  definitionId: string;
}): Promise<WorkflowWebhook[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowWebhooks)
    .where(and(eq(workflowWebhooks.ownerId, ownerId), eq(workflowWebhooks.definitionId, definitionId)))
    .orderBy(asc(workflowWebhooks.id));
}

export async function getWebhook(key: { id: string; ownerId: string; definitionId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowWebhooks)
    .where(ownedWebhook(key.id, key.ownerId, key.definitionId))
    .limit(1);
  return row ?? null;
}

export async function insertWebhook(values: NewWebhook): Promise<WorkflowWebhook> {
  const db = await getDb();
  const [row] = await db.insert(workflowWebhooks).values(values).returning();
  return row!;
}

export async function updateWebhook(
  key: { id: string; ownerId: string; definitionId: string },
  values: Partial<NewWebhook>,
): Promise<WorkflowWebhook | null> {
  const db = await getDb();
  const [row] = await db
    .update(workflowWebhooks)
    .set({ ...values, updatedAt: new Date() })
    .where(ownedWebhook(key.id, key.ownerId, key.definitionId))
    .returning();
  return row ?? null;
}

export async function deleteWebhook(key: { id: string; ownerId: string; definitionId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(workflowWebhooks)
    .where(ownedWebhook(key.id, key.ownerId, key.definitionId))
    .returning({ id: workflowWebhooks.id });
  return rows.length > 0;
}

/** The hook a public URL names (enabled or not: the caller decides what a disabled one answers). */
export async function getWebhookByToken({ token }: { token: string }): Promise<WorkflowWebhook | null> {
  const db = await getDb();
  const [row] = await db.select().from(workflowWebhooks).where(eq(workflowWebhooks.token, token)).limit(1);
  return row ?? null;
}

/**
 * Takes one call from the hook's bucket (capacity and refill: rate_per_minute a minute), in one conditional
 * update: false when it is empty. The bucket is the row's, so every instance spends from the same one.
 */
export async function spendWebhookCall({ id }: { id: string }): Promise<boolean> {
  const db = await getDb();
  const level = sql`least(${workflowWebhooks.ratePerMinute}::float8,
    coalesce(${workflowWebhooks.rateTokens}, ${workflowWebhooks.ratePerMinute}::float8)
    + extract(epoch from (now() - coalesce(${workflowWebhooks.rateRefilledAt}, now()))) * ${workflowWebhooks.ratePerMinute} / 60.0)`;
  const rows = await db
    .update(workflowWebhooks)
    .set({ rateTokens: sql`${level} - 1`, rateRefilledAt: sql`now()`, lastCalledAt: sql`now()` })
    .where(and(eq(workflowWebhooks.id, id), sql`${level} >= 1`))
    .returning({ id: workflowWebhooks.id });
  return rows.length > 0;
}

/**
 * Records a signature the hook accepted, until `expiresAt`; false if it was already recorded (a replay).
 * The hook's expired records go in the same statement.
 */
export async function recordWebhookDelivery({
  hookId,
  signature,
  expiresAt,
}: {
  hookId: string;
  signature: string;
  expiresAt: Date;
}): Promise<boolean> {
  const db = await getDb();
  const result = await db.execute(sql`
    with expired as (
      delete from ${webhookDeliveries} where hook_id = ${hookId} and expires_at < now()
    )
    insert into ${webhookDeliveries} (hook_id, signature, expires_at)
    values (${hookId}, ${signature}, ${expiresAt.toISOString()}::timestamptz)
    on conflict do nothing
    returning hook_id`);
  return rowsOf(result).length > 0;
}
