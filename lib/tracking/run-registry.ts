/**
 * The runs this process is executing right now: executionId → its context. It serves three things:
 * - the heartbeat: ONE statement per interval for all of them (a sign of life per process, not a write per
 *   event), so the sweeper of any instance can tell a live run from one whose process died;
 * - cancel: a request from any instance reaches the context's AbortController here;
 * - the sweeper of this process never takes its own live runs for dead.
 */
import "server-only";
import { heartbeatExecutions } from "@/lib/db/queries/executions";
import type { ExecutionContext } from "@/lib/engine/context";
import { env } from "@/lib/env";
import type { EventBus } from "./event-bus";

export interface RunEntry {
  ctx: ExecutionContext;
  /** What the execution had used before this call (a resumed run carries its earlier usage). */
  startTokens: number;
  startCost: number;
}

/** Heartbeats come this many times per timeout, so one late beat never looks like a death. */
const BEATS_PER_TIMEOUT = 4;

export function heartbeatIntervalFor(timeoutMs: number): number {
  return Math.max(100, Math.min(15_000, Math.floor(timeoutMs / BEATS_PER_TIMEOUT)));
}

export class RunRegistry {
  private readonly runs = new Map<string, RunEntry>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private readonly intervalMs: number;
  private offCancel: (() => void) | undefined;

  constructor(options: { heartbeatIntervalMs?: number } = {}) {
    this.intervalMs = options.heartbeatIntervalMs ?? heartbeatIntervalFor(env().LATTICE_RUN_TIMEOUT_MS);
  }

  /** Routes the bus's cancel requests to the runs registered here. */
  attach(bus: EventBus): void {
    this.offCancel?.();
    this.offCancel = bus.onCancel(({ executionId, ownerId, reason }) => {
      const entry = this.runs.get(executionId);
      if (!entry || entry.ctx.userId !== ownerId) return false;
      entry.ctx.stop({ kind: "cancelled", message: reason });
      return true;
    });
  }

  add(entry: RunEntry): void {
    this.runs.set(entry.ctx.executionId, entry);
    if (!this.timer) {
      this.timer = setInterval(() => void this.beat(), this.intervalMs);
      // A process with nothing else to do may exit; its runs' rows are then swept as interrupted.
      this.timer.unref?.();
    }
  }

  get(executionId: string): RunEntry | undefined {
    return this.runs.get(executionId);
  }

  remove(executionId: string): void {
    this.runs.delete(executionId);
    if (this.runs.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  ids(): string[] {
    return [...this.runs.keys()];
  }

  get size(): number {
    return this.runs.size;
  }

  /** One heartbeat for every registered run (skipped while the previous one is still out). */
  beat(): Promise<void> {
    if (this.beating) return this.beating;
    const ids = this.ids();
    if (ids.length === 0) return Promise.resolve();
    this.beating = heartbeatExecutions({ ids })
      .then(() => undefined)
      .catch((error: unknown) => console.error("[tracking] heartbeat failed", error))
      .finally(() => {
        this.beating = undefined;
      });
    return this.beating;
  }
}
