/**
 * Starting a run for a trigger (a schedule's tick, a webhook call) as its workflow's owner, through the one
 * engine path: in queue mode the run goes to the job queue (a worker runs it); otherwise it starts in this
 * process and runs on detached from any connection (a caller that waits for the result follows it on the
 * event bus, like any reader of a run's events).
 */
import "server-only";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import type { RawExecutor } from "@/lib/db/queries/queue";
import { queueMode } from "@/lib/queue/boss";
import { enqueueRun } from "./enqueue";
import { startRun } from "./executions";

export interface TriggeredRun {
  executionId: string;
  /** pending: queued for a worker; running: started in this process. */
  status: "pending" | "running";
}

/** Reads a detached run's remaining events so it runs to its end (its tracker records how it ends). */
function drainInBackground(events: AsyncIterator<ExecutionEvent>): void {
  void (async () => {
    try {
      for (;;) if ((await events.next()).done) return;
    } catch (error) {
      console.error("[triggers] a triggered run's stream failed", error);
    }
  })();
}

/**
 * Starts `request` for `ownerId`. With `claim`, the run starts only if the claim succeeds — in queue mode
 * in the same transaction as the run's row and job (exactly once), inline just before starting it — and
 * null means another instance claimed it.
 */
export async function startTriggeredRun({
  ownerId,
  request,
  claim,
}: {
  ownerId: string;
  request: ExecutionRequest;
  claim?: (executor?: RawExecutor) => Promise<boolean>;
}): Promise<TriggeredRun | null> {
  if (queueMode()) {
    if (claim) {
      const queued = await enqueueRun({ ownerId, request, claim });
      return queued && { executionId: queued.executionId, status: "pending" };
    }
    const queued = await enqueueRun({ ownerId, request });
    return { executionId: queued.executionId, status: "pending" };
  }
  if (claim && !(await claim())) return null;
  const outcome = await startRun({ userId: ownerId, request, stream: true });
  if (outcome.kind !== "stream") throw new Error("a triggered run was asked to stream");
  const events = outcome.events[Symbol.asyncIterator]();
  // The first event is run_started: the run's row exists once it is out.
  const first = await events.next();
  if (first.done) throw new Error("The run ended before it started.");
  drainInBackground(events);
  return { executionId: first.value.executionId, status: "running" };
}
