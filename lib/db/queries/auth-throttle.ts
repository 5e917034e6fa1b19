/**
 * The sign-in throttle's counters (`auth_throttle`): one row per bucket, counting attempts in a fixed window
 * that starts at the bucket's first attempt. The policy (what counts, the limits) is lib/auth/throttle.ts.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "../client";

/** Expired rows deleted by each attempt (the table stays as small as the buckets active in one window). */
const PRUNE_PER_ATTEMPT = 50;
/** Counts stop growing here: a bucket hammered for a whole window does not overflow. */
const MAX_COUNT = 1_000_000;

export interface BucketCount {
  bucket: string;
  /** Attempts in the bucket's current window, this one included. */
  attempts: number;
  /** Seconds until the window ends (and the count starts again from zero). */
  secondsLeft: number;
}

/**
 * Counts one attempt in each bucket, atomically, in one statement: a bucket whose window is over starts a
 * new one at this attempt. Also deletes a few rows of other buckets whose window is over. Returns each
 * bucket's count after this attempt.
 */
export async function countAuthAttempt({
  buckets,
  windowSeconds,
}: {
  buckets: readonly string[];
  windowSeconds: number;
}): Promise<BucketCount[]> {
  if (buckets.length === 0) return [];
  const db = await getDb();
  const window = sql`(${Math.round(windowSeconds)}::int * interval '1 second')`;
  const values = sql.join(
    buckets.map((bucket) => sql`(${bucket}, 1, now())`),
    sql`, `,
  );
  const listed = sql.join(
    buckets.map((bucket) => sql`${bucket}`),
    sql`, `,
  );
  const expired = sql`t.window_started_at <= now() - ${window}`;
  const result = await db.execute(sql`
    with pruned as (
      delete from auth_throttle where bucket in (
        select bucket from auth_throttle
        where window_started_at <= now() - ${window} and bucket not in (${listed})
        limit ${PRUNE_PER_ATTEMPT})
    )
    insert into auth_throttle as t (bucket, attempts, window_started_at)
    values ${values}
    on conflict (bucket) do update set
      attempts = case when ${expired} then 1 else least(t.attempts + 1, ${MAX_COUNT}) end,
      window_started_at = case when ${expired} then now() else t.window_started_at end
    returning bucket, attempts,
      greatest(0, ceil(extract(epoch from (window_started_at + ${window} - now()))))::int as seconds_left`);
  return rowsOf<{ bucket: string; attempts: number | string; seconds_left: number | string }>(result).map((r) => ({
    bucket: r.bucket,
    attempts: Number(r.attempts),
    secondsLeft: Number(r.seconds_left),
  }));
}

/**
 * After a successful sign-in: forgets the account's failures (`clear`) and gives back the attempt counted
 * in the others (`refund`: a success is not a failure), in one statement.
 */
export async function settleAuthAttempt({
  clear,
  refund,
}: {
  clear: readonly string[];
  refund: readonly string[];
}): Promise<void> {
  if (clear.length === 0 && refund.length === 0) return;
  const db = await getDb();
  const list = (buckets: readonly string[]) =>
    buckets.length
      ? sql.join(
          buckets.map((bucket) => sql`${bucket}`),
          sql`, `,
        )
      : sql`null`;
  await db.execute(sql`
    with cleared as (delete from auth_throttle where bucket in (${list(clear)}))
    update auth_throttle set attempts = greatest(attempts - 1, 0) where bucket in (${list(refund)})`);
}

/** The bucket's row as stored (tests). */
export async function getAuthBucket(bucket: string): Promise<{ attempts: number; windowStartedAt: Date } | null> {
  const db = await getDb();
  const row = rowsOf<{ attempts: number | string; window_started_at: Date | string }>(
    await db.execute(sql`select attempts, window_started_at from auth_throttle where bucket = ${bucket}`),
  )[0];
  return row ? { attempts: Number(row.attempts), windowStartedAt: new Date(row.window_started_at) } : null;
}
