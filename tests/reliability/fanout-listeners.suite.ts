/**
 * Fan-out, in process: 100 subscribers to one run's events and 100 to the run status feed, through the SSE
 * route handlers on the suite's PostgreSQL database. Every run subscriber receives the whole run, in order,
 * once; and when they have all gone — the run's streams ending with the run, the feed's closed by their
 * clients — the event bus holds no listener more than before. (The benchmark checks the same over HTTP for
 * connections; listeners are only visible inside the process.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slowGraph, suiteServer } from "./lib/suite";

const { databaseUrl } = suiteServer();
// This file's process talks to the suite database directly (before any app module reads the environment).
process.env.DATABASE_URL = databaseUrl;
process.env.LATTICE_DEMO_ACCOUNT = "false";

const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 100);

type Modules = {
  execute: typeof import("@/lib/engine/execute").execute;
  getWorkflowTracker: typeof import("@/lib/tracking/workflow-tracker").getWorkflowTracker;
  issueApiKey: typeof import("@/lib/auth/api-keys").issueApiKey;
  eventsRoute: typeof import("@/app/api/executions/[id]/events/route");
  feedRoute: typeof import("@/app/api/executions/feed/route");
  createTestUser: typeof import("../helpers/db").createTestUser;
  closeDb: typeof import("@/lib/db/client").closeDb;
};
let m: Modules;

beforeAll(async () => {
  m = {
    execute: (await import("@/lib/engine/execute")).execute,
    getWorkflowTracker: (await import("@/lib/tracking/workflow-tracker")).getWorkflowTracker,
    issueApiKey: (await import("@/lib/auth/api-keys")).issueApiKey,
    eventsRoute: await import("@/app/api/executions/[id]/events/route"),
    feedRoute: await import("@/app/api/executions/feed/route"),
    createTestUser: (await import("../helpers/db")).createTestUser,
    closeDb: (await import("@/lib/db/client")).closeDb,
  };
});

afterAll(async () => {
  await m?.closeDb();
});

/** Reads an SSE response body to its end; returns the `id:` values of its events, in order. */
async function readIds(response: Response): Promise<number[]> {
  const text = await response.text();
  return [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
}

describe("fan-out: 100 + 100 subscribers in process", () => {
  it("delivers the whole run to every subscriber and leaves no listener behind", async () => {
    const tracker = m.getWorkflowTracker();
    await tracker.bus.start();
    const user = await m.createTestUser();
    const { secret } = await m.issueApiKey({ ownerId: user.id, name: "fan-out" });
    const headers = { authorization: `Bearer ${secret}`, accept: "text/event-stream" };
    const before = tracker.bus.listenerCount();

    const feedAbort = new AbortController();
    // Held until the end: undici's request.signal stops following the caller's signal once its Request is collected.
    const requests: Request[] = [];
    const feeds = Array.from({ length: SUBSCRIBERS }, async () => {
      const request = new Request("http://suite.local/api/executions/feed", { headers, signal: feedAbort.signal });
      requests.push(request);
      const response = await m.feedRoute.GET(request, { params: Promise.resolve({}) });
      expect(response.status).toBe(200);
      return response.text().catch(() => "");
    });

    const events = await m.execute(
      { type: "CUSTOM", definition: slowGraph(10), input: { message: "fan-out" } },
      { userId: user.id, tracker, stream: true },
    );
    const iterator = events[Symbol.asyncIterator]();
    const first = await iterator.next();
    const executionId = first.value!.executionId;
    const runSubscribers = Array.from({ length: SUBSCRIBERS }, async () => {
      const response = await m.eventsRoute.GET(
        new Request(`http://suite.local/api/executions/${executionId}/events`, { headers }),
        {
          params: Promise.resolve({ id: executionId }),
        },
      );
      expect(response.status).toBe(200);
      return readIds(response);
    });
    let last = first.value!.seq;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) last = next.value.seq;

    const received = await Promise.all(runSubscribers);
    for (const ids of received) expect(ids).toEqual(Array.from({ length: last }, (_, i) => i + 1));

    feedAbort.abort();
    const feedTexts = await Promise.all(feeds);
    // Each feed subscriber saw this run start and end.
    for (const text of feedTexts) expect(text).toContain(executionId);

    for (let i = 0; i < 50 && tracker.bus.listenerCount() !== before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(tracker.bus.listenerCount()).toBe(before);
    expect(requests).toHaveLength(SUBSCRIBERS);
  });
});
