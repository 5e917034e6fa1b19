/**
 * Graceful shutdown of an app instance (SIGTERM from a deploy, a scale-down, a container stop):
 * 1. drain: every door that starts a run answers 503 with Retry-After, and /api/health answers 503, so the
 *    load balancer sends new work elsewhere;
 * 2. the runs in flight here (streamed, JSON, detached) may finish until LATTICE_SHUTDOWN_DEADLINE_MS;
 * 3. those still running are marked `interrupted` (counted once, terminal event stored, subscribers told),
 *    exactly as the sweeper would have after the process died — only at once. A run that kept step
 *    checkpoints (durability "sync"/"async") can be re-run from its last step (time travel);
 * 4. buffered events are written, pg-boss and the database pools close, and the process exits.
 * Workers do the same with their jobs (QueueWorker.stop), handing unfinished ones back to the queue.
 */
import "server-only";
import { closeDb } from "@/lib/db/client";
import { finalizeExecutions } from "@/lib/db/queries/executions";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { env } from "@/lib/env";
import { stopTrackingServices } from "@/lib/tracking/services";
import { deliverLocally, orphanWrites } from "@/lib/tracking/sweeper";
import { getWorkflowTracker, type WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { stopQueueBoss } from "./boss";
import { startDraining } from "./lifecycle";

export const SHUTDOWN_ERROR_CODE = "run:interrupted";

export interface DrainReport {
  /** Runs that were in flight when draining began and finished before the deadline. */
  finished: number;
  /** Runs marked interrupted at the deadline. */
  interrupted: string[];
  durationMs: number;
}

/**
 * Stops accepting runs and waits (up to `deadlineMs`) for this process's runs to end; marks the rest
 * interrupted. Does not exit: `installGracefulShutdown` does, after closing what is open.
 */
export async function drainRuns({
  deadlineMs = env().LATTICE_SHUTDOWN_DEADLINE_MS,
  tracker = getWorkflowTracker(),
  pollMs = 50,
}: {
  deadlineMs?: number;
  tracker?: WorkflowTracker;
  pollMs?: number;
} = {}): Promise<DrainReport> {
  const started = Date.now();
  startDraining();
  const inFlight = new Set(tracker.registry.ids());
  while (tracker.registry.size > 0 && Date.now() - started < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const left = tracker.registry.ids();
  const message = `The instance running this execution shut down before it finished (it had ${Math.round(deadlineMs / 100) / 10} s to). Re-run it, or re-run it from its last step if it kept step checkpoints.`;
  const error = { code: SHUTDOWN_ERROR_CODE, message };
  const interrupted: string[] = [];
  for (const executionId of left) {
    const published = new Map<string, ExecutionEvent>();
    const rows = await finalizeExecutions({
      from: "running",
      to: "interrupted",
      executionId,
      errorMessage: message,
      describe: (row, seq) => orphanWrites({ row, seq, status: "failed", error, bus: tracker.bus, published }),
    }).catch((failure: unknown) => {
      console.error(`[shutdown] could not mark ${executionId} interrupted (the sweeper will)`, failure);
      return [];
    });
    deliverLocally(tracker.bus, rows, published);
    interrupted.push(...rows.map((r) => r.id));
  }
  const finished = [...inFlight].filter((id) => !left.includes(id)).length;
  return { finished, interrupted, durationMs: Date.now() - started };
}

const g = globalThis as typeof globalThis & { __latticeShutdownInstalled?: boolean };

/**
 * On SIGTERM: drain, close, exit 0. Next's own handler (unless NEXT_MANUAL_SIG_HANDLE=true) also closes
 * its HTTP server and exits once open connections end — possibly before the deadline, cutting detached
 * runs short; deployments set NEXT_MANUAL_SIG_HANDLE=true so this one decides when the process ends.
 */
export function installGracefulShutdown(): void {
  if (g.__latticeShutdownInstalled) return;
  g.__latticeShutdownInstalled = true;
  let shuttingDown = false;
  process.on("SIGTERM", () => {
    if (shuttingDown) return;
    shuttingDown = true;
    void (async () => {
      const deadlineMs = env().LATTICE_SHUTDOWN_DEADLINE_MS;
      console.log(
        `Lattice: SIGTERM — no new runs; waiting up to ${deadlineMs} ms for ${getWorkflowTracker().registry.size} run(s) in flight`,
      );
      try {
        const report = await drainRuns({ deadlineMs });
        console.log(
          `Lattice: ${report.finished} run(s) finished, ${report.interrupted.length} interrupted, in ${report.durationMs} ms`,
        );
        await stopTrackingServices().catch(() => {});
        await stopQueueBoss();
        await getWorkflowTracker().bus.close();
        await closeDb().catch(() => {});
      } catch (error) {
        console.error("Lattice: graceful shutdown failed", error);
      }
      process.exit(0);
    })();
  });
}
