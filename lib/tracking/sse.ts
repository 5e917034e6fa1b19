/**
 * Server-Sent Events responses for the monitor and the chat: one run's events
 * (`GET /api/executions/:id/events`) and the user's run status feed (`GET /api/executions/feed`).
 *
 * Both send `id:` (a run event's seq; a feed event's change time in ms) so a client that reconnects with
 * Last-Event-ID resumes where it was, a comment every 15 s so proxies keep the connection open, and end
 * cleanly: when the run ends (events), or when the client goes away — its subscription is released at once.
 */
import "server-only";
import { getExecutionStatus, listExecutionStatusChanges } from "@/lib/db/queries/executions";
import { toSse } from "@/lib/engine/events";
import { AppError } from "@/lib/errors";
import { getEventBus, SubscriberOverflowError, type EventBus } from "./event-bus";
import { toFeedSse } from "./feed-events";
import { toRunStatusEvent } from "./records";

export const KEEP_ALIVE_MS = 15_000;
/** How long a reconnecting browser waits before trying again. */
const RETRY_MS = 2_000;
/** A feed cursor older than this replays from here (the list page holds the older history). */
const MAX_FEED_REPLAY_MS = 24 * 60 * 60 * 1000;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx and similar proxies would otherwise buffer the stream.
  "x-accel-buffering": "no",
};

export interface SseOptions {
  /** The client's request: its abort (the client went away) ends the stream. */
  signal?: AbortSignal;
  keepAliveMs?: number;
}

/**
 * A streaming Response fed by `produce`, which gets a signal that aborts when the client goes away (or the
 * stream is cancelled). Keep-alive comments go out while it is quiet; the stream closes when `produce`
 * ends.
 */
export function sseResponse(
  produce: (signal: AbortSignal) => AsyncIterable<string>,
  { signal, keepAliveMs = KEEP_ALIVE_MS }: SseOptions = {},
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
          // A subscriber dropped for falling behind reconnects with its Last-Event-ID and loses nothing.
          if (!(error instanceof SubscriberOverflowError)) console.error("[tracking] event stream failed", error);
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

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/**
 * The SSE response with every event of the owner's execution after `afterSeq`: stored ones, then live
 * ones, ending after the run's last event (or at once, if the run is over and nothing is left to send).
 */
export async function executionEventsResponse({
  executionId,
  ownerId,
  afterSeq = 0,
  signal,
  keepAliveMs,
  bus = getEventBus(),
}: {
  executionId: string;
  ownerId: string;
  afterSeq?: number;
  signal?: AbortSignal;
  keepAliveMs?: number;
  bus?: EventBus;
}): Promise<Response> {
  const row = ULID.test(executionId) ? await getExecutionStatus({ executionId, ownerId }) : null;
  if (!row) throw new AppError("not_found:execution", "No such execution.");
  const isOver = async () => {
    const now = await getExecutionStatus({ executionId, ownerId });
    return !now || (now.status !== "running" && now.status !== "pending");
  };
  return sseResponse(
    async function* (streamSignal) {
      for await (const event of bus.subscribe({ executionId, ownerId, afterSeq, signal: streamSignal, isOver }))
        yield toSse(event);
    },
    { ...(signal ? { signal } : {}), ...(keepAliveMs ? { keepAliveMs } : {}) },
  );
}

/**
 * The SSE response with the owner's run status changes: those at or after `since` (epoch ms; the client's
 * Last-Event-ID) first, then live ones, until the client goes away.
 */
export function runFeedResponse({
  ownerId,
  since,
  signal,
  keepAliveMs,
  bus = getEventBus(),
}: {
  ownerId: string;
  since?: number;
  signal?: AbortSignal;
  keepAliveMs?: number;
  bus?: EventBus;
}): Response {
  const replay =
    since === undefined
      ? undefined
      : async () => {
          const from = new Date(Math.max(since, Date.now() - MAX_FEED_REPLAY_MS));
          const rows = await listExecutionStatusChanges({ ownerId, since: from });
          return rows.map((row) => toRunStatusEvent(row, row.changedAt));
        };
  return sseResponse(
    async function* (streamSignal) {
      for await (const event of bus.subscribeFeed({ ownerId, signal: streamSignal, ...(replay ? { replay } : {}) }))
        yield toFeedSse(event);
    },
    { ...(signal ? { signal } : {}), ...(keepAliveMs ? { keepAliveMs } : {}) },
  );
}
