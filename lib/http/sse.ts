/**
 * Server-Sent Events responses: the one helper every streaming route answers with. A stream starts with
 * `retry:` (how long a reconnecting EventSource waits), sends a comment every 15 s so proxies keep a quiet
 * connection open, and ends when its producer ends or the client goes away (the producer's signal aborts at
 * once; a run's event iterator is closed, which the engine takes as "stop the run" unless the route detached
 * it). `runEventsResponse` streams a run's events in the contract's form (`toSse`), with an `error` event
 * when the stream breaks and an optional closing event (chat's saved message).
 */
import "server-only";
import { type ExecutionEvent, toSse } from "@/lib/contracts/events";
import { AppError, isAppError } from "@/lib/errors";

export const KEEP_ALIVE_MS = 15_000;
/** How long a reconnecting browser waits before trying again. */
const RETRY_MS = 2_000;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx and similar proxies would otherwise buffer the stream.
  "x-accel-buffering": "no",
};

export interface SseOptions {
  /** The client's request signal: its abort (the client went away) ends the stream. */
  signal?: AbortSignal;
  keepAliveMs?: number;
  /** The frame to send when the producer throws (the error is the producer's; nothing is sent without it). */
  onError?: (error: unknown) => string | undefined;
}

/**
 * A streaming Response fed by `produce`, which gets a signal that aborts when the client goes away (or the
 * stream is cancelled). Keep-alive comments go out while it is quiet; the stream closes when `produce` ends.
 */
export function sseResponse(
  produce: (signal: AbortSignal) => AsyncIterable<string>,
  { signal, keepAliveMs = KEEP_ALIVE_MS, onError }: SseOptions = {},
): Response {
  const done = new AbortController();
  const encoder = new TextEncoder();
  const onClientGone = () => done.abort();
  let keepAlive: NodeJS.Timeout | undefined;
  const stop = () => {
    if (keepAlive) clearInterval(keepAlive);
    keepAlive = undefined;
    signal?.removeEventListener("abort", onClientGone);
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (signal?.aborted) done.abort();
      else signal?.addEventListener("abort", onClientGone, { once: true });
      const send = (text: string) => {
        if (done.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          done.abort();
        }
      };
      send(`retry: ${RETRY_MS}\n\n`);
      keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);
      void (async () => {
        try {
          for await (const chunk of produce(done.signal)) {
            if (done.signal.aborted) break;
            send(chunk);
          }
        } catch (error) {
          const frame = onError?.(error);
          if (frame) send(frame);
        } finally {
          stop();
          done.abort();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the client.
          }
        }
      })();
    },
    cancel() {
      stop();
      done.abort();
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/** True when the client asked for a stream (`Accept: text/event-stream`). */
export function wantsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** A non-contract event (no `id:`, so a reconnecting client's Last-Event-ID stays the last run event's). */
export function namedSse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `error` event a broken stream ends with: an AppError as its body, anything else as a generic one. */
export function errorSse(error: unknown): string {
  if (isAppError(error)) return namedSse("error", error.toJSON());
  console.error("[api] stream failed", error);
  return namedSse("error", new AppError("internal:stream", "The stream failed.").toJSON());
}

/**
 * A run's events as SSE. The client going away closes the events' iterator at once (the engine stops the
 * run, unless the route detached it: see lib/services/detached-events.ts); `after` may add a closing event
 * once the last run event has gone out.
 */
export function runEventsResponse(
  events: AsyncIterable<ExecutionEvent>,
  { after }: { after?: (last: ExecutionEvent | undefined) => Promise<string | undefined> } = {},
): Response {
  return sseResponse(
    async function* (signal) {
      const iterator = events[Symbol.asyncIterator]();
      const onClientGone = () => void iterator.return?.();
      signal.addEventListener("abort", onClientGone, { once: true });
      let last: ExecutionEvent | undefined;
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done || signal.aborted) break;
          last = next.value;
          yield toSse(next.value);
        }
        const closing = after && !signal.aborted ? await after(last) : undefined;
        if (closing) yield closing;
      } finally {
        signal.removeEventListener("abort", onClientGone);
      }
    },
    { onError: errorSse },
  );
}

/**
 * The position a client resumes from: the Last-Event-ID header (sent by EventSource on reconnect) or the
 * `lastEventId` query parameter (a first connection cannot set headers). 400 when it is not a number.
 */
export function lastEventIdOf(request: Request): number | undefined {
  const header = request.headers.get("last-event-id");
  const query = new URL(request.url).searchParams.get("lastEventId");
  const raw = (header ?? query)?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new AppError(
      "bad_request:last_event_id",
      "Last-Event-ID must be the id of an event this stream sent (a whole number).",
    );
  }
  return Number(raw);
}
