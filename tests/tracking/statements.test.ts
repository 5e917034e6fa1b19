/**
 * Round trips per run: the tracker's `start` is ONE statement (the row and its feed notification) and its
 * `complete` / `fail` ONE statement (the last events, the row, the counters, a chat's messages and every
 * notification), with no transaction around them. Statements are counted where drizzle prepares them (the
 * database session, transactions included) and at the handle's own NOTIFY, so any extra query,
 * notification or begin/commit fails these tests. And the feed notification, made before the row is
 * finished and completed from it in SQL, is byte for byte the one the finished row gives.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getExecutionStatus } from "@/lib/db/queries/executions";
import type { ExecutionContext } from "@/lib/engine/context";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { execute, resumeExecution } from "@/lib/engine/execute";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import type { Tracker } from "@/lib/engine/tracker";
import { CHANNELS, EventBus } from "@/lib/tracking/event-bus";
import type { RunStatusEvent } from "@/lib/contracts/feed-events";
import { toRunStatusEvent } from "@/lib/tracking/records";
import { RunRegistry } from "@/lib/tracking/run-registry";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";
import { echoGraph, saveDefinition } from "../engine/helpers";
import { approvalGraph } from "../engine/fixtures/approval-graph";
import { waitFor } from "./helpers";

type Phase = "start" | "complete" | "fail";
interface Issued {
  phase: Phase;
  /** A statement, or "begin" / "commit" around a transaction. */
  sql: string;
}

/** A tracker that notes which of its calls is in progress, so statements can be attributed to it. */
class CountingTracker implements Tracker {
  readonly storesChatMessages = true;
  phase: Phase | undefined;
  readonly issued: Issued[] = [];

  constructor(readonly inner: WorkflowTracker) {}

  private async during(phase: Phase, call: () => Promise<void>): Promise<void> {
    this.phase = phase;
    try {
      await call();
    } finally {
      this.phase = undefined;
    }
  }

  start(ctx: ExecutionContext) {
    return this.during("start", () => this.inner.start(ctx));
  }
  complete(ctx: ExecutionContext, result: ExecutionResult) {
    return this.during("complete", () => this.inner.complete(ctx, result));
  }
  fail(ctx: ExecutionContext, error: unknown, result: ExecutionResult) {
    return this.during("fail", () => this.inner.fail(ctx, error, result));
  }
  onEvent(ctx: ExecutionContext, event: ExecutionEvent) {
    this.inner.onEvent(ctx, event);
  }
  lastSeq(executionId: string) {
    return this.inner.lastSeq(executionId);
  }

  /** What each call issued, from `from` on (an index into `issued`). */
  callsSince(from: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { phase } of this.issued.slice(from)) counts[phase] = (counts[phase] ?? 0) + 1;
    return counts;
  }
}

const buses: EventBus[] = [];
let counting: CountingTracker;
const feedPayloads: string[] = [];
let unlisten: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const handle = await testDb();
  const bus = new EventBus();
  buses.push(bus);
  counting = new CountingTracker(
    new WorkflowTracker({
      bus,
      // Nothing but the tracker's own calls: no heartbeat, no timed flush of events during the run.
      registry: new RunRegistry({ heartbeatIntervalMs: 3_600_000 }),
      flushIntervalMs: 3_600_000,
      maxBuffered: 100_000,
    }),
  );
  // Every statement drizzle prepares goes through the session's prepareQuery (a transaction's session is
  // of the same class); a transaction's begin and commit through its `transaction`.
  const session = Object.getPrototypeOf((handle.db as unknown as { session: object }).session) as {
    prepareQuery: (query: { sql: string }, ...rest: unknown[]) => unknown;
    transaction: (...args: unknown[]) => Promise<unknown>;
  };
  const prepare = session.prepareQuery;
  vi.spyOn(session, "prepareQuery").mockImplementation(function (this: unknown, query, ...rest) {
    if (counting.phase) counting.issued.push({ phase: counting.phase, sql: query.sql });
    return prepare.call(this, query, ...rest);
  });
  const transaction = session.transaction;
  vi.spyOn(session, "transaction").mockImplementation(async function (this: unknown, ...args) {
    const phase = counting.phase;
    if (phase) counting.issued.push({ phase, sql: "begin" });
    try {
      return await transaction.apply(this, args);
    } finally {
      if (phase) counting.issued.push({ phase, sql: "commit" });
    }
  });
  // On PostgreSQL the per-run statements go to postgres.js as prepared statements (executePrepared), past
  // drizzle's session: count those where they are sent (drizzle's own calls pass prepare: false).
  const client = (
    handle.db as unknown as {
      $client?: { unsafe?: (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown };
    }
  ).$client;
  if (client && typeof client.unsafe === "function") {
    const unsafe = client.unsafe.bind(client);
    vi.spyOn(client as { unsafe: typeof unsafe }, "unsafe").mockImplementation((query, params, options) => {
      if (counting.phase && options?.prepare === true) counting.issued.push({ phase: counting.phase, sql: query });
      return unsafe(query, params, options);
    });
  }
  // A notification sent on its own is a statement too.
  const notify = handle.notify.bind(handle);
  vi.spyOn(handle, "notify").mockImplementation(async (channel, payload) => {
    if (counting.phase) counting.issued.push({ phase: counting.phase, sql: `notify ${channel}` });
    return notify(channel, payload);
  });
  unlisten = await handle.listen(CHANNELS.feed, (payload) => feedPayloads.push(payload));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await unlisten?.();
  await Promise.all(buses.map((b) => b.close()));
});

