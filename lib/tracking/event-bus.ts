/**
 * The event bus: run events, run status changes (the dashboard feed) and cancel requests, delivered to
 * subscribers in this process at once and to every other instance through PostgreSQL LISTEN/NOTIFY (PGlite
 * has it too, in one process).
 *
 * Delivery rules, which make "no gap, no duplicate" hold:
 * - a writer publishes an event locally the moment it has it (a run's terminal event only once its
 *   transaction committed) and NOTIFYs other instances in the statement that stores it, so a notification
 *   never names rows that are not committed;
 * - a notification carries the execution id and the seq range, plus the events themselves when they fit
 *   (NOTIFY payloads stop at 8000 bytes); otherwise receivers read the range from execution_events;
 * - receivers ignore their own instance's notifications (they already had the events locally);
 * - `subscribe(executionId, afterSeq)` starts listening BEFORE it replays what is stored (plus what this
 *   process holds but has not committed), then streams live events, dropping any seq it already sent and
 *   filling any hole from the store — so a subscriber sees every event once, in order.
 */
import "server-only";
import os from "node:os";
import { z } from "zod";
import { getDbHandle, type DbHandle } from "@/lib/db/client";
import { listExecutionEventRows, type Notification } from "@/lib/db/queries/events";
import { executionEventSchema, isTerminalEvent, type ExecutionEvent } from "@/lib/contracts/events";
import { fromEventRows } from "./event-rows";
import { runStatusEventSchema, type RunStatusEvent } from "@/lib/contracts/feed-events";

export const CHANNELS = {
  events: "lattice_execution_events",
  feed: "lattice_run_status",
  cancel: "lattice_cancel",
} as const;

/** NOTIFY payloads are limited to 8000 bytes; leave room for the envelope. */
const INLINE_EVENTS_MAX_BYTES = 7000;
/** A subscriber that falls this far behind is dropped; it reconnects with Last-Event-ID and loses nothing. */
const DEFAULT_MAX_QUEUE = 10_000;
const FEED_ERROR_MAX = 500;

const eventNoticeSchema = z.object({
  i: z.string(),
  e: z.string(),
  o: z.string(),
  f: z.number().int(),
  t: z.number().int(),
  ev: z.array(z.unknown()).optional(),
});
const feedNoticeSchema = z.object({ i: z.string(), o: z.string(), s: runStatusEventSchema });
const cancelNoticeSchema = z.object({ i: z.string(), e: z.string(), o: z.string(), r: z.string() });

type Listener<T> = (value: T) => void;
/** Handles a cancel request for a run this process may be running; true when it was. */
export type CancelHandler = (request: { executionId: string; ownerId: string; reason: string }) => boolean;
/** Events this process holds for an execution but has not committed yet. */
export type PendingSource = (executionId: string) => ExecutionEvent[];

export class SubscriberOverflowError extends Error {
  constructor() {
    super("The subscriber fell too far behind the run; reconnect with the last event id to continue.");
    this.name = "SubscriberOverflowError";
  }
}

/** A queue a producer pushes to and one consumer awaits; closing it wakes the consumer. */
class WaitQueue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  overflowed = false;

  constructor(private readonly max: number) {}

  push(item: T): void {
    if (this.closed) return;
    if (this.items.length >= this.max) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.items.push(item);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.items.length) return this.items.shift();
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

