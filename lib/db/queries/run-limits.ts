/**
 * The shared per-user run limits, as SQL the statements that admit a run embed: the per-user lock, the
 * count of the user's runs the limits look at, and the refusal those counts imply. Used by the queue's
 * admission (lib/db/queries/queue.ts) and by the start of an inline run (startExecution).
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { AppError } from "@/lib/errors";

/**
 * Instance ids of queue workers start with this. Their runs are background work, bounded by the workers'
 * own concurrency: they do not count against a user's concurrent (interactive) runs.
 */
export const WORKER_INSTANCE_PREFIX = "worker:";

/** A minute, the window of the per-minute limit. */
const WINDOW_SECONDS = 60;
/** An inline admission is followed by its start within milliseconds; one this old belongs to a process that died. */
export const INLINE_ADMISSION_TTL_SECONDS = 60;
/** Asked of a client refused for concurrency: no way to know when a run ends, so shortly. */
const CONCURRENCY_RETRY_SECONDS = 2;
const QUEUE_RETRY_SECONDS = 5;

export interface RunLimitSettings {
  /** Interactive runs going at once (running in an app instance, or admitted to start in one). */
  maxConcurrent: number;
  /** Runs started or submitted per minute (a burst of this many, then this many a minute). */
  perMinute: number;
  /** Runs waiting in the queue. */
  maxQueued: number;
  /** A child run (a subworkflow, the run_workflow tool): per-minute only, it runs in its parent's slot. */
  child?: boolean;
}

export type AdmissionRefusal =
  | { limit: "per_minute"; count: number; retryAfterSeconds: number }
  | { limit: "concurrent"; count: number; retryAfterSeconds: number }
  | { limit: "queued"; count: number; retryAfterSeconds: number };

/**
 * The per-user advisory lock every admission takes first, in its own statement of the admitting
 * transaction: the statement that counts then starts (and takes its snapshot) only once the lock is held,
 * so it sees every admission of this user that committed before.
 */
export function admissionLockSql(ownerId: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(${`lattice:runs:${ownerId}`}, 0))`;
}

/**
 * The CTE `usage` (one row: active, queued, tokens) of what the limits look at for `ownerId`: interactive
 * runs going (running outside the queue's workers, or admitted in an instance within the last minute), runs
 * waiting in the queue — both counted through the partial index of runs going or waiting, so the count is as
 * small as the user's work in flight — and the per-minute allowance now (run_quotas: a token bucket of
 * `perMinute` tokens refilled at `perMinute` a minute; a user without a row has a full one).
 */
export function usageCte(ownerId: string, limits: RunLimitSettings): SQL {
  const perMinute = sql`${limits.perMinute}::float8`;
  return sql`usage as (
          select
            count(*) filter (where (status = 'running' and coalesce(instance_id, '') not like ${`${WORKER_INSTANCE_PREFIX}%`})
              or (status = 'pending' and instance_id is not null and created_at > now() - ${INLINE_ADMISSION_TTL_SECONDS} * interval '1 second'))::int as active,
            count(*) filter (where status = 'pending' and instance_id is null)::int as queued,
            coalesce(
              (select least(${perMinute}, q.tokens + extract(epoch from now() - q.refilled_at) * ${perMinute} / ${WINDOW_SECONDS})
               from run_quotas q where q.owner_id = ${ownerId}),
              ${perMinute}) as tokens
          from workflow_executions
          where owner_id = ${ownerId} and status in ('running', 'pending')
        )`;
}

/**
 * The CTE `spent`: takes one token of the owner's allowance when the CTE named `admittedCte` (the admitted
 * run's insert) returned a row — after `usage`, under the admission lock.
 */
export function quotaSpendCte(ownerId: string, admittedCte: string): SQL {
  return sql`spent as (
          insert into run_quotas (owner_id, tokens, refilled_at)
          select ${ownerId}, u.tokens - 1, now() from usage u where exists (select 1 from ${sql.raw(admittedCte)})
          on conflict (owner_id) do update set tokens = excluded.tokens, refilled_at = excluded.refilled_at
          returning 1
        )`;
}

/** SQL true when the CTE `usage` (alias u) is within `limits` for a run of `instanceId` (null: a queued run). */
export function withinLimitsSql(limits: RunLimitSettings, instanceId: string | null): SQL {
  if (limits.child) return sql`u.tokens >= 1`;
  return sql`u.tokens >= 1 and ${instanceId !== null ? sql`u.active < ${limits.maxConcurrent}` : sql`u.queued < ${limits.maxQueued}`}`;
}

/** The usage columns the CTE `usage` returns. */
export interface RunUsage {
  active: number | string;
  queued: number | string;
  tokens: number | string;
}

/** Which limit refuses a run, given the usage counted for it (undefined: admitted). */
export function refusalOf(
  usage: RunUsage | undefined,
  limits: RunLimitSettings,
  instanceId: string | null,
): AdmissionRefusal | undefined {
  const active = Number(usage?.active ?? 0);
  const queued = Number(usage?.queued ?? 0);
  const tokens = Number(usage?.tokens ?? limits.perMinute);
  if (tokens < 1) {
    // The next whole token, at perMinute a minute.
    const retryAfterSeconds = Math.max(
      1,
      Math.min(WINDOW_SECONDS, Math.ceil(((1 - tokens) * WINDOW_SECONDS) / Math.max(1, limits.perMinute))),
    );
    return { limit: "per_minute", count: limits.perMinute, retryAfterSeconds };
  }
  if (limits.child) return undefined;
  if (instanceId !== null && active >= limits.maxConcurrent) {
    return { limit: "concurrent", count: active, retryAfterSeconds: CONCURRENCY_RETRY_SECONDS };
  }
  if (instanceId === null && queued >= limits.maxQueued) {
    return { limit: "queued", count: queued, retryAfterSeconds: QUEUE_RETRY_SECONDS };
  }
  return undefined;
}

/** The 429 for a refused admission. */
export function refusalError(refusal: AdmissionRefusal, limits: RunLimitSettings): AppError {
  const retryAfterSeconds = refusal.retryAfterSeconds;
  if (refusal.limit === "per_minute") {
    return new AppError(
      "rate_limit:runs",
      `You may start at most ${limits.perMinute} runs per minute. Try again shortly.`,
      { retryAfterSeconds },
    );
  }
  if (refusal.limit === "concurrent") {
    return new AppError(
      "rate_limit:concurrent_runs",
      `You already have ${refusal.count} runs going (the limit is ${limits.maxConcurrent}). Wait for one to finish.`,
      { retryAfterSeconds },
    );
  }
  return new AppError(
    "rate_limit:queued_runs",
    `You already have ${refusal.count} runs waiting in the queue (the limit is ${limits.maxQueued}). Wait for some to start.`,
    { retryAfterSeconds },
  );
}