/** The feed notification this instance sent for a run's status, as it arrived over LISTEN. */
async function feedPayload(executionId: string, status: string): Promise<string> {
  return waitFor(() =>
    feedPayloads.find((p) => {
      const { s } = JSON.parse(p) as { s: RunStatusEvent };
      return s.executionId === executionId && s.status === status;
    }),
  );
}

/** The payload the finished row itself gives (the status feed's contract), at the notification's time. */
async function payloadFromRow(executionId: string, ownerId: string, sent: string): Promise<string> {
  const row = await getExecutionStatus({ executionId, ownerId });
  const { s } = JSON.parse(sent) as { s: RunStatusEvent };
  return counting.inner.bus.feedNotification(ownerId, toRunStatusEvent(row!, new Date(s.at))).payload;
}

describe("statements per run", () => {
  it("a plain run: one statement to start, one to finish, and the feed payload the row gives", async () => {
    const user = await createTestUser();
    const from = counting.issued.length;
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "count my statements" } },
      { userId: user.id, tracker: counting },
    );
    expect(result.status).toBe("completed");
    const issued = counting.issued.slice(from);
    expect(
      issued.map((s) => s.phase),
      issued.map((s) => s.sql.slice(0, 80)).join("\n"),
    ).toEqual(["start", "complete"]);

    // Other instances got the start and the end; the end is exactly what the row says.
    const started = JSON.parse(await feedPayload(result.executionId, "running")) as { i: string; s: RunStatusEvent };
    expect(started.i).toBe(counting.inner.bus.instanceId);
    const completed = await feedPayload(result.executionId, "completed");
    expect(completed).toBe(await payloadFromRow(result.executionId, user.id, completed));
    expect((JSON.parse(completed) as { s: RunStatusEvent }).s.durationMs).toBe(Math.round(result.durationMs));
  });

  it("a chat run paused and resumed: one statement per call, the resumed end keeps the first start and adds up the time", async () => {
    const user = await createTestUser();
    const workflowId = await saveDefinition(user.id, approvalGraph);
    let from = counting.issued.length;
    const paused = await execute(
      { type: "CHAT", workflowId, message: "send it?" },
      { userId: user.id, tracker: counting },
    );
    expect(paused.status).toBe("paused");
    expect(counting.callsSince(from)).toEqual({ start: 1, complete: 1 });
    const pausedPayload = await feedPayload(paused.executionId, "paused");
    expect(pausedPayload).toBe(await payloadFromRow(paused.executionId, user.id, pausedPayload));
    const pausedRow = await getExecutionStatus({ executionId: paused.executionId, ownerId: user.id });

    await new Promise((resolve) => setTimeout(resolve, 20));
    from = counting.issued.length;
    const resumed = await resumeExecution({
      executionId: paused.executionId,
      userId: user.id,
      answer: true,
      tracker: counting,
    });
    expect(resumed.status).toBe("completed");
    expect(counting.callsSince(from)).toEqual({ start: 1, complete: 1 });

    const completed = await feedPayload(paused.executionId, "completed");
    expect(completed).toBe(await payloadFromRow(paused.executionId, user.id, completed));
    const { s } = JSON.parse(completed) as { s: RunStatusEvent };
    expect(s.startedAt).toBe(pausedRow!.startedAt!.toISOString());
    expect(s.durationMs).toBe(pausedRow!.executionTimeMs! + Math.round(resumed.durationMs));
  });

  it("a test hook before commit wraps the same one statement in a transaction", async () => {
    const user = await createTestUser();
    const bus = new EventBus();
    buses.push(bus);
    let hooked = 0;
    const tracker = new CountingTracker(
      new WorkflowTracker({
        bus,
        registry: new RunRegistry({ heartbeatIntervalMs: 3_600_000 }),
        flushIntervalMs: 3_600_000,
        beforeCommit: async () => {
          hooked += 1;
        },
      }),
    );
    // Statements are noted against the shared tracker's phase: use it for this run's calls too.
    const previous = counting;
    counting = tracker;
    try {
      await execute(
        { type: "CUSTOM", definition: echoGraph(), input: { message: "hooked" } },
        { userId: user.id, tracker },
      );
    } finally {
      counting = previous;
    }
    expect(hooked).toBe(1);
    expect(
      tracker.issued.map(
        (s) => `${s.phase}:${s.sql.startsWith("begin") || s.sql.startsWith("commit") ? s.sql : "statement"}`,
      ),
    ).toEqual(["start:statement", "complete:begin", "complete:statement", "complete:commit"]);
  });
});
