/**
 * Batches run events into `execution_events`: events are published live by the tracker, and written here a
 * batch at a time (every `flushIntervalMs`, or sooner when many are waiting) — one statement for all the
 * runs of this process, with one NOTIFY per execution in the same statement. A run's terminal event is held
 * back and written by the tracker's finishing statement, together with whatever is still buffered, so the
 * stored sequence of a finished run is complete the moment its status is.
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
}

const MAX_RETRY_DELAY_MS = 5_000;

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
  /** Statements issued (tests check that tokens are batched). */
  statements = 0;

  constructor(
    private readonly bus: EventBus,
    options: EventWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBuffered = options.maxBuffered ?? 500;
  }

  /** Queues an event; `hold` keeps it for the run's finishing statement. */
  add(ownerId: string, event: ExecutionEvent, { hold = false }: { hold?: boolean } = {}): void {
    const target = hold ? this.held : this.buffer;
    let entry = target.get(event.executionId);
    if (!entry) target.set(event.executionId, (entry = { ownerId, events: [] }));
    entry.events.push(event);
    if (hold) return;
    this.bufferedCount += 1;
    if (this.bufferedCount >= this.maxBuffered) void this.flush();
    else this.schedule(this.flushIntervalMs);
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
      console.error(
        `[tracking] could not store ${batch.length} executions' events (attempt ${this.failures}); retrying`,
        error,
      );
      // Put them back in front of anything that arrived meanwhile, and try again later.
      for (const [executionId, entry] of batch.reverse()) {
        const newer = this.buffer.get(executionId);
        this.buffer.set(executionId, { ownerId: entry.ownerId, events: [...entry.events, ...(newer?.events ?? [])] });
        this.bufferedCount += entry.events.length;
      }
      this.schedule(Math.min(MAX_RETRY_DELAY_MS, this.flushIntervalMs * 2 ** this.failures));
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
