/**
 * Server-Sent Events responses for the monitor and the chat (through lib/http/sse.ts): one run's events
 * (`GET /api/executions/:id/events`) and the user's run status feed (`GET /api/executions/feed`).
 *
 * Both send `id:` (a run event's seq; a feed event's change time in ms) so a client that reconnects with
 * Last-Event-ID resumes where it was, a comment every 15 s so proxies keep the connection open, and end
 * cleanly: when the run ends (events), or when the client goes away — its subscription is released at once.
 */
import "server-only";
import { getExecutionStatus, listExecutionStatusChanges } from "@/lib/db/queries/executions";
import { toSse } from "@/lib/contracts/events";
import { AppError } from "@/lib/errors";
import { sseResponse } from "@/lib/http/sse";
import { getEventBus, SubscriberOverflowError, type EventBus } from "./event-bus";
import { toFeedSse } from "@/lib/contracts/feed-events";
import { toRunStatusEvent } from "./records";

/** A feed cursor older than this replays from here (the list page holds the older history). */
const MAX_FEED_REPLAY_MS = 24 * 60 * 60 * 1000;

/** A subscriber dropped for falling behind reconnects with its Last-Event-ID and loses nothing. */
function logStreamFailure(error: unknown): undefined {
  if (!(error instanceof SubscriberOverflowError)) console.error("[tracking] event stream failed", error);
  return undefined;
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
    { ...(signal ? { signal } : {}), ...(keepAliveMs ? { keepAliveMs } : {}), onError: logStreamFailure },
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
    { ...(signal ? { signal } : {}), ...(keepAliveMs ? { keepAliveMs } : {}), onError: logStreamFailure },
  );
}
