/**
 * The tracker: where a run's record, events and analytics go. The engine calls `start` once and then
 * exactly one of `complete` / `fail` per `execute` call (a human pause ends the call with complete(status
 * "paused"); a resume is a new call on the same execution: start, then complete/fail again). Per-node
 * progress arrives through `onEvent`, fed from LangGraph's stream — never from node code.
 *
 * The database tracker (execution rows, event rows, analytics, LISTEN/NOTIFY) implements this interface in
 * lib/tracking; `InMemoryTracker` is the default until then, and what tests use to observe a run.
 */
import type { ExecutionContext } from "./context";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";

export interface Tracker {
  start(ctx: ExecutionContext): Promise<void>;
  complete(ctx: ExecutionContext, result: ExecutionResult): Promise<void>;
  fail(ctx: ExecutionContext, error: unknown, result: ExecutionResult): Promise<void>;
  /** Synchronous on purpose: the engine never waits on a sink between tokens. Buffer and flush inside. */
  onEvent(ctx: ExecutionContext, event: ExecutionEvent): void;
  /**
   * The last sequence number recorded for an execution (0: none), so a resumed run continues the numbering
   * gap-free. A read, not a tracking call. Without it a resumed run numbers from 1 again.
   */
  lastSeq?(executionId: string): Promise<number>;
  /**
   * True when the tracker stores a chat run's answer itself, inside its complete/fail transaction (the
   * database tracker): the engine then only assigns the answer's id (`ctx.messageId`).
   */
  readonly storesChatMessages?: boolean;
}

export type TrackerCall =
  | { method: "start"; executionId: string; record: ReturnType<ExecutionContext["toExecutionRecord"]> }
  | { method: "complete"; executionId: string; result: ExecutionResult }
  | { method: "fail"; executionId: string; error: string; result: ExecutionResult };

/** Records every call and event in memory (per execution), for tests and as the default sink. */
export class InMemoryTracker implements Tracker {
  readonly calls: TrackerCall[] = [];
  readonly events: ExecutionEvent[] = [];

  async start(ctx: ExecutionContext): Promise<void> {
    this.calls.push({ method: "start", executionId: ctx.executionId, record: ctx.toExecutionRecord() });
  }

  async complete(ctx: ExecutionContext, result: ExecutionResult): Promise<void> {
    this.calls.push({ method: "complete", executionId: ctx.executionId, result });
  }

  async fail(ctx: ExecutionContext, error: unknown, result: ExecutionResult): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.calls.push({ method: "fail", executionId: ctx.executionId, error: message, result });
  }

  onEvent(_ctx: ExecutionContext, event: ExecutionEvent): void {
    this.events.push(event);
  }

  async lastSeq(executionId: string): Promise<number> {
    return this.eventsFor(executionId).reduce((max, e) => Math.max(max, e.seq), 0);
  }

  callsFor(executionId: string): TrackerCall[] {
    return this.calls.filter((c) => c.executionId === executionId);
  }

  eventsFor(executionId: string): ExecutionEvent[] {
    return this.events.filter((e) => e.executionId === executionId);
  }
}

/** A tracker that forwards to several (e.g. the database tracker plus a test probe). */
export class CompositeTracker implements Tracker {
  constructor(private readonly trackers: Tracker[]) {}
  get storesChatMessages() {
    return this.trackers.some((t) => t.storesChatMessages === true);
  }
  async start(ctx: ExecutionContext) {
    for (const t of this.trackers) await t.start(ctx);
  }
  async complete(ctx: ExecutionContext, result: ExecutionResult) {
    for (const t of this.trackers) await t.complete(ctx, result);
  }
  async fail(ctx: ExecutionContext, error: unknown, result: ExecutionResult) {
    for (const t of this.trackers) await t.fail(ctx, error, result);
  }
  onEvent(ctx: ExecutionContext, event: ExecutionEvent) {
    for (const t of this.trackers) t.onEvent(ctx, event);
  }
  async lastSeq(executionId: string) {
    let max = 0;
    for (const t of this.trackers) max = Math.max(max, (await t.lastSeq?.(executionId)) ?? 0);
    return max;
  }
}
