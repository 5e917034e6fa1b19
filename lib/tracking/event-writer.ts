/**
 * Batches run events into `execution_events`: events are published live by the tracker, and written here a
 * batch at a time (every `flushIntervalMs`, or sooner when many are waiting) — one statement for all the
 * runs of this process, with one NOTIFY per execution in the same statement. A run's terminal event is held
 * back and written by the tracker's finishing statement, together with whatever is still buffered, so the
 * stored sequence of a finished run is complete the moment its status is.
 *
 * A failed write is retried (backing off up to 5 s) until the database takes it or the run finishes (its
 * finishing statement then takes what is left). Meanwhile events wait in memory, at most `maxPending`:
 * beyond, the oldest progress events (tokens, node starts and ends, tool calls — what a run's result sums
 * up) are dropped with a warning that counts them and names the runs. A run's start, pauses, node failures
 * and end are never dropped.
 */
import "server-only";
import { appendExecutionEvents, type Notification } from "@/lib/db/queries/events";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { EventBus } from "./event-bus";
import { toEventRows } from "./event-rows";

interface Buffered {
  ownerId: string;
  events: ExecutionEvent[];
}

export interface EventWriterOptions {
  flushIntervalMs?: number;
  /** Flush at once when this many events are waiting. */
  maxBuffered?: number;
  /** At most this many events wait while writes fail; beyond, the oldest progress events are dropped. */
  maxPending?: number;
}

const MAX_RETRY_DELAY_MS = 5_000;
const DEFAULT_MAX_PENDING = 20_000;
/** Dropping goes down to this share of `maxPending`, so a long outage drops (and warns) in batches. */
const DROP_TO = 0.9;
/** Events a run may lose when they cannot be stored: progress its result and history sum up. */
const DROPPABLE: ReadonlySet<string> = new Set(["token", "node_started", "node_completed", "tool_call"]);
/** Executions named in a log line (the rest are counted). */
const LOGGED_IDS = 10;

function nameExecutions(ids: readonly string[]): string {
  const named = ids.slice(0, LOGGED_IDS).join(", ");
  return ids.length > LOGGED_IDS ? `${named} and ${ids.length - LOGGED_IDS} more` : named;
}

export class EventWriter {
  private readonly buffer = new Map<string, Buffered>();
  /** Terminal events waiting for their run's finishing statement. */
  private readonly held = new Map<string, Buffered>();
  /** Events handed to a statement that has not committed yet, by execution. */
  private readonly inflight = new Map<string, ExecutionEvent[][]>();
  private bufferedCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;
  private readonly maxPending: number;
  /** Statements issued (tests check that tokens are batched). */
  statements = 0;
  /** Events dropped because they waited past `maxPending` (since this writer was made). */
  dropped = 0;

  constructor(
    private readonly bus: EventBus,
    options: EventWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBuffered = options.maxBuffered ?? 500;
    this.maxPending = Math.max(1, options.maxPending ?? DEFAULT_MAX_PENDING);
  }

  /** Events waiting to be written (not counting held terminal events and a write in flight). */
  get bufferedEvents(): number {
    return this.bufferedCount;
  }

  /** Queues an event; `hold` keeps it for the run's finishing statement. */
  add(ownerId: string, event: ExecutionEvent, { hold = false }: { hold?: boolean } = {}): void {
    const target = hold ? this.held : this.buffer;
    let entry = target.get(event.executionId);
    if (!entry) target.set(event.executionId, (entry = { ownerId, events: [] }));
    entry.events.push(event);
    if (hold) return;
    this.bufferedCount += 1;
    // Only while writes fail does the buffer grow past its flush size.
    if (this.bufferedCount > this.maxPending) this.dropOldestProgress();
    if (this.bufferedCount >= this.maxBuffered) void this.flush();
    else this.schedule(this.flushIntervalMs);
  }

  /**
   * Brings the buffer back under its bound by dropping progress events, oldest first (runs in the order
   * they were buffered, each from its start); never a run's start, pause, node failure or end.
   */
  private dropOldestProgress(): void {
    let excess = this.bufferedCount - Math.floor(this.maxPending * DROP_TO);
    const droppedBy = new Map<string, number>();
    for (const [executionId, entry] of this.buffer) {
      if (excess <= 0) break;
      const kept: ExecutionEvent[] = [];
      let dropped = 0;
      for (const event of entry.events) {
        if (excess > 0 && DROPPABLE.has(event.type)) {
          excess -= 1;
          dropped += 1;
        } else kept.push(event);
      }
      if (dropped === 0) continue;
      entry.events = kept;
      if (kept.length === 0) this.buffer.delete(executionId);
      droppedBy.set(executionId, dropped);
    }
    const total = [...droppedBy.values()].reduce((a, b) => a + b, 0);
    if (total === 0) return;
    this.bufferedCount -= total;
    this.dropped += total;
    const runs = [...droppedBy].map(([id, n]) => `${id} (${n})`);
    console.warn(
      `[tracking] events cannot be stored and ${this.bufferedCount + total} were waiting (the bound is ${this.maxPending}): dropped ${total} progress events (tokens, node starts and ends, tool calls) of execution${runs.length === 1 ? "" : "s"} ${nameExecutions(runs)}; ${this.dropped} dropped since start. Runs' starts, pauses, failures and ends are kept.`,
    );
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    // Buffered events must not keep a script alive; finishing runs flush their own.
    this.timer.unref?.();
  }

