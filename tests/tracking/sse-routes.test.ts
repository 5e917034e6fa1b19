/**
 * The SSE endpoints as a browser sees them: `id:` = seq and `event:` = type, Last-Event-ID honoured,
 * keep-alive comments, the stream closing when the run ends or when the client goes away (no listener
 * left), owner-scoped, and the dashboard feed of status changes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { GET as eventsGet } from "@/app/api/executions/[id]/events/route";
import { GET as feedGet } from "@/app/api/executions/feed/route";
import { execute } from "@/lib/engine/execute";
import { executionEventSchema, type ExecutionEvent } from "@/lib/contracts/events";
import { getEventBus } from "@/lib/tracking/event-bus";
import { runStatusEventSchema } from "@/lib/contracts/feed-events";
import { executionEventsResponse } from "@/lib/tracking/sse";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { apiRequest, read, routeContext, signUp } from "../api/helpers";
import { echoGraph } from "../engine/helpers";
import { storedEvents, waitFor } from "./helpers";
import { eventFrames, readSse } from "./sse-client";

const slowGraph = () => echoGraph({ provider: "local", model: "slow", maxTokens: 60 });
const pending: Array<Promise<unknown>> = [];
afterAll(async () => {
  await Promise.allSettled(pending);
});

function eventsRequest(
  id: string,
  {
    cookie,
    lastEventId,
    query,
    signal,
  }: { cookie?: string; lastEventId?: string; query?: string; signal?: AbortSignal } = {},
) {
  const request = apiRequest(`/api/executions/${id}/events${query ?? ""}`, {
    ...(cookie ? { cookie } : {}),
    headers: { accept: "text/event-stream", ...(lastEventId !== undefined ? { "last-event-id": lastEventId } : {}) },
  });
  return signal ? new Request(request, { signal }) : request;
}

async function finishedRun(userId: string, message = "stream this") {
  const result = await execute(
    { type: "CUSTOM", definition: echoGraph(), input: { message } },
    { userId, tracker: getWorkflowTracker() },
  );
  return { result, events: await storedEvents(result.executionId, userId) };
}

async function startSlowRun(userId: string) {
  const stream = await execute(
    { type: "CUSTOM", definition: slowGraph(), input: { message: "slowly" } },
    { userId, tracker: getWorkflowTracker(), stream: true },
  );
  const iterator = stream[Symbol.asyncIterator]();
  const first = (await iterator.next()).value as ExecutionEvent;
  const all = (async () => {
    const events = [first];
    for (;;) {
      const next = await iterator.next();
      if (next.done) return events;
      events.push(next.value);
    }
  })();
  pending.push(all);
  return { executionId: first.executionId, all };
}

describe("GET /api/executions/:id/events", () => {
  it("answers 401 without credentials, 404 for another user's run or a bad id, 400 for a bad Last-Event-ID", async () => {
    const owner = await signUp();
    const other = await signUp();
    const { result } = await finishedRun(owner.user.id);
    expect(
      (await read(await eventsGet(eventsRequest(result.executionId), routeContext({ id: result.executionId })))).status,
    ).toBe(401);
    for (const id of [result.executionId, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "not-an-id"]) {
      const response = await read(await eventsGet(eventsRequest(id, { cookie: other.cookie }), routeContext({ id })));
      expect(response.status).toBe(404);
      expect(response.json.error.code).toBe("not_found:execution");
    }
    const bad = await read(
      await eventsGet(
        eventsRequest(result.executionId, { cookie: owner.cookie, lastEventId: "abc" }),
        routeContext({ id: result.executionId }),
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("bad_request:last_event_id");
  });

  it("streams a finished run's events (id = seq, event = type) and closes", async () => {
    const { user, cookie } = await signUp();
    const { result, events } = await finishedRun(user.id);
    const response = await eventsGet(
      eventsRequest(result.executionId, { cookie }),
      routeContext({ id: result.executionId }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toContain("no-cache");
    const { frames, ended } = await readSse(response);
    expect(ended).toBe(true);
    expect(frames[0]?.retry).toBeGreaterThan(0);
    const received = eventFrames(frames);
    expect(received.map((f) => [Number(f.id), f.event])).toEqual(events.map((e) => [e.seq, e.type]));
    for (const frame of received) expect(executionEventSchema.parse(frame.data).seq).toBe(Number(frame.id));
    expect(received.at(-1)?.event).toBe("run_completed");
  });

  it("honours Last-Event-ID (header or query): only later events, and an empty stream past the end", async () => {
    const { user, cookie } = await signUp();
    const { result, events } = await finishedRun(user.id);
    const cut = events[Math.floor(events.length / 2)]!.seq;
    const byHeader = eventFrames(
      (
        await readSse(
          await eventsGet(
            eventsRequest(result.executionId, { cookie, lastEventId: String(cut) }),
            routeContext({ id: result.executionId }),
          ),
        )
      ).frames,
    );
    expect(byHeader.map((f) => Number(f.id))).toEqual(events.filter((e) => e.seq > cut).map((e) => e.seq));
    const byQuery = eventFrames(
      (
        await readSse(
          await eventsGet(
            eventsRequest(result.executionId, { cookie, query: `?lastEventId=${cut}` }),
            routeContext({ id: result.executionId }),
          ),
        )
      ).frames,
    );
    expect(byQuery.map((f) => f.id)).toEqual(byHeader.map((f) => f.id));
    const past = await readSse(
      await eventsGet(
        eventsRequest(result.executionId, { cookie, lastEventId: String(events.at(-1)!.seq) }),
        routeContext({ id: result.executionId }),
      ),
    );
    expect(past.ended).toBe(true);
    expect(eventFrames(past.frames)).toEqual([]);
  });

  it("follows a live run to its end; a client that reconnects with Last-Event-ID misses nothing and sees nothing twice", async () => {
    const { user, cookie } = await signUp();
    const run = await startSlowRun(user.id);
    const controller = new AbortController();
    const first = await readSse(
      await eventsGet(
        eventsRequest(run.executionId, { cookie, signal: controller.signal }),
        routeContext({ id: run.executionId }),
      ),
      {
        until: (frames) => eventFrames(frames).length >= 10,
      },
    );
    controller.abort();
    await first.cancel();
    const seen = eventFrames(first.frames).slice(0, 10);
    const second = await readSse(
      await eventsGet(
        eventsRequest(run.executionId, { cookie, lastEventId: seen.at(-1)!.id! }),
        routeContext({ id: run.executionId }),
      ),
    );
    expect(second.ended).toBe(true);
    const all = await run.all;
    const ids = [...seen, ...eventFrames(second.frames)].map((f) => Number(f.id));
    expect(ids).toEqual(all.map((e) => e.seq));
  });

  it("sends keep-alive comments while quiet, and releases its subscription when the client goes away", async () => {
    const { user } = await signUp();
    const bus = getEventBus();
    const before = bus.listenerCount();
    const run = await startSlowRun(user.id);
    const clients = Array.from({ length: 10 }, () => new AbortController());
    const streams = await Promise.all(
      clients.map(async (c) =>
        executionEventsResponse({ executionId: run.executionId, ownerId: user.id, signal: c.signal, keepAliveMs: 5 }),
      ),
    );
    const reads = await Promise.all(
      streams.map((s) =>
        readSse(s, {
          until: (frames) => frames.some((f) => f.comment === "keep-alive") && eventFrames(frames).length > 3,
        }),
      ),
    );
    expect(bus.listenerCount()).toBe(before + 10);
    for (const c of clients) c.abort();
    await waitFor(() => bus.listenerCount() === before);
    await Promise.all(reads.map((r) => r.cancel()));
    await run.all;
    expect(bus.listenerCount()).toBe(before);
  });
});

describe("GET /api/executions/feed", () => {
  it("needs credentials", async () => {
    const response = await read(await feedGet(apiRequest("/api/executions/feed"), routeContext()));
    expect(response.status).toBe(401);
  });

  it("streams the caller's run status changes (not other users'), and replays them from Last-Event-ID", async () => {
    const { user, cookie } = await signUp();
    const other = await signUp();
    const bus = getEventBus();
    const before = bus.listenerCount();
    const since = Date.now() - 1;
    const controller = new AbortController();
    const response = await feedGet(
      new Request(apiRequest("/api/executions/feed", { cookie }), { signal: controller.signal }),
      routeContext(),
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reading = readSse(response, {
      until: (frames) => eventFrames(frames).some((f) => (f.data as { status: string }).status === "completed"),
    });
    await waitFor(() => bus.listenerCount() === before + 1);
    await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "someone else" } },
      { userId: other.user.id, tracker: getWorkflowTracker() },
    );
    const mine = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "mine" } },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    const { frames } = await reading;
    controller.abort();
    await waitFor(() => bus.listenerCount() === before);
    const statuses = eventFrames(frames).map((f) => ({
      event: f.event,
      id: f.id,
      status: runStatusEventSchema.parse(f.data),
    }));
    expect(statuses.map((s) => [s.event, s.status.executionId, s.status.status])).toEqual([
      ["run_status", mine.executionId, "running"],
      ["run_status", mine.executionId, "completed"],
    ]);
    expect(statuses[1]!.status).toMatchObject({ workflowType: "CUSTOM", tokens: mine.usage.totalTokens, error: null });
    expect(Number(statuses[1]!.id)).toBe(new Date(statuses[1]!.status.at).getTime());

    // Reconnecting with a cursor from before the run: its current state first.
    const replayed = await readSse(
      await feedGet(
        apiRequest("/api/executions/feed", { cookie, headers: { "last-event-id": String(since) } }),
        routeContext(),
      ),
      {
        until: (f) => eventFrames(f).length >= 1,
      },
    );
    await replayed.cancel();
    const first = runStatusEventSchema.parse(eventFrames(replayed.frames)[0]!.data);
    expect(first).toMatchObject({ executionId: mine.executionId, status: "completed" });
    await waitFor(() => bus.listenerCount() === before);
  });
});
