/**
 * A run's events as an async iterator that survives dropped connections.
 *
 * The first connection is whatever started (or continues) the run: POST /api/chat, or
 * GET /api/executions/:id/events for a run started detached. When a connection drops before the run's last
 * event, the stream reconnects to GET /api/executions/:id/events with `Last-Event-ID` = the last sequence
 * number it delivered; the server sends only later events, and an event at or below that number (a replay)
 * is skipped here too — so each event is delivered exactly once, in order, gap-free.
 */
import { errorFromBody, errorFromResponse, LatticeError } from "./errors.js";
import { backoffDelay, sleep } from "./http.js";
import { readSse } from "./sse.js";
import {
  type ChatMessageEvent,
  type ExecutionEvent,
  type ExecutionResult,
  isTerminalEvent,
  type TerminalEvent,
} from "./types.js";

export interface ReconnectInfo {
  /** Tries since events last flowed (1, 2, …). */
  attempt: number;
  executionId: string;
  /** Sent as Last-Event-ID: the last event delivered. */
  lastSeq: number;
  /** Why: the error reading or opening the connection, if any. */
  cause?: unknown;
}

export interface StreamOptions {
  /** Ends the stream (and every wait) at once; iterating then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Tries after a drop before giving up (default 8; each waits longer, up to 5 s). */
  maxReconnects?: number;
  /** Called before each reconnect. */
  onReconnect?: (info: ReconnectInfo) => void;
}

/** Opens one connection of the stream; `afterSeq` is the Last-Event-ID to send (0 on a first connection). */
export type OpenConnection = (options: {
  executionId?: string;
  afterSeq: number;
  signal: AbortSignal;
}) => Promise<Response>;

const CHAT_MESSAGE_EVENT = "message";

/** 4xx answers other than 408/429 will not change by trying again. */
function isFinal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isEvent(value: unknown): value is ExecutionEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.seq === "number" &&
    typeof event.type === "string" &&
    typeof event.executionId === "string" &&
    typeof event.data === "object"
  );
}

export class RunStream implements AsyncIterable<ExecutionEvent> {
  #executionId: string | undefined;
  #lastSeq: number;
  #terminal: TerminalEvent | undefined;
  #savedMessage: ChatMessageEvent | undefined;
  #started = false;
  #reconnects = 0;
  readonly #first: OpenConnection;
  readonly #reconnect: OpenConnection;
  readonly #options: StreamOptions;

  /**
   * @param first opens the first connection.
   * @param reconnect opens a connection after a drop (GET …/events with Last-Event-ID).
   */
  constructor(
    first: OpenConnection,
    reconnect: OpenConnection,
    options: StreamOptions & { executionId?: string; afterSeq?: number } = {},
  ) {
    this.#first = first;
    this.#reconnect = reconnect;
    this.#options = options;
    this.#executionId = options.executionId;
    this.#lastSeq = options.afterSeq ?? 0;
  }

  /** The run's id: known from the start for a run started detached, else from its first event. */
  get executionId(): string | undefined {
    return this.#executionId;
  }

  /** The sequence number of the last event delivered. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** How many times the stream reconnected after a drop. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The run's last event, once it has been delivered. */
  get terminal(): TerminalEvent | undefined {
    return this.#terminal;
  }

  /**
   * A chat's saved assistant message (POST /api/chat sends it after the run's last event). Undefined for
   * other runs, and for a chat whose first connection dropped before it (the result's `messageId` names it).
   */
  get savedMessage(): ChatMessageEvent | undefined {
    return this.#savedMessage;
  }

  /** Reads the rest of the stream (if it was not iterated to its end) and returns the run's result. */
  async finalResult(): Promise<ExecutionResult> {
    if (!this.#terminal) {
      if (this.#started)
        throw new LatticeError("bad_request:stream", "The stream was left before its last event.", { status: 0 });
      for await (const _event of this) {
        // drained: the terminal event is kept by the iterator
      }
    }
    return this.#terminal!.data;
  }

  [Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
    if (this.#started) throw new TypeError("A RunStream can be iterated once.");
    this.#started = true;
    return this.#events();
  }

  async *#events(): AsyncGenerator<ExecutionEvent> {
    const outer = this.#options.signal;
    const maxReconnects = this.#options.maxReconnects ?? 8;
    // One controller per stream: aborting it ends the connection when the caller stops early.
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) throw outer.reason;
    outer?.addEventListener("abort", onAbort, { once: true });
    const signal = controller.signal;
    let open = this.#first;
    let attempt = 0;
    let resumed = false;
    let streamError: LatticeError | undefined;
    try {
      for (;;) {
        let response: Response | undefined;
        let cause: unknown;
        try {
          response = await open({
            ...(this.#executionId ? { executionId: this.#executionId } : {}),
            afterSeq: this.#lastSeq,
            signal,
          });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          // Before any run is known there is nothing to reconnect to.
          if (!this.#executionId || (error instanceof LatticeError && isFinal(error.status))) throw error;
          cause = error;
        }
        if (response && !response.ok) {
          const error = await errorFromResponse(response);
          if (!this.#executionId || isFinal(response.status)) throw error;
          cause = error;
          response = undefined;
        }
        let received = 0;
        let dropped = true;
        if (response?.body) {
          try {
            for await (const message of readSse(response.body)) {
              // Aborted: nothing more is delivered, not even what had already arrived.
              if (signal.aborted) throw signal.reason;
              if (message.event === CHAT_MESSAGE_EVENT) {
                this.#savedMessage = parseJson(message.data) as ChatMessageEvent;
                continue;
              }
              if (message.event === "error") {
                streamError = errorFromBody(500, parseJson(message.data));
                continue;
              }
              const event = parseJson(message.data);
              // An event type this SDK does not know (a newer server) is still delivered; other data is not an event.
              if (!isEvent(event)) continue;
              if (this.#executionId && event.executionId !== this.#executionId) continue;
              // Already delivered: a replay after a reconnect.
              if (event.seq <= this.#lastSeq) continue;
              this.#executionId ??= event.executionId;
              this.#lastSeq = event.seq;
              received += 1;
              if (isTerminalEvent(event)) this.#terminal = event;
              yield event;
            }
            dropped = false;
          } catch (error) {
            if (signal.aborted) throw signal.reason;
            cause = error;
          }
        }
        if (this.#terminal) return;
        if (!this.#executionId) {
          throw (
            streamError ??
            new LatticeError("unavailable:network", "The stream ended before the run started.", { status: 0, cause })
          );
        }
        // A resumed stream that ended cleanly with nothing new: the server holds no more of this run.
        if (resumed && !dropped && received === 0) {
          throw new LatticeError(
            "unavailable:stream",
            "The run's stream ended without its last event (the server that ran it stopped); get the run for its status.",
            { status: 0 },
          );
        }
        if (received > 0) attempt = 0;
        attempt += 1;
        if (attempt > maxReconnects) {
          throw (
            streamError ??
            new LatticeError("unavailable:network", "The connection to the run was lost.", { status: 0, cause })
          );
        }
        this.#options.onReconnect?.({
          attempt,
          executionId: this.#executionId,
          lastSeq: this.#lastSeq,
          cause: cause ?? streamError,
        });
        this.#reconnects += 1;
        await sleep(Math.min(5_000, backoffDelay(attempt, { baseDelayMs: 250, maxDelayMs: 5_000 })), signal);
        open = this.#reconnect;
        resumed = true;
      }
    } finally {
      outer?.removeEventListener("abort", onAbort);
      // Leaving early (break, an error) closes the connection.
      if (!this.#terminal) controller.abort();
    }
  }
}
