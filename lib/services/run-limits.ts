/**
 * Per-user run limits at the API's doors (POST /api/executions, rerun, resume, chat, the queue): how many
 * runs a user may have going at once, how many they may start per minute and how many may wait in the
 * queue. Over one, the request is refused with 429 and a Retry-After.
 *
 * The app counts in PostgreSQL (`admitRun`, over lib/db/queries/queue.ts), so every instance shares the
 * counts: an admitted run's row is created `pending` under a per-user lock, and the run takes it over.
 * Child runs (a subworkflow node, the run_workflow tool) are admitted by the engine as they start: a
 * per-minute start each, never refused for concurrency (they run in their parent's slot) — see
 * lib/engine/execute.ts and docs/architecture.md, "Child runs".
 */
import "server-only";
import { newId } from "@/lib/ids";
import { admitExecution, releaseAdmission } from "@/lib/db/queries/queue";
import { refusalError } from "@/lib/db/queries/run-limits";

export { refusalError };
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import { runLimitSettings } from "@/lib/engine/resources";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";
import { getEventBus } from "@/lib/tracking/event-bus";

/** The limits from the environment (read on every admission, so tests can change them). */
export { runLimitSettings };

/** An admitted inline run: the id its execution takes, and `release` for a run that never started. */
export interface RunAdmission {
  /** Undefined for a resume (the paused run's row exists). */
  executionId?: string;
  /** Idempotent: removes the pending row if the run never took it over (it failed before starting). */
  release(): Promise<void>;
}

/** What the pending row of a run says before the run starts (the run fills in the rest). */
export interface PendingRunDescription {
  workflowType: ExecutionRequest["type"];
  inputData: unknown;
  /** The run it re-runs. */
  parentExecutionId?: string;
  triggerType?: string;
  triggerId?: string;
}

/**
 * Admits one run of `userId` in this instance within the shared limits (503 while the instance drains,
 * 429 past a limit). With `run` the run's row is created now (`pending`) and its id returned: pass it to
 * `execute` as `pending.executionId`. Without it (a resume: the paused run's row exists) the limits are
 * only checked.
 */
export async function admitRun({
  userId,
  run,
}: {
  userId: string;
  run?: PendingRunDescription;
}): Promise<RunAdmission> {
  assertAcceptingRuns();
  const limits = runLimitSettings();
  const id = run ? newId() : undefined;
  const outcome = await admitExecution({
    ownerId: userId,
    ...(run && id ? { row: { id, ...run } } : {}),
    instanceId: getEventBus().instanceId,
    limits,
  });
  if (!outcome.admitted) throw refusalError(outcome.refusal, limits);
  let released = false;
  return {
    ...(id ? { executionId: id } : {}),
    release: async () => {
      if (released || !id) return;
      released = true;
      await releaseAdmission({ executionId: id, ownerId: userId }).catch((error: unknown) =>
        console.error(`[limits] could not release the admission of ${id}`, error),
      );
    },
  };
}
