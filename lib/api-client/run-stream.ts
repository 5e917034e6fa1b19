/**
 * Follows one run's Server-Sent Events to its end, across dropped connections.
 *
 * A run is started (or resumed) by a POST whose response is its event stream (EventSource cannot POST, so
 * the stream is read with fetch). When that connection drops before the run's last event, the client
 * reconnects to `GET /api/executions/:id/events` with `Last-Event-ID` = the last sequence number it holds:
 * the server sends only later events, and any event at or below that number (a replayed one) is skipped
 * here too, so nothing is lost and nothing is shown twice. Client-safe.
 */
import { errorBodySchema } from "@/lib/contracts/common";
import { CHAT_MESSAGE_EVENT, chatMessageEventSchema, type ChatMessageEvent } from "@/lib/contracts/conversations";
import { executionEventSchema, isTerminalEvent, type ExecutionEvent } from "@/lib/contracts/events";
import { AppError, type ErrorCode } from "@/lib/errors";
import { errorFrom } from "./fetch-json";
import { createSseParser } from "./sse-parser";

export interface RunStreamHandlers {
  /** New events in sequence order, a batch per network chunk (a burst of tokens costs one render). */
  onEvents: (events: ExecutionEvent[]) => void;
  /** POST /api/chat closes with the assistant message as saved. */
  onSavedMessage?: (event: ChatMessageEvent) => void;
  /** The connection dropped; `attempt` counts the tries to get it back. */
  onReconnecting?: (attempt: number) => void;
  /** Events flow again after a drop. */
  onReconnected?: () => void;
}

export type RunStreamOutcome =
  /** The run's last event arrived. */
  | { kind: "ended"; terminal: ExecutionEvent }
  /** The caller aborted (left the page, or replaced the stream). */
  | { kind: "aborted" }
  /** The server says the run is over but sent no last event (it died with its process). */
  | { kind: "incomplete"; executionId: string }
  /** The request failed before any run started, or the connection could not be recovered. */
  | { kind: "error"; error: AppError };

export interface FollowRunOptions extends RunStreamHandlers {
  /** Opens the first connection (POST /api/chat, POST …/resume, or GET …/events). */
  open: (signal: AbortSignal) => Promise<Response>;
  signal: AbortSignal;
  /** Known when attaching to a run already under way; otherwise learnt from its first event. */
  executionId?: string;
  /** Events up to this sequence number are already held. */
  afterSeq?: number;
  /** Tries after a drop before giving up (each waits longer, up to 5 s). */
  maxReconnects?: number;
  /** Injected by tests: the delay before reconnect `attempt`. */
  backoffMs?: (attempt: number) => number;
  fetchImpl?: typeof fetch;
}

const DEFAULT_MAX_RECONNECTS = 8;
const defaultBackoff = (attempt: number) => Math.min(5_000, 250 * 2 ** (attempt - 1));

/** The URL a dropped run is resumed from. */
export function runEventsUrl(executionId: string): string {
  return `/api/executions/${executionId}/events`;
}

/** Opens the event stream of a run under way (or over: it then replays the stored events and ends). */
export function openRunEvents(executionId: string, afterSeq: number, fetchImpl: typeof fetch = fetch) {
  return (signal: AbortSignal) =>
    fetchImpl(runEventsUrl(executionId), {
      signal,
      credentials: "same-origin",
      headers: { accept: "text/event-stream", "last-event-id": String(afterSeq) },
    });
}

