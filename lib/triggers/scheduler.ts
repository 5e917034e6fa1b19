/**
 * The scheduler: every app instance scans for due schedule ticks every few seconds and claims each with a
 * compare-and-set on the schedule's next_run_at (lib/db/queries/triggers.ts), so of any number of instances
 * exactly one wins a tick. In queue mode the claim, the run's row and its pg-boss job commit in one
 * transaction (a crash leaves either all three or none: the tick is claimed again); inline (the embedded
 * database, or PostgreSQL without queue mode) the winner starts the run in its own process right after the
 * claim. The same path serves both databases; only the run's start differs, as for every run.
 *
 * pg-boss has a cron scheduler of its own, but it knows neither "every N minutes" from a schedule's last
 * tick, nor a missed-tick policy, nor time zones per schedule with a preview, nor the embedded database; a
 * claim on the schedule row does all of that with one statement and is tested with a given clock.
 */
import "server-only";
import { readFileSync } from "node:fs";
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import { executionInputSchema } from "@/lib/contracts/execution-request";
import { claimScheduleTick, listDueSchedules, recordScheduleOutcome } from "@/lib/db/queries/triggers";
import type { WorkflowSchedule } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { isDraining } from "@/lib/queue/lifecycle";
import { startTriggeredRun } from "@/lib/services/trigger-runs";
import { nextTick } from "./schedule-times";

/** A tick more late than this was missed (nothing was running): its schedule's policy says what happens. */
export const MISSED_AFTER_MS = 60_000;
/** How often each instance looks for due ticks. */
export const SCAN_INTERVAL_MS = 5_000;
const SCAN_BATCH = 100;

export interface ScanOutcome {
  /** Runs this instance started (or queued). */
  started: string[];
  /** Missed ticks this instance skipped. */
  skipped: number;
  /** Ticks whose run could not start (the reason is on the schedule). */
  failed: number;
}

function requestOf(row: WorkflowSchedule): ExecutionRequest {
  return {
    type: "DEFINITION",
    definitionId: row.definitionId,
    ...(row.version ? { version: row.version } : {}),
    input: executionInputSchema.catch({}).parse(row.input),
    trigger: { type: "schedule", id: row.id },
  };
}

function reasonOf(error: unknown): string {
  if (isAppError(error)) return error.message;
  console.error("[scheduler] a scheduled run could not start", error);
  return "The run could not start.";
}

/** One tick of one schedule: claimed (or not) and run, skipped or failed. */
async function fire(row: WorkflowSchedule, now: Date, outcome: ScanOutcome): Promise<void> {
  const tick = row.nextRunAt!;
  const timing = { kind: row.kind, cron: row.cron, timezone: row.timezone, intervalMinutes: row.intervalMinutes };
  // The tick after now (never a second run for ticks missed meanwhile), counted from this tick for intervals.
  const next = nextTick(timing, now, row.kind === "interval" ? tick : null);
  const claim = { id: row.id, tick, next };
  if (now.getTime() - tick.getTime() > MISSED_AFTER_MS && row.missedTicks === "skip") {
    if (await claimScheduleTick({ ...claim, runs: false })) outcome.skipped += 1;
    return;
  }
  try {
    const run = await startTriggeredRun({
      ownerId: row.ownerId,
      request: requestOf(row),
      claim: (executor) => claimScheduleTick({ ...claim, runs: true }, executor),
    });
    if (!run) return;
    outcome.started.push(run.executionId);
    await recordScheduleOutcome({ id: row.id, executionId: run.executionId, error: null });
  } catch (error) {
    // The tick is spent all the same (inline it was claimed already; queued, the claim was rolled back with
    // the refused run): a workflow that cannot run now is not retried every few seconds.
    await claimScheduleTick({ ...claim, runs: true }).catch(() => false);
    outcome.failed += 1;
    await recordScheduleOutcome({ id: row.id, executionId: null, error: reasonOf(error) });
  }
}

/** Claims and runs every due tick at `now` (the clock is a parameter: tests pass their own). */
export async function runDueSchedules({ now = new Date() }: { now?: Date } = {}): Promise<ScanOutcome> {
  const outcome: ScanOutcome = { started: [], skipped: 0, failed: 0 };
  // A draining instance starts nothing: another instance claims the tick.
  if (isDraining()) return outcome;
  for (const row of await listDueSchedules({ now, limit: SCAN_BATCH })) await fire(row, now, outcome);
  return outcome;
}

const g = globalThis as typeof globalThis & { __latticeScheduler?: { timer: NodeJS.Timeout; busy: boolean } };

/**
 * "Now" for a scan: the real time, or in tests the time written in LATTICE_TEST_SCHEDULER_CLOCK_FILE (undefined
 * while that file holds no time: no scan).
 */
function scanClock(file: string | undefined): Date | undefined {
  if (!file) return new Date();
  try {
    const at = new Date(readFileSync(file, "utf8").trim());
    return Number.isNaN(at.getTime()) ? undefined : at;
  } catch {
    return undefined;
  }
}

/** Starts this process's scan loop (app instances, from instrumentation); idempotent. */
export function startScheduler({ intervalMs }: { intervalMs?: number } = {}): void {
  if (g.__latticeScheduler) return;
  const e = env();
  const clockFile = e.LATTICE_TEST_SCHEDULER_CLOCK_FILE;
  const every = intervalMs ?? e.LATTICE_TEST_SCHEDULER_SCAN_MS ?? SCAN_INTERVAL_MS;
  if (clockFile || e.LATTICE_TEST_SCHEDULER_SCAN_MS) {
    console.warn(
      `[scheduler] TEST HOOKS IN USE: scanning every ${every} ms${clockFile ? `, "now" read from ${clockFile}` : ""} (LATTICE_TEST_SCHEDULER_*: tests only)`,
    );
  }
  const state = { timer: undefined as unknown as NodeJS.Timeout, busy: false };
  state.timer = setInterval(() => {
    if (state.busy) return;
    const now = scanClock(clockFile);
    if (!now) return;
    state.busy = true;
    runDueSchedules({ now })
      .catch((error: unknown) => console.error("[scheduler] scan failed", error))
      .finally(() => {
        state.busy = false;
      });
  }, every);
  state.timer.unref();
  g.__latticeScheduler = state;
}

export function stopScheduler(): void {
  if (g.__latticeScheduler) clearInterval(g.__latticeScheduler.timer);
  g.__latticeScheduler = undefined;
}
