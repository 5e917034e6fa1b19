/**
 * Whether this process still accepts runs. On SIGTERM an instance starts draining: every door that starts a
 * run (POST /api/executions, chat, resume, re-run, the queue's enqueue) answers 503 with Retry-After, and
 * the health check says so, so a load balancer sends new work to the other instances while this one lets
 * its runs finish. Kept on globalThis: Next loads route modules and instrumentation as separate copies.
 */
import "server-only";
import { AppError } from "@/lib/errors";

interface Draining {
  since: number;
  /** When a client should try again (another instance, usually at once). */
  retryAfterSeconds: number;
}

const g = globalThis as typeof globalThis & { __latticeDraining?: Draining };

export function isDraining(): boolean {
  return g.__latticeDraining !== undefined;
}

export function startDraining({ retryAfterSeconds = 5 }: { retryAfterSeconds?: number } = {}): void {
  g.__latticeDraining ??= { since: Date.now(), retryAfterSeconds };
}

/** Tests: accept runs again. */
export function stopDraining(): void {
  g.__latticeDraining = undefined;
}

export function shuttingDownError(): AppError {
  return new AppError(
    "unavailable:shutting_down",
    "This instance is shutting down and starts no new runs; try again (another instance will take it).",
    {
      retryAfterSeconds: g.__latticeDraining?.retryAfterSeconds ?? 5,
    },
  );
}

/** Throws 503 with Retry-After while the process drains. */
export function assertAcceptingRuns(): void {
  if (isDraining()) throw shuttingDownError();
}
