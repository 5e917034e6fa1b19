/**
 * Recovery and cancel, in one process (the cross-process versions run on PostgreSQL in
 * cross-process.test.ts): the sweeper ends runs whose heartbeat stopped — once, even with two sweepers and
 * a run that finishes late — and leaves live and paused runs alone; a paused run resumes through the
 * database tracker; cancel stops a running run from any instance, ends a paused one, and leaves a
 * finished one as it is.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { execute, resumeExecution } from "@/lib/engine/execute";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { CompositeTracker, InMemoryTracker } from "@/lib/engine/tracker";
import { localModelStats } from "@/lib/models";
import { cancelExecution } from "@/lib/tracking/cancel";
import { EventBus, getEventBus } from "@/lib/tracking/event-bus";
import { RunRegistry } from "@/lib/tracking/run-registry";
import { INTERRUPTED_ERROR_CODE, sweepStaleExecutions } from "@/lib/tracking/sweeper";
import { getWorkflowTracker, WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { echoGraph, saveDefinition } from "../engine/helpers";
import { approvalGraph } from "../engine/fixtures/approval-graph";
import {
  conversationAggregates,
  executionRow,
  expectCountersMatch,
  expectGapFree,
  query,
  storedEvents,
  templateCounters,
  waitFor,
} from "./helpers";

const buses: EventBus[] = [];
function otherInstance() {
  const bus = new EventBus({ instanceId: `other-${buses.length}-${Math.random().toString(36).slice(2)}` });
  buses.push(bus);
  // No heartbeat of its own during the test: the run looks dead as soon as its heartbeat is aged.
  return { bus, tracker: new WorkflowTracker({ bus, registry: new RunRegistry({ heartbeatIntervalMs: 3_600_000 }) }) };
}
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

const slowGraph = (maxTokens = 60) => echoGraph({ provider: "local", model: "slow", maxTokens });

async function ageHeartbeat(executionId: string, ms: number) {
  await query(
    sql`update workflow_executions set heartbeat_at = now() - (${ms}::int * interval '1 millisecond') where id = ${executionId}`,
  );
}

async function startStream(
  userId: string,
  tracker: InstanceType<typeof WorkflowTracker> | CompositeTracker,
  request: object,
) {
  const stream = await execute(request, { userId, tracker, stream: true });
  const iterator = stream[Symbol.asyncIterator]();
  const first = (await iterator.next()).value as ExecutionEvent;
  const events = [first];
  const done = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return events;
      events.push(next.value);
    }
  })();
  return { executionId: first.executionId, events, done };
}

describe("sweeper", () => {
  it("marks a run whose heartbeat stopped interrupted, once, with its counters, terminal event and chat answer", async () => {
    const user = await createTestUser();
    const workflowId = await saveDefinition(user.id, slowGraph(100));
    const other = otherInstance();
    const run = await startStream(user.id, other.tracker, { type: "CHAT", workflowId, message: "a long answer" });
    await waitFor(() => run.events.some((e) => e.type === "token"));
    // Its process "stops responding": no heartbeat for longer than the timeout.
    await ageHeartbeat(run.executionId, 5_000);

    const sweeps = await Promise.all([
      sweepStaleExecutions({ bus: getEventBus(), timeoutMs: 2_000 }),
      sweepStaleExecutions({ bus: getEventBus(), timeoutMs: 2_000 }),
    ]);
    // Exactly one of the two concurrent sweeps claims it. (On PostgreSQL the database is shared with other test
    // files running in parallel, whose dead runs a sweep may also claim: look at this run only.)
    expect(sweeps.flat().filter((r) => r.id === run.executionId)).toHaveLength(1);
    const row = await executionRow(run.executionId);
    expect(row?.status).toBe("interrupted");
    expect(row?.error_message).toMatch(/stopped responding \(no heartbeat for 2 s\)/);
    expect(row?.completed_at).not.toBeNull();

    const stored = await storedEvents(run.executionId, user.id);
    const terminal = stored.at(-1)!;
    expect(terminal.type).toBe("run_failed");
    expect(terminal.type === "run_failed" && terminal.data.error?.code).toBe(INTERRUPTED_ERROR_CODE);
    await expectGapFree(run.executionId);

    // The run was alive after all and finishes late: it is not counted again, its answer is not added,
    // and nothing it emits lands after the terminal event the sweeper stored.
    const late = await run.done;
    expect(late.at(-1)?.type).toBe("run_completed");
    expect((await executionRow(run.executionId))?.status).toBe("interrupted");
    await expectGapFree(run.executionId);
    const afterwards = await storedEvents(run.executionId, user.id);
    expect(afterwards.at(-1)).toEqual(terminal);
    const answers = await query<{ status: string }>(
      sql`select status from messages where execution_id = ${run.executionId} and role = 'assistant'`,
    );
    expect(answers.map((a) => a.status)).toEqual(["error"]);
    for (const c of await conversationAggregates(user.id)) {
      expect(c.message_count).toBe(c.counted);
      expect(c.total_tokens).toBe(c.tokens);
    }
  });

  it("leaves this process's live runs, fresh heartbeats and paused runs alone", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const run = await startStream(user.id, tracker, {
      type: "CUSTOM",
      definition: slowGraph(),
      input: { message: "still here" },
    });
    const paused = await execute(
      { type: "CUSTOM", definition: approvalGraph, input: { message: "wait" } },
      { userId: user.id, tracker },
    );
    expect(paused.status).toBe("paused");
    await ageHeartbeat(run.executionId, 60_000);
    await ageHeartbeat(paused.executionId, 60_000);
    const swept = await sweepStaleExecutions({ bus: getEventBus(), registry: tracker.registry, timeoutMs: 1_000 });
    expect(swept.map((r) => r.id)).not.toContain(run.executionId);
    expect(swept.map((r) => r.id)).not.toContain(paused.executionId);
    await run.done;
    expect((await executionRow(run.executionId))?.status).toBe("completed");
    expect((await executionRow(paused.executionId))?.status).toBe("paused");
  });

  it("keeps the heartbeat of running runs fresh: one statement per interval for all of them", async () => {
    const user = await createTestUser();
    const registry = new RunRegistry({ heartbeatIntervalMs: 50 });
    const bus = new EventBus({ instanceId: `beat-${Math.random()}` });
    buses.push(bus);
    const tracker = new WorkflowTracker({ bus, registry });
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        startStream(user.id, tracker, { type: "CUSTOM", definition: slowGraph(), input: { message: "beat" } }),
      ),
    );
    for (const run of runs) await ageHeartbeat(run.executionId, 60_000);
    await waitFor(async () => {
      const rows = await query<{ fresh: boolean }>(
        sql`select heartbeat_at > now() - interval '1 second' as fresh from workflow_executions where id in (${sql.join(
          runs.map((r) => sql`${r.executionId}`),
          sql`, `,
        )})`,
      );
      return rows.length === 3 && rows.every((r) => r.fresh);
    });
    await Promise.all(runs.map((r) => r.done));
    expect(registry.size).toBe(0);
  });
});

describe("paused runs", () => {
  it("resume through the database tracker: the same execution, numbering continued, counted once", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const workflowId = await saveDefinition(user.id, approvalGraph);
    const paused = await execute({ type: "CHAT", workflowId, message: "send it?" }, { userId: user.id, tracker });
    expect(paused.status).toBe("paused");
    expect((await executionRow(paused.executionId))?.status).toBe("paused");

    const probe = new InMemoryTracker();
    const resumed = await resumeExecution({
      executionId: paused.executionId,
      userId: user.id,
      answer: true,
      tracker: new CompositeTracker([tracker, probe]),
    });
    expect(resumed.status).toBe("completed");
    expect(probe.callsFor(paused.executionId).map((c) => c.method)).toEqual(["start", "complete"]);
    await expectGapFree(paused.executionId);
    const events = await storedEvents(paused.executionId, user.id);
    expect(events.filter((e) => e.type === "run_started")).toHaveLength(2);
    expect(events.at(-1)?.type).toBe("run_completed");

    const messages = await query<{ role: string; status: string; content: string }>(
      sql`select role, status, content from messages where conversation_id = ${paused.conversationId!} order by id`,
    );
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["assistant", "complete"],
    ]);
    expect(messages.at(-1)?.content).toBe("Sent: Draft v1");
    const [aggregates] = await conversationAggregates(user.id);
    expect(aggregates).toMatchObject({ message_count: 3, counted: 3 });
    expect(aggregates!.total_tokens).toBe(aggregates!.tokens);
    // A second resume of the same pause is refused: the run is no longer paused.
    await expect(
      resumeExecution({ executionId: paused.executionId, userId: user.id, answer: true, tracker }),
    ).rejects.toMatchObject({ status: 409 });
  });
});

describe("cancel", () => {
  it("stops a streaming run in this process within a second, with the tokens spent so far", async () => {
    const user = await createTestUser();
    const run = await startStream(user.id, getWorkflowTracker(), {
      type: "CUSTOM",
      definition: slowGraph(400),
      input: { message: "go on" },
    });
    await waitFor(() => run.events.filter((e) => e.type === "token").length >= 5);
    const requestsAtCancel = localModelStats.requests;
    const asked = Date.now();
    const outcome = await cancelExecution({ executionId: run.executionId, ownerId: user.id });
    expect(outcome).toEqual({ executionId: run.executionId, status: "running", accepted: true });
    const events = await run.done;
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(localModelStats.requests).toBe(requestsAtCancel);
    const last = events.at(-1)!;
    expect(last.type).toBe("run_cancelled");
    const row = await executionRow(run.executionId);
    expect(row?.status).toBe("cancelled");
    expect(row?.tokens_used).toBeGreaterThan(0);
    await expectGapFree(run.executionId);
  });

  it("reaches a run on another instance through the bus", async () => {
    const user = await createTestUser();
    const other = otherInstance();
    await other.bus.start();
    const run = await startStream(user.id, other.tracker, {
      type: "CUSTOM",
      definition: slowGraph(400),
      input: { message: "far away" },
    });
    await waitFor(() => run.events.filter((e) => e.type === "token").length >= 3);
    // Cancelled from this instance, which does not run it.
    const asked = Date.now();
    await cancelExecution({ executionId: run.executionId, ownerId: user.id, bus: getEventBus() });
    const events = await run.done;
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(events.at(-1)?.type).toBe("run_cancelled");
    expect((await executionRow(run.executionId))?.status).toBe("cancelled");
  });

  it("ends a paused run at once, refuses to resume it, and leaves finished runs and strangers alone", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser();
    const tracker = getWorkflowTracker();
    const paused = await execute(
      { type: "CUSTOM", definition: approvalGraph, input: { message: "never mind" } },
      { userId: user.id, tracker },
    );
    await expect(cancelExecution({ executionId: paused.executionId, ownerId: stranger.id })).rejects.toMatchObject({
      status: 404,
    });
    const outcome = await cancelExecution({ executionId: paused.executionId, ownerId: user.id });
    expect(outcome).toEqual({ executionId: paused.executionId, status: "cancelled", accepted: true });
    expect((await executionRow(paused.executionId))?.status).toBe("cancelled");
    const events = await storedEvents(paused.executionId, user.id);
    expect(events.at(-1)?.type).toBe("run_cancelled");
    await expectGapFree(paused.executionId);
    await expect(
      resumeExecution({ executionId: paused.executionId, userId: user.id, answer: true, tracker }),
    ).rejects.toMatchObject({ status: 409 });

    const again = await cancelExecution({ executionId: paused.executionId, ownerId: user.id });
    expect(again).toEqual({ executionId: paused.executionId, status: "cancelled", accepted: false });
    const { stored, counted } = await templateCounters(user.id);
    expectCountersMatch(stored, counted);
  });
});
