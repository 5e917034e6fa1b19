/**
 * `npm run worker`: a queue worker process (queue mode). It opens the PostgreSQL database (migrating it if
 * needed), takes run jobs from the queue — LATTICE_WORKER_CONCURRENCY at a time — and runs them through the
 * same engine and tracker as the app. Run as many as the load needs, on any machines that reach the
 * database. SIGTERM (or SIGINT): no new job, running ones finish within LATTICE_SHUTDOWN_DEADLINE_MS, the
 * rest go back to the queue for another worker, then it exits.
 */
import { closeDb, getDbHandle } from "@/lib/db/client";
import { env } from "@/lib/env";
import { tuneProcess } from "@/lib/process/tune";
import { stopQueueBoss } from "@/lib/queue/boss";
import { QueueWorker } from "@/lib/queue/worker";

const e = env();
if (!e.DATABASE_URL) {
  console.error("A worker needs PostgreSQL: set DATABASE_URL (and LATTICE_RUN_MODE=queue on the app instances).");
  process.exit(1);
}

tuneProcess();
const handle = await getDbHandle();
const worker = new QueueWorker({ concurrency: e.LATTICE_WORKER_CONCURRENCY });
await worker.start();
console.log(
  `Lattice worker ${worker.instanceId}: ${e.LATTICE_WORKER_CONCURRENCY} job(s) at a time from ${handle.location}`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(
    `Lattice worker: ${signal} — no new jobs; ${worker.active} running may take up to ${e.LATTICE_SHUTDOWN_DEADLINE_MS} ms`,
  );
  let code = 0;
  try {
    const report = await worker.stop({ deadlineMs: e.LATTICE_SHUTDOWN_DEADLINE_MS });
    console.log(
      `Lattice worker: ${report.finished} finished, ${report.handedBack} handed back to the queue; stats ${JSON.stringify(worker.stats)}`,
    );
    const tracker = worker.tracker;
    await tracker.writer.drain();
    await stopQueueBoss();
    await tracker.bus.close();
    await closeDb();
  } catch (error) {
    console.error("Lattice worker: shutdown failed", error);
    code = 1;
  }
  process.exit(code);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
