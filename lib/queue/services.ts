/**
 * What an app instance starts for scale-out (from instrumentation-node.ts): the SIGTERM handler (drain,
 * then exit), the tidy-up of admissions whose process died before starting them, and in queue mode
 * pg-boss (its schema and the run queue made ready at start, not by the first enqueue).
 */
import "server-only";
import { deleteAbandonedAdmissions } from "@/lib/db/queries/queue";
import { getQueueBoss, queueMode } from "./boss";
import { installGracefulShutdown } from "./shutdown";

const TIDY_INTERVAL_MS = 5 * 60 * 1000;

const g = globalThis as typeof globalThis & { __latticeQueueServices?: Promise<void> };

export function startQueueServices(): Promise<void> {
  g.__latticeQueueServices ??= (async () => {
    installGracefulShutdown();
    const tidy = setInterval(() => {
      void deleteAbandonedAdmissions().catch((error: unknown) =>
        console.error("[queue] tidying admissions failed", error),
      );
    }, TIDY_INTERVAL_MS);
    tidy.unref();
    if (queueMode()) {
      await getQueueBoss({ role: "app" });
      console.log("Lattice: queue mode — async runs, scheduled runs and re-runs go to the job queue (npm run worker)");
    }
  })();
  return g.__latticeQueueServices;
}
