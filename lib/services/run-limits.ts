/**
 * Per-user run limits at the API's doors (POST /api/executions, rerun, resume, chat): how many runs a user
 * may have going at once, and how many they may start per minute. Over either, the request is refused with
 * 429 and a Retry-After. The counters live in this process — right for one app instance; the scale-out work
 * moves them to PostgreSQL so that every instance shares them.
 */
import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const WINDOW_MS = 60_000;
/** No way to know when a running run ends: a client is asked to try again shortly. */
const CONCURRENCY_RETRY_SECONDS = 2;

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

const globalForLimiter = globalThis as unknown as { latticeRunLimiter?: RunLimiter };

/** The process's limiter, configured from the environment (read on every acquire, so tests can change it). */
export function runLimiter(): RunLimiter {
  globalForLimiter.latticeRunLimiter ??= new RunLimiter(() => ({
    maxConcurrent: env().LATTICE_MAX_CONCURRENT_RUNS,
    perMinute: env().LATTICE_RUNS_PER_MINUTE,
  }));
  return globalForLimiter.latticeRunLimiter;
}