  /** Writes everything buffered now (after any write in progress). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => {});
    return run;
  }

  private async flushOnce(): Promise<void> {
    if (this.buffer.size === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = [...this.buffer.entries()];
    this.buffer.clear();
    this.bufferedCount = 0;
    for (const [executionId, { events }] of batch) this.markInflight(executionId, events);
    try {
      await this.write(batch);
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const delayMs = Math.min(MAX_RETRY_DELAY_MS, this.flushIntervalMs * 2 ** this.failures);
      const count = batch.reduce((n, [, entry]) => n + entry.events.length, 0);
      console.error(
        `[tracking] could not store ${count} events of execution${batch.length === 1 ? "" : "s"} ${nameExecutions(batch.map(([id]) => id))} (attempt ${this.failures}); retrying in ${delayMs} ms`,
        error,
      );
      // Put them back in front of anything that arrived meanwhile, and try again later.
      for (const [executionId, entry] of batch.reverse()) {
        const newer = this.buffer.get(executionId);
        this.buffer.set(executionId, { ownerId: entry.ownerId, events: [...entry.events, ...(newer?.events ?? [])] });
        this.bufferedCount += entry.events.length;
      }
      if (this.bufferedCount > this.maxPending) this.dropOldestProgress();
      this.schedule(delayMs);
    } finally {
      for (const [executionId, { events }] of batch) this.unmarkInflight(executionId, events);
    }
  }

  private async write(batch: Array<[string, Buffered]>): Promise<void> {
    const events = batch.flatMap(([, entry]) => entry.events);
    const notifications: Notification[] = [];
    for (const [executionId, entry] of batch) {
      const notification = this.bus.eventNotification(executionId, entry.ownerId, entry.events);
      if (notification) notifications.push(notification);
    }
    this.statements += 1;
    // Only while this instance holds the run (a queued run may have been taken over by another worker).
    await appendExecutionEvents({ rows: toEventRows(events), notifications, instanceId: this.bus.instanceId });
  }

  private markInflight(executionId: string, events: ExecutionEvent[]): void {
    const lists = this.inflight.get(executionId) ?? [];
    lists.push(events);
    this.inflight.set(executionId, lists);
  }

  private unmarkInflight(executionId: string, events: ExecutionEvent[]): void {
    const lists = this.inflight.get(executionId);
    if (!lists) return;
    const index = lists.indexOf(events);
    if (index >= 0) lists.splice(index, 1);
    if (lists.length === 0) this.inflight.delete(executionId);
  }

  /**
   * Takes an execution's remaining events (buffered and held) for its finishing statement, after any
   * write in progress has settled, so the run's events reach the database in order. Call `release` once
   * that statement is over; until then they count as pending.
   */
  async take(executionId: string): Promise<{ ownerId: string | undefined; events: ExecutionEvent[] }> {
    await this.chain;
    const buffered = this.buffer.get(executionId);
    const held = this.held.get(executionId);
    this.buffer.delete(executionId);
    this.held.delete(executionId);
    if (buffered) this.bufferedCount -= buffered.events.length;
    const events = [...(buffered?.events ?? []), ...(held?.events ?? [])].sort((a, b) => a.seq - b.seq);
    this.markInflight(executionId, events);
    return { ownerId: buffered?.ownerId ?? held?.ownerId, events };
  }

  release(executionId: string, events: ExecutionEvent[]): void {
    this.unmarkInflight(executionId, events);
  }

  /**
   * Events of an execution this process has but has not committed (a subscriber's replay includes them).
   * Held terminal events are not: a subscriber sees a run end only once its row says so.
   */
  pending(executionId: string): ExecutionEvent[] {
    const inflight = (this.inflight.get(executionId) ?? []).flat().filter((e) => !this.isHeldTerminal(e));
    return [...inflight, ...(this.buffer.get(executionId)?.events ?? [])];
  }

  private isHeldTerminal(event: ExecutionEvent): boolean {
    return event.type === "run_completed" || event.type === "run_failed" || event.type === "run_cancelled";
  }

  /** The highest seq this process holds for an execution (0 when none). */
  lastPendingSeq(executionId: string): number {
    let last = 0;
    for (const event of [...this.pending(executionId), ...(this.held.get(executionId)?.events ?? [])])
      last = Math.max(last, event.seq);
    return last;
  }

  /** Writes what is buffered and waits for it (shutdown, tests). */
  async drain(): Promise<void> {
    await this.flush();
    await this.chain;
  }
}
