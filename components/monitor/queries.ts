/**
 * The execution monitor's React Query hooks and live streams: the filtered run list, the feed of every run's
 * status, and one run's events. Every response is parsed with the API's own zod schemas.
 *
 * Streams use EventSource: both are GETs, and EventSource reconnects by itself, sending the last `id:` it
 * saw as Last-Event-ID, so a dropped connection resumes where it stopped and loses nothing.
 */
import { type InfiniteData, useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { fetchJson } from "@/lib/api-client/fetch-json";
import { EXECUTION_EVENT_TYPES, type ExecutionEvent, executionEventSchema } from "@/lib/contracts/events";
import { executionListResponseSchema, type ExecutionSummary } from "@/lib/contracts/executions";
import { FEED_EVENT_TYPE, type RunStatusEvent, runStatusEventSchema } from "@/lib/contracts/feed-events";
import { type ExecutionFilters, executionsApiUrl, filtersToSearch } from "./filters";

export interface ExecutionPage {
  executions: ExecutionSummary[];
  nextCursor: string | null;
}

export const monitorKeys = {
  all: ["executions"] as const,
  list: (filters: ExecutionFilters) => ["executions", "list", filtersToSearch(filters)] as const,
};

/** The filtered list, page by page (cursor pagination); the first page may come from the server render. */
export function useExecutionPages(filters: ExecutionFilters, initialPage?: ExecutionPage) {
  return useInfiniteQuery({
    queryKey: monitorKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      fetchJson(executionsApiUrl(filters, pageParam), { schema: executionListResponseSchema, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    ...(initialPage
      ? {
          initialData: { pages: [initialPage], pageParams: [null] } satisfies InfiniteData<
            ExecutionPage,
            string | null
          >,
        }
      : {}),
    // The live feed keeps the list current; refetching on focus would only reorder what the user looks at.
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
}

export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

/**
 * The feed of the user's run status changes (GET /api/executions/feed). `since` (epoch ms, e.g. when the
 * page's data was read) replays the changes after it first, so nothing falls between render and connect.
 */
export function useRunFeed(
  onEvent: (event: RunStatusEvent) => void,
  { since, enabled = true }: { since?: number; enabled?: boolean } = {},
): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `since` only matters for the first connection (later reconnects carry their own Last-Event-ID); a new `since` must not reconnect
  useEffect(() => {
    if (!enabled) return;
    const url = since ? `/api/executions/feed?lastEventId=${since}` : "/api/executions/feed";
    const source = new EventSource(url);
    source.onopen = () => setState("live");
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    source.addEventListener(FEED_EVENT_TYPE, (message) => {
      const parsed = runStatusEventSchema.safeParse(safeJson((message as MessageEvent<string>).data));
      if (parsed.success) handler.current(parsed.data);
    });
    return () => source.close();
  }, [enabled]);
  return state;
}

/**
 * One run's events (GET /api/executions/:id/events) after `afterSeq`: stored ones, then live ones. The
 * stream is closed after the run's last event; `generation` re-opens it (after answering a paused run, the
 * same execution continues). Events are handed over one by one, as they arrive.
 */
export function useExecutionEvents({
  executionId,
  afterSeq,
  generation = 0,
  enabled = true,
  onEvent,
  shouldReconnect = () => true,
}: {
  executionId: string;
  afterSeq: () => number;
  generation?: number;
  enabled?: boolean;
  onEvent: (event: ExecutionEvent) => void;
  /** Asked when the stream drops: false stops (a finished run whose events are gone ends its stream at once). */
  shouldReconnect?: () => boolean;
}): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handler = useRef(onEvent);
  const after = useRef(afterSeq);
  const reconnect = useRef(shouldReconnect);
  useEffect(() => {
    handler.current = onEvent;
    after.current = afterSeq;
    reconnect.current = shouldReconnect;
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is not read; a new one re-opens the stream (the paused run continues)
  useEffect(() => {
    if (!enabled) {
      setState("closed");
      return;
    }
    setState("connecting");
    const from = after.current();
    const source = new EventSource(`/api/executions/${executionId}/events${from > 0 ? `?lastEventId=${from}` : ""}`);
    let ended = false;
    const onMessage = (message: MessageEvent<string>) => {
      const parsed = executionEventSchema.safeParse(safeJson(message.data));
      if (!parsed.success) return;
      handler.current(parsed.data);
      if (
        parsed.data.type === "run_completed" ||
        parsed.data.type === "run_failed" ||
        parsed.data.type === "run_cancelled"
      ) {
        // The server ends the stream after a run's last event; do not let EventSource reconnect to it.
        ended = true;
        source.close();
        setState("closed");
      }
    };
    for (const type of EXECUTION_EVENT_TYPES) source.addEventListener(type, onMessage as EventListener);
    source.onopen = () => setState("live");
    source.onerror = () => {
      if (ended) return;
      if (!reconnect.current()) {
        ended = true;
        source.close();
        setState("closed");
        return;
      }
      setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    };
    return () => {
      ended = true;
      source.close();
    };
  }, [executionId, generation, enabled]);
  return state;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
