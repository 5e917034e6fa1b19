/**
 * The queue-depth figure for the dashboard: how many queued runs wait (due now, or scheduled later) and how
 * many workers are running now — across all users, from pg-boss — and how many of the caller's runs wait.
 * Inline mode has no queue: zeros, mode "inline".
 */
import "server-only";
import { countQueuedExecutions } from "@/lib/db/queries/queue";
import { getQueueBoss, jobTable, queueMode } from "./boss";
import type { QueueDepth } from "@/lib/contracts/queue-depth";
import { RUN_QUEUE } from "./job";

export async function getQueueDepth({ ownerId }: { ownerId: string }): Promise<QueueDepth> {
  if (!queueMode()) return { mode: "inline", waiting: 0, scheduled: 0, running: 0, yours: 0 };
  const boss = await getQueueBoss();
  const [{ rows }, yours] = await Promise.all([
    boss.getDb().executeSql(
      `select count(*) filter (where state < 'active' and start_after <= now())::int as waiting,
              count(*) filter (where state < 'active' and start_after > now())::int as scheduled,
              count(*) filter (where state = 'active')::int as running
       from ${jobTable()} where name = $1 and state <= 'active'`,
      [RUN_QUEUE],
    ),
    countQueuedExecutions({ ownerId }),
  ]);
  const row = (rows[0] ?? {}) as { waiting?: number; scheduled?: number; running?: number };
  return {
    mode: "queue",
    waiting: Number(row.waiting ?? 0),
    scheduled: Number(row.scheduled ?? 0),
    running: Number(row.running ?? 0),
    yours,
  };
}
