/**
 * pg-boss, the job queue of queue mode, on the same PostgreSQL database as the app (its tables live in
 * their own schema, LATTICE_QUEUE_SCHEMA). One instance per process, started on first use: app instances
 * use it to enqueue and to read the queue's depth; workers also let it run its maintenance (expiring jobs
 * whose worker vanished, archiving finished ones). pg-boss talks through `pg`; the app's own queries go
 * through postgres.js — two pools to one database, each small and closed on shutdown.
 */
import "server-only";
import type PgBoss from "pg-boss";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { RUN_QUEUE } from "./job";

export type QueueRole = "app" | "worker";

interface BossHolder {
  role: QueueRole;
  boss: Promise<PgBoss>;
}

const g = globalThis as typeof globalThis & { __latticeQueueBoss?: BossHolder };

export function queueMode(): boolean {
  return env().LATTICE_RUN_MODE === "queue";
}

/** The queue's retry policy and job time limit, from the environment. */
function queueOptions() {
  const e = env();
  return {
    policy: "standard" as const,
    retryLimit: e.LATTICE_QUEUE_RETRY_LIMIT,
    retryDelay: e.LATTICE_QUEUE_RETRY_DELAY_SECONDS,
    retryBackoff: e.LATTICE_QUEUE_RETRY_DELAY_SECONDS > 0,
    expireInSeconds: e.LATTICE_QUEUE_JOB_TIMEOUT_SECONDS,
  };
}

async function startBoss(role: QueueRole, poolSize: number): Promise<PgBoss> {
  const e = env();
  if (!e.DATABASE_URL) throw new AppError("unavailable:queue", "Queue mode needs PostgreSQL (DATABASE_URL).");
  const { default: Boss } = await import("pg-boss");
  const boss = new Boss({
    connectionString: e.DATABASE_URL,
    schema: e.LATTICE_QUEUE_SCHEMA,
    max: poolSize,
    application_name: `lattice-queue-${role}`,
    // Maintenance (expiring the jobs of workers that vanished, archiving) runs where jobs run.
    supervise: role === "worker",
    schedule: false,
    migrate: true,
    // Finished jobs move to the archive after an hour (default 12 h): the job table stays small for the
    // workers' recovery scan of active jobs. The execution rows are the record of a run, not the jobs.
    archiveCompletedAfterSeconds: 3_600,
  });
  boss.on("error", (error) => console.error("[queue] pg-boss", error));
  await boss.start();
  await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, ...queueOptions() });
  // An existing queue takes the current settings (createQueue leaves an existing one as it is).
  await boss.updateQueue(RUN_QUEUE, { name: RUN_QUEUE, ...queueOptions() });
  return boss;
}

/**
 * The process's pg-boss, started (schema created or migrated, the run queue created) on first call. The
 * first caller's role decides whether it runs maintenance; a worker process asks as "worker" first.
 */
export function getQueueBoss({
  role = "app",
  poolSize,
}: {
  role?: QueueRole;
  poolSize?: number;
} = {}): Promise<PgBoss> {
  if (!g.__latticeQueueBoss) {
    const holder: BossHolder = { role, boss: startBoss(role, poolSize ?? (role === "worker" ? 4 : 2)) };
    g.__latticeQueueBoss = holder;
    holder.boss.catch(() => {
      // A failed start (database down) is retried by the next call.
      if (g.__latticeQueueBoss === holder) g.__latticeQueueBoss = undefined;
    });
  }
  return g.__latticeQueueBoss.boss;
}

/** Stops pg-boss and closes its pool (shutdown, tests). Jobs still held are left to their retry policy. */
export async function stopQueueBoss(): Promise<void> {
  const holder = g.__latticeQueueBoss;
  g.__latticeQueueBoss = undefined;
  if (!holder) return;
  const boss = await holder.boss.catch(() => undefined);
  await boss
    ?.stop({ graceful: false, close: true, wait: true, timeout: 1_000 })
    .catch((error: unknown) => console.error("[queue] stopping pg-boss", error));
}

/** The schema-qualified name of pg-boss's job table, for the few reads the API of pg-boss lacks. */
export function jobTable(): string {
  return `${env().LATTICE_QUEUE_SCHEMA}.job`;
}