/** Opens a POST whose answer is a run's event stream. */
export function postForEvents(url: string, body: unknown, fetchImpl: typeof fetch = fetch) {
  return (signal: AbortSignal) =>
    fetchImpl(url, {
      method: "POST",
      signal,
      credentials: "same-origin",
      headers: { accept: "text/event-stream", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
}

/** 4xx answers other than 408/429 will not change by trying again. */
function isFinal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Reads one connection; the state it updates survives into the next connection. */
async function readConnection(
  response: Response,
  state: { executionId?: string; lastSeq: number; terminal?: ExecutionEvent; streamError?: AppError },
  handlers: RunStreamHandlers,
  signal: AbortSignal,
): Promise<{ received: number; dropped: boolean }> {
  let received = 0;
  let batch: ExecutionEvent[] = [];
  const parser = createSseParser((message) => {
    if (message.event === CHAT_MESSAGE_EVENT) {
      const saved = chatMessageEventSchema.safeParse(safeJson(message.data));
      if (saved.success) handlers.onSavedMessage?.(saved.data);
      return;
    }
    if (message.event === "error") {
      const body = errorBodySchema.safeParse(safeJson(message.data));
      state.streamError = body.success
        ? new AppError(body.data.error.code as ErrorCode, body.data.error.message)
        : new AppError("internal:stream", "The run’s stream failed.");
      return;
    }
    const parsed = executionEventSchema.safeParse(safeJson(message.data));
    // An event type this page does not know (a newer server) is skipped, not fatal.
    if (!parsed.success) return;
    const event = parsed.data;
    if (state.executionId && event.executionId !== state.executionId) return;
    // Already held: a replay after a reconnect. Showing it again would duplicate text.
    if (event.seq <= state.lastSeq) return;
    state.executionId ??= event.executionId;
    state.lastSeq = event.seq;
    received += 1;
    batch.push(event);
    if (isTerminalEvent(event)) state.terminal = event;
  });
  const body = response.body;
  if (!body) return { received, dropped: true };
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let dropped = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
      if (batch.length > 0) {
        const delivered = batch;
        batch = [];
        handlers.onEvents(delivered);
      }
    }
  } catch {
    dropped = !signal.aborted;
  } finally {
    parser.end();
    if (batch.length > 0) handlers.onEvents(batch);
    reader.releaseLock();
  }
  return { received, dropped };
}

/**
 * Follows the run that `open` starts (or continues) until its last event, reconnecting with Last-Event-ID
 * after a drop. Never throws: the outcome says how it ended.
 */
export async function followRun(options: FollowRunOptions): Promise<RunStreamOutcome> {
  const {
    signal,
    open,
    maxReconnects = DEFAULT_MAX_RECONNECTS,
    backoffMs = defaultBackoff,
    fetchImpl = fetch,
  } = options;
  const state: { executionId?: string; lastSeq: number; terminal?: ExecutionEvent; streamError?: AppError } = {
    ...(options.executionId ? { executionId: options.executionId } : {}),
    lastSeq: options.afterSeq ?? 0,
  };
  let attempt = 0;
  let connect: (signal: AbortSignal) => Promise<Response> = open;
  let resumed = false;

  for (;;) {
    if (signal.aborted) return { kind: "aborted" };
    let response: Response | undefined;
    try {
      response = await connect(signal);
    } catch {
      if (signal.aborted) return { kind: "aborted" };
    }
    if (response && !response.ok) {
      const error = await errorFrom(response);
      // Nothing started (a bad message, a limit): there is no run to reconnect to.
      if (!state.executionId || isFinal(response.status)) return { kind: "error", error };
    }
    let outcome: { received: number; dropped: boolean } = { received: 0, dropped: true };
    if (response?.ok) {
      if (resumed && attempt > 0) options.onReconnected?.();
      outcome = await readConnection(response, state, options, signal);
    }
    if (signal.aborted) return { kind: "aborted" };
    if (state.terminal) return { kind: "ended", terminal: state.terminal };
    if (!state.executionId) {
      return {
        kind: "error",
        error:
          state.streamError ??
          new AppError("unavailable:network", "Could not reach the server. Check your connection and try again."),
      };
    }
    // A resumed stream that ended cleanly with nothing new: the server holds no more of this run.
    if (resumed && response?.ok && !outcome.dropped && outcome.received === 0) {
      return { kind: "incomplete", executionId: state.executionId };
    }
    if (outcome.received > 0) attempt = 0;
    attempt += 1;
    if (attempt > maxReconnects) {
      return { kind: "error", error: new AppError("unavailable:network", "The connection to the run was lost.") };
    }
    options.onReconnecting?.(attempt);
    await sleep(backoffMs(attempt), signal);
    connect = openRunEvents(state.executionId, state.lastSeq, fetchImpl);
    resumed = true;
  }
}
