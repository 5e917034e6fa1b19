/**
 * Per-user run limits counted in the database (so every instance shares them), and the drain of an
 * instance on SIGTERM: new runs answered 503 with Retry-After, runs in flight finishing before the
 * deadline, the rest interrupted. On both backends.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { POST as runExecution } from "@/app/api/executions/route";
import { GET as health } from "@/app/api/health/route";
import { executionResultResponseSchema } from "@/lib/contracts/executions";
import { sql } from "drizzle-orm";
import { admitExecution, releaseAdmission, WORKER_INSTANCE_PREFIX } from "@/lib/db/queries/queue";
import { rowsOf } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { stopDraining } from "@/lib/queue/lifecycle";
import { drainRuns } from "@/lib/queue/shutdown";
import { startRun } from "@/lib/services/executions";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { call, callRaw, echoDefinition, newActor } from "../api/rest-fixtures";
import { createTestUser, testDb } from "../helpers/db";
import { saveDefinition } from "../engine/helpers";
import { eventRows, executionRow, expectGapFree, waitFor } from "../tracking/helpers";

function graphOf<T extends { name: string; description: string }>(definition: T) {
  const { name: _n, description: _d, ...rest } = definition;
  return rest;
}

function slowDefinition(latencyMs: number) {
  const definition = echoDefinition("Slow");
  definition.nodes[1]!.data.config = { provider: "local", model: "slow", latencyMs };
  return graphOf(definition);
}

const limits = { maxConcurrent: 3, perMinute: 1000, maxQueued: 4 };

describe("shared run limits", () => {
  it("admits no more than the limit when many instances ask at once", async () => {
    const user = await createTestUser();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        admitExecution({
          ownerId: user.id,
          row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
          instanceId: `instance-${i % 3}`,
          limits,
        }),
      ),
    );
    const admitted = outcomes.filter((o) => o.admitted);
    expect(admitted).toHaveLength(3);
    for (const o of outcomes) if (!o.admitted) expect(o.refusal).toMatchObject({ limit: "concurrent", count: 3 });
    // Queued runs have their own limit, and do not take running slots.
    const queued = await Promise.all(
      Array.from({ length: 6 }, () =>
        admitExecution({
          ownerId: user.id,
          row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
          instanceId: null,
          limits,
        }),
      ),
    );
    expect(queued.filter((o) => o.admitted)).toHaveLength(4);
    // A released admission (its run never started) frees its slot and leaves no row.
    const first = admitted[0]!;
    if (!first.admitted || !first.row) throw new Error("expected a row");
    expect(await releaseAdmission({ executionId: first.row.id, ownerId: user.id })).toBe(true);
    expect(await executionRow(first.row.id)).toBeUndefined();
    expect(
      (
        await admitExecution({
          ownerId: user.id,
          row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
          instanceId: "instance-9",
          limits,
        })
      ).admitted,
    ).toBe(true);
  });

  it("does not count a user's queued runs that workers are running against their interactive runs", async () => {
    const user = await createTestUser();
    const { db } = await testDb();
    for (let i = 0; i < 3; i++) {
      await db.execute(sql`
        insert into workflow_executions (id, owner_id, workflow_type, status, started_at, heartbeat_at, instance_id)
        values (${ulid()}, ${user.id}, 'CUSTOM', 'running', now(), now(), ${`${WORKER_INSTANCE_PREFIX}test-worker`})`);
    }
    const admitted = await admitExecution({
      ownerId: user.id,
      row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
      instanceId: "app-1",
      limits,
    });
    expect(admitted.admitted).toBe(true);
    await db.execute(
      sql`update workflow_executions set instance_id = 'app-2' where owner_id = ${user.id} and status = 'running'`,
    );
    const refused = await admitExecution({
      ownerId: user.id,
      row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
      instanceId: "app-1",
      limits,
    });
    expect(refused.admitted).toBe(false);
  });

  it("allows a burst of the per-minute limit, then says when the allowance has refilled for one more", async () => {
    const user = await createTestUser();
    const tight = { ...limits, maxConcurrent: 100, perMinute: 2 };
    const admit = () =>
      admitExecution({
        ownerId: user.id,
        row: { id: ulid(), workflowType: "CUSTOM", inputData: {} },
        instanceId: "a",
        limits: tight,
      });
    expect((await admit()).admitted).toBe(true);
    expect((await admit()).admitted).toBe(true);
    const refused = await admit();
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.refusal.limit).toBe("per_minute");
    // Two a minute: one more every 30 s.
    expect(refused.refusal.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(refused.refusal.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it("a run refused by validation gives its admission back: no row, no slot taken", async () => {
    process.env.LATTICE_MAX_CONCURRENT_RUNS = "1";
    resetEnvCache();
    try {
      const actor = await newActor();
      const broken = { type: "CUSTOM", definition: { nodes: [], edges: [] }, input: {} };
      for (let i = 0; i < 3; i++)
        expect(
          (await call(runExecution, "/api/executions", { method: "POST", body: broken, auth: actor })).status,
        ).toBe(422);
      const ok = await call(runExecution, "/api/executions", {
        method: "POST",
        body: { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "hi" } },
        auth: actor,
      });
      expect(ok.status, ok.text).toBe(200);
      const { db } = await testDb();
      const rows = rowsOf<{ status: string }>(
        await db.execute(sql`select status from workflow_executions where owner_id = ${actor.id}`),
      );
      expect(rows.map((r) => r.status)).toEqual(["completed"]);
    } finally {
      delete process.env.LATTICE_MAX_CONCURRENT_RUNS;
      resetEnvCache();
    }
  });

  it("refuses runAt outside queue mode", async () => {
    const actor = await newActor();
    const response = await call(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: graphOf(echoDefinition()),
        input: {},
        runAt: new Date(Date.now() + 60_000).toISOString(),
      },
      auth: actor,
    });
    expect(response.status).toBe(400);
    expect(response.json.error.issues[0].path).toBe("runAt");
  });
});

describe("draining on SIGTERM", () => {
  afterEach(() => stopDraining());

  it("answers new runs and the health check 503 with Retry-After, and lets a run in flight finish before the deadline", async () => {
    const actor = await newActor();
    const outcome = await startRun({
      userId: actor.id,
      request: { type: "CUSTOM", definition: slowDefinition(2), input: { message: "finish me" } },
      stream: true,
    });
    if (outcome.kind !== "stream") throw new Error("expected a stream");
    const iterator = outcome.events[Symbol.asyncIterator]();
    const first = await iterator.next();
    const executionId = first.value!.executionId;
    const reading = (async () => {
      while (!(await iterator.next()).done);
    })();

    const draining = drainRuns({ deadlineMs: 20_000 });
    const refused = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: graphOf(echoDefinition()), input: {} },
      auth: actor,
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("unavailable:shutting_down");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await callRaw(health, "/api/health")).status).toBe(503);

    const report = await draining;
    await reading;
    expect(report.interrupted).toEqual([]);
    expect(report.finished).toBeGreaterThanOrEqual(1);
    expect((await executionRow(executionId))!.status).toBe("completed");
  });

  it("marks runs still going at the deadline interrupted, once, with their terminal event and counters", async () => {
    const actor = await newActor();
    const workflowId = await saveDefinition(actor.id, slowDefinition(40), "Too slow");
    const outcome = await startRun({
      userId: actor.id,
      request: { type: "DEFINITION", definitionId: workflowId, input: { message: "too slow" } },
      stream: true,
    });
    if (outcome.kind !== "stream") throw new Error("expected a stream");
    const iterator = outcome.events[Symbol.asyncIterator]();
    const executionId = (await iterator.next()).value!.executionId;
    const reading = (async () => {
      while (!(await iterator.next()).done);
    })();

    const report = await drainRuns({ deadlineMs: 300 });
    expect(report.interrupted).toEqual([executionId]);
    const row = await executionRow(executionId);
    expect(row!.status).toBe("interrupted");
    expect(row!.error_message).toMatch(/shut down before it finished/);

    // The run itself goes on in this process until stopped; nothing it writes after that counts.
    getWorkflowTracker().registry.get(executionId)?.ctx.stop({ kind: "cancelled", message: "test over" });
    await reading;
    await waitFor(async () => !getWorkflowTracker().registry.get(executionId));
    expect((await executionRow(executionId))!.status).toBe("interrupted");
    const events = await eventRows(executionId);
    expect(
      events.filter((e) => ["run_completed", "run_failed", "run_cancelled"].includes(e.type)).map((e) => e.type),
    ).toEqual(["run_failed"]);
    await expectGapFree(executionId);
  });
});

describe("the API's async runs outside queue mode", () => {
  it("async: true answers 202 with the id once the run has started here, and it runs on", async () => {
    const actor = await newActor();
    const response = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "detached" }, async: true },
      auth: actor,
    });
    expect(response.status, response.text).toBe(202);
    expect(response.json.status).toBe("running");
    const id = response.json.executionId as string;
    await waitFor(async () => (await executionRow(id))?.status === "completed");
    expect(executionResultResponseSchema.shape.output.safeParse((await executionRow(id))!.output_data).success).toBe(
      true,
    );
  });
});
