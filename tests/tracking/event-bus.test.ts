/**
 * The event bus: a subscriber — in this process, or on another instance through LISTEN/NOTIFY — gets every
 * event of a run once and in order, whether it subscribes before, during or after the run, and a
 * subscriber that disconnects and resumes from its last sequence number misses nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execute } from "@/lib/engine/execute";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { EventBus, getEventBus } from "@/lib/tracking/event-bus";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { echoGraph } from "../engine/helpers";
import { expectInOrderOnce, storedEvents, waitFor } from "./helpers";

// 20 ms between tokens, cut at 60 tokens: a run of about a second, long enough to join it midway.
const slowGraph = () => echoGraph({ provider: "local", model: "slow", maxTokens: 60 });
const remotes: EventBus[] = [];
function remoteBus(): EventBus {
  // Another instance: its own id, so it gets this process's runs only through NOTIFY.
  const bus = new EventBus({ instanceId: `remote-${remotes.length}-${Math.random().toString(36).slice(2)}` });
  remotes.push(bus);
  return bus;
}
afterAll(async () => {
  await Promise.all(remotes.map((b) => b.close()));
});

async function collectFrom(source: AsyncIterable<ExecutionEvent>): Promise<ExecutionEvent[]> {
  const out: ExecutionEvent[] = [];
  for await (const event of source) out.push(event);
  return out;
}

/** Starts a streamed run and reads its first `first` events; `rest()` reads the remainder. */
async function startStreamedRun(
  userId: string,
  message = "count for me",
  first = 8,
  variables?: Record<string, unknown>,
) {
  const stream = await execute(
    { type: "CUSTOM", definition: slowGraph(), input: { message, ...(variables ? { variables } : {}) } },
    { userId, tracker: getWorkflowTracker(), stream: true },
  );
  const iterator = stream[Symbol.asyncIterator]();
  const seen: ExecutionEvent[] = [];
  while (seen.length < first) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
  }
  return {
    executionId: seen[0]!.executionId,
    seen,
    async rest() {
      const more: ExecutionEvent[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) return [...seen, ...more];
        more.push(next.value);
      }
    },
  };
}

/** Events as JSON carries them: what every subscriber must see, identical to what the run emitted. */
const essence = (events: ExecutionEvent[]) => events.map((e) => JSON.parse(JSON.stringify(e)) as unknown);

describe("event bus: subscribers get every event once, in order", () => {
  it("in this process, joining mid-run", async () => {
    const user = await createTestUser();
    const run = await startStreamedRun(user.id);
    const subscribed = collectFrom(getEventBus().subscribe({ executionId: run.executionId, ownerId: user.id }));
    const all = await run.rest();
    const got = await subscribed;
    expectInOrderOnce(got);
    expect(essence(got)).toEqual(essence(all));
    expect(got.at(-1)?.type).toBe("run_completed");
  });

  it("on another instance (LISTEN/NOTIFY), joining before the run streams its tokens", async () => {
    const user = await createTestUser();
    const remote = remoteBus();
    await remote.start();
    const run = await startStreamedRun(user.id, "hello from afar", 2);
    const subscribed = collectFrom(remote.subscribe({ executionId: run.executionId, ownerId: user.id }));
    const all = await run.rest();
    const got = await subscribed;
    expectInOrderOnce(got);
    expect(essence(got)).toEqual(essence(all));
  });

  it("on another instance, for events too large to ride in a notification (read from the table)", async () => {
    const user = await createTestUser();
    const remote = remoteBus();
    await remote.start();
    // The result carries the run's variables: far more than NOTIFY's 8000 bytes.
    const run = await startStreamedRun(user.id, "big", 2, { blob: "lorem ipsum dolor sit amet ".repeat(800) });
    const subscribed = collectFrom(remote.subscribe({ executionId: run.executionId, ownerId: user.id }));
    const all = await run.rest();
    const got = await subscribed;
    expectInOrderOnce(got);
    expect(essence(got)).toEqual(essence(all));
    expect(JSON.stringify(got.at(-1)).length).toBeGreaterThan(8000);
    expect(remote.remoteStats.fromStore).toBeGreaterThan(0);
    expect(remote.remoteStats.inline).toBeGreaterThan(0);
  });

  it("after the run, from the table alone; and nothing for another user", async () => {
    const user = await createTestUser();
    const run = await startStreamedRun(user.id);
    const all = await run.rest();
    const got = await collectFrom(getEventBus().subscribe({ executionId: run.executionId, ownerId: user.id }));
    expect(essence(got)).toEqual(essence(all));
    const stranger = await createTestUser();
    const none = await collectFrom(
      getEventBus().subscribe({ executionId: run.executionId, ownerId: stranger.id, isOver: async () => true }),
    );
    expect(none).toEqual([]);
  });

  it("resumes from the last sequence number after a disconnect: nothing missed, nothing twice", async () => {
    const user = await createTestUser();
    const remote = remoteBus();
    const run = await startStreamedRun(user.id, "reconnect please", 2);
    const received: ExecutionEvent[] = [];
    // First connection: read a few events, then go away.
    const first = new AbortController();
    for await (const event of remote.subscribe({
      executionId: run.executionId,
      ownerId: user.id,
      signal: first.signal,
    })) {
      received.push(event);
      if (received.length === 12) first.abort();
    }
    expect(received).toHaveLength(12);
    // Meanwhile the run goes on; reconnect from the last id seen.
    await new Promise((r) => setTimeout(r, 150));
    for await (const event of remote.subscribe({
      executionId: run.executionId,
      ownerId: user.id,
      afterSeq: received.at(-1)!.seq,
    })) {
      received.push(event);
    }
    const all = await run.rest();
    expectInOrderOnce(received);
    expect(essence(received)).toEqual(essence(all));
  });

  it("leaves no listener behind when subscribers go away", async () => {
    const user = await createTestUser();
    const bus = getEventBus();
    const before = bus.listenerCount();
    const run = await startStreamedRun(user.id, "listeners", 2);
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const subs = controllers.map((c) =>
      collectFrom(bus.subscribe({ executionId: run.executionId, ownerId: user.id, signal: c.signal })),
    );
    await waitFor(() => bus.listenerCount() === before + 20);
    for (const c of controllers) c.abort();
    const partial = await Promise.all(subs);
    expect(bus.listenerCount()).toBe(before);
    for (const events of partial) expectInOrderOnce(events);
    await run.rest();
    expect(bus.listenerCount()).toBe(before);
    // The stored sequence is complete regardless of who listened.
    expectInOrderOnce(await storedEvents(run.executionId, user.id));
  });
});
