/**
 * Per-user run limits at the API's doors (POST /api/executions, rerun, resume, chat, the queue): how many
 * runs a user may have going at once, how many they may start per minute and how many may wait in the
 * queue. Over one, the request is refused with 429 and a Retry-After.
 *
 * The app counts in PostgreSQL (`admitRun`, over lib/db/queries/queue.ts), so every instance shares the
 * counts: an admitted run's row is created `pending` under a per-user lock, and the run takes it over.
 * `RunLimiter` is the same rules in memory, for one process (kept as the reference of those rules).
 */
import "server-only";
import { newId } from "@/lib/ids";
import { admitExecution, releaseAdmission, type RunLimitSettings } from "@/lib/db/queries/queue";
import { refusalError } from "@/lib/db/queries/run-limits";

export { refusalError };
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";
import { getEventBus } from "@/lib/tracking/event-bus";

/** The limits from the environment (read on every admission, so tests can change them). */
export function runLimitSettings(): RunLimitSettings {
  const e = env();
  return {
    maxConcurrent: e.LATTICE_MAX_CONCURRENT_RUNS,
    perMinute: e.LATTICE_RUNS_PER_MINUTE,
    maxQueued: e.LATTICE_MAX_QUEUED_RUNS,
  };
}

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
}

export function describePendingRun(request: ExecutionRequest, parentExecutionId?: string): PendingRunDescription {
  return {
    workflowType: request.type,
    inputData: request.type === "CHAT" ? { message: request.message } : request.input,
    ...(parentExecutionId ? { parentExecutionId } : {}),
  };
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

const WINDOW_MS = 60_000;
/** No way to know when a running run ends: a client is asked to try again shortly. */
const CONCURRENCY_RETRY_SECONDS = 2;

/** The rules of the shared limits, in memory for one process (the app uses `admitRun`). */

export interface RunPermit {
  /** Idempotent: call it when the run ends (however it ends). */
  release(): void;
}

export interface RunLimits {
  maxConcurrent: number;
  perMinute: number;
}

export class RunLimiter {
  private readonly running = new Map<string, number>();
  private readonly starts = new Map<string, number[]>();
  private acquisitions = 0;

  constructor(
    private readonly limits: () => RunLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for one run of `userId`, or throws 429 `rate_limit:runs` with the seconds to wait. */
  acquire(userId: string): RunPermit {
    const { maxConcurrent, perMinute } = this.limits();
    const now = this.now();
    if (++this.acquisitions % 1000 === 0) this.forgetIdleUsers(now);
    const recent = (this.starts.get(userId) ?? []).filter((t) => t > now - WINDOW_MS);
    this.starts.set(userId, recent);
    if (recent.length >= perMinute) {
      const oldest = recent[0] ?? now;
      throw new AppError("rate_limit:runs", `You may start at most ${perMinute} runs per minute. Try again shortly.`, {
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)),
      });
    }
    const active = this.running.get(userId) ?? 0;
    if (active >= maxConcurrent) {
      throw new AppError(
        "rate_limit:concurrent_runs",
        `You already have ${active} runs going (the limit is ${maxConcurrent}). Wait for one to finish.`,
        { retryAfterSeconds: CONCURRENCY_RETRY_SECONDS },
      );
    }
    recent.push(now);
    this.running.set(userId, active + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.running.get(userId) ?? 1) - 1;
        if (left > 0) this.running.set(userId, left);
        else this.running.delete(userId);
      },
    };
  }

  /** Drops the start times of users with nothing in the window, so the map does not grow with every user ever seen. */
  private forgetIdleUsers(now: number): void {
    for (const [userId, times] of this.starts) {
      if ((times[times.length - 1] ?? 0) <= now - WINDOW_MS) this.starts.delete(userId);
    }
  }

  /** Runs `userId` has going now. */
  activeRuns(userId: string): number {
    return this.running.get(userId) ?? 0;
  }
}