function mergeBySeq(...lists: ExecutionEvent[][]): ExecutionEvent[] {
  const bySeq = new Map<number, ExecutionEvent>();
  for (const list of lists) for (const event of list) if (!bySeq.has(event.seq)) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export interface SubscribeOptions {
  executionId: string;
  /** The subscriber's user: replays read only this owner's rows. */
  ownerId: string;
  /** Replay events after this sequence number (the client's Last-Event-ID); 0 for all. */
  afterSeq?: number;
  /** Ends the subscription (a client that went away). */
  signal?: AbortSignal;
  /**
   * Asked once the replay is done: true when the run will emit nothing more (it ended, or is paused). The
   * subscription then ends after sending what remains, instead of waiting for a terminal event that was
   * already sent (or pruned).
   */
  isOver?: () => Promise<boolean>;
  maxQueue?: number;
}

export class EventBus {
  readonly instanceId: string;
  private readonly eventListeners = new Map<string, Set<Listener<ExecutionEvent>>>();
  private readonly feedListeners = new Map<string, Set<Listener<RunStatusEvent>>>();
  private readonly cancelHandlers = new Set<CancelHandler>();
  private readonly pendingSources = new Set<PendingSource>();
  /** Per execution: remote deliveries in arrival order (some need a read from the store first). */
  private readonly remoteChains = new Map<string, Promise<void>>();
  private listening: Promise<void> | undefined;
  private unlisteners: Array<() => Promise<void>> = [];
  private closed = false;
  private readonly handle: () => Promise<DbHandle>;
  /** Deliveries from other instances: carried in the notification, or read from the table. */
  readonly remoteStats = { inline: 0, fromStore: 0 };

  constructor(options: { instanceId?: string; handle?: () => Promise<DbHandle> } = {}) {
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.handle = options.handle ?? getDbHandle;
  }

  // -------------------------------------------------------------------------------------------------------
  // Listening to other instances
  // -------------------------------------------------------------------------------------------------------

  /** LISTENs on the bus channels (once; a failure is retried by the next call). */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.listening ??= (async () => {
      const handle = await this.handle();
      const offs = await Promise.all([
        handle.listen(CHANNELS.events, (payload) => this.onEventNotice(payload)),
        handle.listen(CHANNELS.feed, (payload) => this.onFeedNotice(payload)),
        handle.listen(CHANNELS.cancel, (payload) => this.onCancelNotice(payload)),
      ]);
      this.unlisteners.push(...offs);
    })().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  /** Stops listening and ends every subscription's live part (tests, shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const offs = this.unlisteners.splice(0);
    await Promise.allSettled(offs.map((off) => off()));
    this.listening = undefined;
  }

  /**
   * Every payload this instance sends starts with its own id (`{"i":"…",`), and LISTEN hands it back:
   * those are recognised by that prefix and dropped without parsing.
   */
  private get ownPrefix(): string {
    return (this.ownPrefixText ??= `${JSON.stringify({ i: this.instanceId }).slice(0, -1)},`);
  }
  private ownPrefixText: string | undefined;

  private parseNotice<S extends z.ZodType>(schema: S, payload: string): z.output<S> | undefined {
    if (payload.startsWith(this.ownPrefix)) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(payload));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private onEventNotice(payload: string): void {
    const notice = this.parseNotice(eventNoticeSchema, payload);
    if (!notice || notice.i === this.instanceId) return;
    if (!this.eventListeners.get(notice.e)?.size) return;
    const deliver = async () => {
      let events: ExecutionEvent[];
      if (notice.ev) {
        this.remoteStats.inline += 1;
        events = notice.ev.flatMap((value) => {
          const parsed = executionEventSchema.safeParse(value);
          return parsed.success && parsed.data.executionId === notice.e ? [parsed.data] : [];
        });
      } else {
        this.remoteStats.fromStore += 1;
        events = await this.readStored(notice.e, notice.o, notice.f - 1, notice.t);
      }
      for (const event of events) this.dispatchEvent(event);
    };
    const previous = this.remoteChains.get(notice.e) ?? Promise.resolve();
    const next = previous
      .then(deliver)
      .catch((error: unknown) =>
        console.error(`[tracking] could not deliver events of ${notice.e} from another instance`, error),
      );
    this.remoteChains.set(notice.e, next);
    void next.finally(() => {
      if (this.remoteChains.get(notice.e) === next) this.remoteChains.delete(notice.e);
    });
  }

  private onFeedNotice(payload: string): void {
    const notice = this.parseNotice(feedNoticeSchema, payload);
    if (!notice || notice.i === this.instanceId) return;
    this.dispatchFeed(notice.o, notice.s);
  }

  private onCancelNotice(payload: string): void {
    const notice = this.parseNotice(cancelNoticeSchema, payload);
    if (!notice || notice.i === this.instanceId) return;
    this.cancelLocally({ executionId: notice.e, ownerId: notice.o, reason: notice.r });
  }

  // -------------------------------------------------------------------------------------------------------
  // Run events
  // -------------------------------------------------------------------------------------------------------

  /** Delivers an event to this process's subscribers of its execution. */
  publishLocal(event: ExecutionEvent): void {
    this.dispatchEvent(event);
  }

  private dispatchEvent(event: ExecutionEvent): void {
    const listeners = this.eventListeners.get(event.executionId);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error("[tracking] an event subscriber failed", error);
      }
    }
  }

  /** The NOTIFY for a batch of one execution's events, stored in the same statement. */
  eventNotification(executionId: string, ownerId: string, events: readonly ExecutionEvent[]): Notification | undefined {
    if (events.length === 0) return undefined;
    let from = Infinity;
    let to = -Infinity;
    for (const event of events) {
      from = Math.min(from, event.seq);
      to = Math.max(to, event.seq);
    }
    const base = { i: this.instanceId, e: executionId, o: ownerId, f: from, t: to };
    const inline = JSON.stringify({ ...base, ev: events });
    return {
      channel: CHANNELS.events,
      payload: Buffer.byteLength(inline) <= INLINE_EVENTS_MAX_BYTES ? inline : JSON.stringify(base),
      // Only if the rows were stored (a run declared dead may no longer write).
      executionId,
    };
  }

  /** Registers where this process keeps events it has not committed yet (the tracker's writer). */
  addPendingSource(source: PendingSource): () => void {
    this.pendingSources.add(source);
    return () => this.pendingSources.delete(source);
  }

  private pendingEvents(executionId: string): ExecutionEvent[] {
    const all: ExecutionEvent[] = [];
    for (const source of this.pendingSources) all.push(...source(executionId));
    return all;
  }

  private async readStored(
    executionId: string,
    ownerId: string,
    afterSeq: number,
    toSeq?: number,
  ): Promise<ExecutionEvent[]> {
    const rows = await listExecutionEventRows({
      executionId,
      ownerId,
      afterSeq,
      ...(toSeq !== undefined ? { toSeq } : {}),
    });
    const events = fromEventRows(rows, afterSeq);
    return toSeq === undefined ? events : events.filter((e) => e.seq <= toSeq);
  }

  private addEventListener(executionId: string, listener: Listener<ExecutionEvent>): () => void {
    let set = this.eventListeners.get(executionId);
    if (!set) this.eventListeners.set(executionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.eventListeners.get(executionId) === set) this.eventListeners.delete(executionId);
    };
  }

  /**
   * Every event of an execution after `afterSeq`, in order, once: the stored ones, then live ones. Ends
   * after the run's terminal event, when `isOver` says the run has nothing more to say, or on `signal`.
   * Throws SubscriberOverflowError if the consumer falls too far behind.
   */
  async *subscribe(options: SubscribeOptions): AsyncGenerator<ExecutionEvent, void, undefined> {
    const { executionId, ownerId, signal } = options;
    const live = new WaitQueue<ExecutionEvent>(options.maxQueue ?? DEFAULT_MAX_QUEUE);
    // Listen first: anything published from now on is queued, so nothing falls between replay and live.
    const off = this.addEventListener(executionId, (event) => live.push(event));
    const onAbort = () => live.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    let last = Math.max(0, Math.floor(options.afterSeq ?? 0));
    try {
      if (signal?.aborted) return;
      await this.start();
      // Taken before the read: an event committed meanwhile is in one or the other (or both: merged by seq).
      const pending = this.pendingEvents(executionId);
      const stored = await this.readStored(executionId, ownerId, last);
      const replay = mergeBySeq(stored, pending);
      for (const [i, event] of replay.entries()) {
        if (signal?.aborted) return;
        if (event.seq <= last) continue;
        last = event.seq;
        yield event;
        // A pause ends a run's events only if nothing followed it: a resumed run goes on after it.
        if (isTerminalEvent(event) && i === replay.length - 1) return;
      }
      if (options.isOver && (await options.isOver())) {
        // The run has ended: all it wrote is committed. Send what the replay missed, then stop.
        const rest = mergeBySeq(await this.readStored(executionId, ownerId, last), this.pendingEvents(executionId));
        for (const [i, event] of rest.entries()) {
          if (event.seq <= last) continue;
          last = event.seq;
          yield event;
          if (isTerminalEvent(event) && i === rest.length - 1) return;
        }
        return;
      }
      for (;;) {
        const event = await live.next();
        if (!event || signal?.aborted) {
          if (live.overflowed) throw new SubscriberOverflowError();
          return;
        }
        if (event.seq <= last) continue;
        if (event.seq > last + 1) {
          // A hole (an instance's notification overtaken by another): the store has what is missing.
          const missing = mergeBySeq(
            await this.readStored(executionId, ownerId, last, event.seq - 1),
            this.pendingEvents(executionId),
          );
          for (const earlier of missing) {
            if (earlier.seq <= last || earlier.seq >= event.seq) continue;
            last = earlier.seq;
            yield earlier;
            if (isTerminalEvent(earlier)) return;
          }
        }
        last = event.seq;
        yield event;
        if (isTerminalEvent(event)) return;
      }
    } finally {
      off();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Run status feed
  // -------------------------------------------------------------------------------------------------------

  feedNotification(ownerId: string, event: RunStatusEvent): Notification {
    const s =
      event.error && event.error.length > FEED_ERROR_MAX
        ? { ...event, error: `${event.error.slice(0, FEED_ERROR_MAX)}…` }
        : event;
    return { channel: CHANNELS.feed, payload: JSON.stringify({ i: this.instanceId, o: ownerId, s }) };
  }

  publishFeedLocal(ownerId: string, event: RunStatusEvent): void {
    this.dispatchFeed(ownerId, event);
  }

  private dispatchFeed(ownerId: string, event: RunStatusEvent): void {
    for (const listener of [...(this.feedListeners.get(ownerId) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        console.error("[tracking] a feed subscriber failed", error);
      }
    }
  }

  /**
   * The owner's run status changes until `signal`: first `replay()`'s (read once listening, so no change
   * falls between it and the live ones), then live ones.
   */
  async *subscribeFeed({
    ownerId,
    signal,
    maxQueue,
    replay,
  }: {
    ownerId: string;
    signal?: AbortSignal;
    maxQueue?: number;
    replay?: () => Promise<RunStatusEvent[]>;
  }): AsyncGenerator<RunStatusEvent, void, undefined> {
    const live = new WaitQueue<RunStatusEvent>(maxQueue ?? DEFAULT_MAX_QUEUE);
    let set = this.feedListeners.get(ownerId);
    if (!set) this.feedListeners.set(ownerId, (set = new Set()));
    const listener = (event: RunStatusEvent) => live.push(event);
    set.add(listener);
    const onAbort = () => live.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal?.aborted) return;
      await this.start();
      if (replay) {
        for (const event of await replay()) {
          if (signal?.aborted) return;
          yield event;
        }
      }
      for (;;) {
        const event = await live.next();
        if (!event || signal?.aborted) {
          if (live.overflowed) throw new SubscriberOverflowError();
          return;
        }
        yield event;
      }
    } finally {
      set.delete(listener);
      if (set.size === 0 && this.feedListeners.get(ownerId) === set) this.feedListeners.delete(ownerId);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Cancel
  // -------------------------------------------------------------------------------------------------------

  onCancel(handler: CancelHandler): () => void {
    this.cancelHandlers.add(handler);
    return () => this.cancelHandlers.delete(handler);
  }

  private cancelLocally(request: { executionId: string; ownerId: string; reason: string }): boolean {
    let handled = false;
    for (const handler of this.cancelHandlers) handled = handler(request) || handled;
    return handled;
  }

  /** Asks whichever instance runs the execution to stop it: this one directly, the others by NOTIFY. */
  async requestCancel(request: {
    executionId: string;
    ownerId: string;
    reason: string;
  }): Promise<"local" | "broadcast"> {
    if (this.cancelLocally(request)) return "local";
    const handle = await this.handle();
    await handle.notify(
      CHANNELS.cancel,
      JSON.stringify({
        i: this.instanceId,
        e: request.executionId,
        o: request.ownerId,
        r: request.reason.slice(0, 500),
      }),
    );
    return "broadcast";
  }

  // -------------------------------------------------------------------------------------------------------

  /** Subscribers in this process (run events and feed): a closed connection must bring it back down. */
  listenerCount(): number {
    let count = 0;
    for (const set of this.eventListeners.values()) count += set.size;
    for (const set of this.feedListeners.values()) count += set.size;
    return count;
  }
}

const g = globalThis as typeof globalThis & { __latticeEventBus?: EventBus };

/** The process's bus (kept on globalThis, so every module copy in one process shares it). */
export function getEventBus(): EventBus {
  g.__latticeEventBus ??= new EventBus();
  return g.__latticeEventBus;
}
