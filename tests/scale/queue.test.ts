/**
 * Queue mode on PostgreSQL: runs enqueued through the API are pending rows with a pg-boss job, run by
 * workers through the same engine and tracker, exactly once — also when their worker dies mid-run (a
 * separate `npm run worker` process killed with SIGKILL) or shuts down before they finish.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as runExecution } from "@/app/api/executions/route";
import { POST as cancelRoute } from "@/app/api/executions/[id]/cancel/route";
import { POST as rerunRoute } from "@/app/api/executions/[id]/rerun/route";
import { GET as summaryRoute } from "@/app/api/analytics/summary/route";
import { detachedRunResponseSchema } from "@/lib/contracts/executions";
import { analyticsSummaryResponseSchema } from "@/lib/contracts/analytics";
import { resetEnvCache } from "@/lib/env";
import { getQueueBoss, stopQueueBoss } from "@/lib/queue/boss";
import { jobIdOf, RUN_QUEUE } from "@/lib/queue/job";
import { QueueWorker } from "@/lib/queue/worker";
import { listExecutionSteps } from "@/lib/services/executions";
import { EventBus, getEventBus } from "@/lib/tracking/event-bus";
import type { RunStatusEvent } from "@/lib/contracts/feed-events";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { call, echoDefinition, newActor, type Actor } from "../api/rest-fixtures";
import { chain, graph, node, saveDefinition } from "../engine/helpers";
import { eventRows, executionRow, expectGapFree, query, waitFor } from "../tracking/helpers";

const onPostgres = Boolean(process.env.DATABASE_URL);
const ENV_KEYS = [
  "LATTICE_RUN_MODE",
  "LATTICE_RUNS_PER_MINUTE",
  "LATTICE_QUEUE_RETRY_DELAY_SECONDS",
  "LATTICE_MAX_QUEUED_RUNS",
] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
const children: ChildProcess[] = [];
const workers: QueueWorker[] = [];

function graphOf<T extends { name: string; description: string }>(definition: T) {
  const { name: _n, description: _d, ...rest } = definition;
  return rest;
}

/** start → four slow model nodes → end: about two seconds, a checkpoint after every step. */
function slowChain(latencyMs: number) {
  const models = ["m1", "m2", "m3", "m4"].map((id) =>
    node(id, "model", { provider: "local", model: "slow", latencyMs }),
  );
  return graph([node("start", "start"), ...models, node("end", "end")], chain("start", "m1", "m2", "m3", "m4", "end"));
}

async function enqueue(actor: Actor, body: Record<string, unknown>): Promise<string> {
  const response = await call(runExecution, "/api/executions", {
    method: "POST",
    body: { ...body, async: true },
    auth: actor,
  });
  expect(response.status, response.text).toBe(202);
  const queued = detachedRunResponseSchema.parse(response.json);
  expect(queued.status).toBe("pending");
  expect(response.headers.get("location")).toBe(`/api/executions/${queued.executionId}`);
  return queued.executionId;
}

async function startWorker(options: ConstructorParameters<typeof QueueWorker>[0] = {}): Promise<QueueWorker> {
  const worker = new QueueWorker({ concurrency: 4, pollIntervalMs: 100, log: () => {}, ...options });
  await worker.start();
  workers.push(worker);
  return worker;
}

async function jobState(executionId: string): Promise<string | undefined> {
  const boss = await getQueueBoss();
  const job = await boss.getJobById(RUN_QUEUE, jobIdOf(executionId), { includeArchive: true });
  return job?.state;
}

async function statusOf(executionId: string): Promise<string | undefined> {
  return (await executionRow(executionId))?.status;
}

function terminalEvents(rows: Array<{ type: string }>) {
  return rows.filter((r) => r.type === "run_completed" || r.type === "run_failed" || r.type === "run_cancelled");
}

describe.skipIf(!onPostgres)("queue mode (PostgreSQL)", () => {
  beforeAll(async () => {
    process.env.LATTICE_RUN_MODE = "queue";
    process.env.LATTICE_RUNS_PER_MINUTE = "10000";
    process.env.LATTICE_QUEUE_RETRY_DELAY_SECONDS = "0";
    resetEnvCache();
    await getQueueBoss();
    await getEventBus().start();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ deadlineMs: 5_000 })));
  });

  afterAll(async () => {
    for (const child of children) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await stopQueueBoss();
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    resetEnvCache();
  });

  it("answers an async run with 202 pending at once; the feed sees it queued, started and done; a worker runs it once", async () => {
    const actor = await newActor();
    const feed: RunStatusEvent[] = [];
    const controller = new AbortController();
    const watching = (async () => {
      for await (const event of getEventBus().subscribeFeed({ ownerId: actor.id, signal: controller.signal }))
        feed.push(event);
    })();
    await new Promise((r) => setTimeout(r, 50));

    const id = await enqueue(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "queued hello" },
    });
    expect(await statusOf(id)).toBe("pending");
    expect(await jobState(id)).toBe("created");

    await startWorker();
    await waitFor(async () => (await statusOf(id)) === "completed", { timeoutMs: 15_000 });
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 5_000 });
    const row = await executionRow(id);
    expect((row!.output_data as { message: string }).message).toContain("queued hello");
    const events = await eventRows(id);
    expect(events.filter((e) => e.type === "run_started")).toHaveLength(1);
    expect(terminalEvents(events).map((e) => e.type)).toEqual(["run_completed"]);
    await expectGapFree(id);

    await waitFor(() => feed.some((e) => e.executionId === id && e.status === "completed"));
    controller.abort();
    await watching;
    expect(feed.filter((e) => e.executionId === id).map((e) => e.status)).toEqual(["pending", "running", "completed"]);
  });

  it("schedules a run with runAt: the queue depth counts it as scheduled, and it starts no earlier", async () => {
    const actor = await newActor();
    await startWorker();
    const runAt = new Date(Date.now() + 2_000);
    const response = await call(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: graphOf(echoDefinition()),
        input: { message: "later" },
        runAt: runAt.toISOString(),
      },
      auth: actor,
    });
    expect(response.status, response.text).toBe(202);
    const queued = detachedRunResponseSchema.parse(response.json);
    expect(queued.runAt).toBe(runAt.toISOString());

    const summary = analyticsSummaryResponseSchema.parse(
      (await call(summaryRoute, "/api/analytics/summary", { auth: actor })).json,
    );
    expect(summary.queue.mode).toBe("queue");
    expect(summary.queue.yours).toBe(1);
    expect(summary.queue.scheduled).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, 1_000));
    expect(await statusOf(queued.executionId)).toBe("pending");
    await waitFor(async () => (await statusOf(queued.executionId)) === "completed", { timeoutMs: 15_000 });
    const [started] = await query<{ started_at: Date }>(
      sql`select started_at from workflow_executions where id = ${queued.executionId}`,
    );
    expect(new Date(started!.started_at).getTime()).toBeGreaterThanOrEqual(runAt.getTime() - 50);
  });

  it("cancels a queued run before a worker takes it: cancelled once, and its job then does nothing", async () => {
    const actor = await newActor();
    const id = await enqueue(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "never mind" },
    });
    const cancelled = await call(cancelRoute, `/api/executions/${id}/cancel`, {
      method: "POST",
      auth: actor,
      params: { id },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.status).toBe("cancelled");
    const worker = await startWorker();
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 10_000 });
    expect(await statusOf(id)).toBe("cancelled");
    expect(worker.stats.skipped).toBeGreaterThanOrEqual(1);
    const events = await eventRows(id);
    expect(events.map((e) => e.type)).toEqual(["run_cancelled"]);
  });

  it("a queued run whose workflow is gone by the time it runs ends failed with the reason, without retrying", async () => {
    const actor = await newActor();
    const workflowId = await saveDefinition(
      actor.id,
      graph([node("start", "start"), node("end", "end")], chain("start", "end")),
      "Short-lived",
    );
    const id = await enqueue(actor, { type: "DEFINITION", definitionId: workflowId, input: {} });
    await query(sql`delete from workflow_definitions where id = ${workflowId}`);
    const worker = await startWorker();
    await waitFor(async () => (await statusOf(id)) === "failed", { timeoutMs: 10_000 });
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 5_000 });
    expect((await executionRow(id))!.error_message).toBe("No such workflow.");
    expect(worker.stats.rejected).toBe(1);
    expect(terminalEvents(await eventRows(id)).map((e) => e.type)).toEqual(["run_failed"]);
  });

  it("refuses what it cannot run at the door: a missing workflow is 404, past the queue limit is 429", async () => {
    const actor = await newActor();
    const missing = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: "01J00000000000000000000000", input: {}, async: true },
      auth: actor,
    });
    expect(missing.status).toBe(404);
    process.env.LATTICE_MAX_QUEUED_RUNS = "2";
    resetEnvCache();
    try {
      const body = { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "x" } };
      await enqueue(actor, body);
      await enqueue(actor, body);
      const refused = await call(runExecution, "/api/executions", {
        method: "POST",
        body: { ...body, async: true },
        auth: actor,
      });
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe("rate_limit:queued_runs");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      delete process.env.LATTICE_MAX_QUEUED_RUNS;
      resetEnvCache();
    }
    await startWorker();
    await waitFor(
      async () =>
        (
          await query<{ n: number }>(
            sql`select count(*)::int as n from workflow_executions where owner_id = ${actor.id} and status = 'completed'`,
          )
        )[0]!.n === 2,
      { timeoutMs: 15_000 },
    );
  });

  it("queues a re-run (Prefer: respond-async): the worker runs the same request again, linked to the original", async () => {
    const actor = await newActor();
    await startWorker();
    const first = await enqueue(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "again" },
    });
    await waitFor(async () => (await statusOf(first)) === "completed", { timeoutMs: 15_000 });
    const response = await call(rerunRoute, `/api/executions/${first}/rerun`, {
      method: "POST",
      auth: actor,
      params: { id: first },
      headers: { prefer: "respond-async" },
    });
    expect(response.status, response.text).toBe(202);
    const rerun = detachedRunResponseSchema.parse(response.json);
    expect(rerun.status).toBe("pending");
    await waitFor(async () => (await statusOf(rerun.executionId)) === "completed", { timeoutMs: 15_000 });
    const [row] = await query<{ parent_execution_id: string; input_data: unknown }>(
      sql`select parent_execution_id, input_data from workflow_executions where id = ${rerun.executionId}`,
    );
    expect(row).toMatchObject({ parent_execution_id: first, input_data: { message: "again" } });
  });

  it("queues a re-run from a step (time travel): it starts at that step with the edited variables", async () => {
    const actor = await newActor();
    await startWorker();
    const workflowId = await saveDefinition(
      actor.id,
      graph(
        [
          node("start", "start"),
          node("first", "model", { provider: "local", model: "echo" }),
          node("second", "model", { provider: "local", model: "echo" }),
          node("end", "end"),
        ],
        chain("start", "first", "second", "end"),
      ),
      "Two steps",
    );
    const original = await enqueue(actor, {
      type: "DEFINITION",
      definitionId: workflowId,
      input: { message: "travel", variables: { mood: "calm" } },
      options: { durability: "sync" },
    });
    await waitFor(async () => (await statusOf(original)) === "completed", { timeoutMs: 15_000 });
    const steps = await listExecutionSteps({ userId: actor.id, executionId: original });
    const step = steps.find((s) => s.next.includes("second"));
    expect(step, JSON.stringify(steps.map((s) => s.next))).toBeDefined();

    const response = await call(rerunRoute, `/api/executions/${original}/rerun`, {
      method: "POST",
      auth: actor,
      params: { id: original },
      headers: { prefer: "respond-async" },
      body: { fromStep: { checkpointId: step!.checkpointId, variables: { mood: "bold" } } },
    });
    expect(response.status, response.text).toBe(202);
    const rerun = detachedRunResponseSchema.parse(response.json);
    await waitFor(async () => (await statusOf(rerun.executionId)) === "completed", { timeoutMs: 15_000 });
    const completed = await query<{ node_id: string }>(
      sql`select node_id from execution_events where execution_id = ${rerun.executionId} and type = 'node_completed' order by seq`,
    );
    expect(completed.map((e) => e.node_id)).toEqual(["second", "end"]);
    const [row] = await query<{ parent_execution_id: string; output_data: { variables: Record<string, unknown> } }>(
      sql`select parent_execution_id, output_data from workflow_executions where id = ${rerun.executionId}`,
    );
    expect(row!.parent_execution_id).toBe(original);
    expect(row!.output_data.variables).toMatchObject({ mood: "bold" });
  });

  it("a worker killed mid-run (SIGKILL): another continues the same execution from its last checkpoint — one row, each node once, counted once", async () => {
    const actor = await newActor();
    const workflowId = await saveDefinition(actor.id, slowChain(3), "Four slow steps");
    const id = await enqueue(actor, {
      type: "DEFINITION",
      definitionId: workflowId,
      input: { message: "survive" },
      options: { durability: "sync" },
    });

    const child = spawn("npx", ["tsx", "--conditions=react-server", "scripts/worker.ts"], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        LATTICE_RUN_TIMEOUT_MS: "1600",
        LATTICE_WORKER_CONCURRENCY: "1",
        LATTICE_DEMO_ACCOUNT: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));

    // Killed once two model nodes have completed (their checkpoints are written).
    await waitFor(async () => (await eventRows(id)).filter((e) => e.type === "node_completed").length >= 3, {
      timeoutMs: 30_000,
      intervalMs: 25,
    }).catch(() => {
      throw new Error(`the worker never got far enough: ${output.slice(-2000)}`);
    });
    // Mid-way through m3 (m2's step checkpoint is written before m3 starts).
    await new Promise((r) => setTimeout(r, 150));
    process.kill(-child.pid!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    const before = await eventRows(id);
    expect(await statusOf(id)).toBe("running");

    const survivor = await startWorker({ staleAfterMs: 300, recoveryIntervalMs: 100 });
    await waitFor(async () => (await statusOf(id)) === "completed", { timeoutMs: 30_000 });
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 5_000 });
    expect(survivor.stats.recovered).toBe(1);

    const events = await eventRows(id);
    await expectGapFree(id);
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events.filter((e) => e.type === "run_started")).toHaveLength(2);
    expect(terminalEvents(events).map((e) => e.type)).toEqual(["run_completed"]);
    // Continued from the checkpoint: no model node ran twice, none was skipped.
    const completed = await query<{ node_id: string }>(
      sql`select node_id from execution_events where execution_id = ${id} and type = 'node_completed' order by seq`,
    );
    expect(completed.map((e) => e.node_id).filter((n) => n.startsWith("m"))).toEqual(["m1", "m2", "m3", "m4"]);
    const rows = await query<{ n: number }>(
      sql`select count(*)::int as n from workflow_executions where owner_id = ${actor.id}`,
    );
    expect(rows[0]!.n).toBe(1);
    expect(((await executionRow(id))!.output_data as { message: string }).message).toContain("Counting slowly");
  });

  it("a job a dead worker had taken but not started (its row still pending) goes back to the queue and runs once", async () => {
    const actor = await newActor();
    const id = await enqueue(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "orphaned" },
    });
    // A worker that fetched the job and died before taking the run over.
    const boss = await getQueueBoss();
    const [taken] = await boss.fetch(RUN_QUEUE, { batchSize: 1 });
    expect(taken?.id).toBe(jobIdOf(id));
    expect(await jobState(id)).toBe("active");
    await new Promise((r) => setTimeout(r, 400));

    const survivor = await startWorker({ staleAfterMs: 300, recoveryIntervalMs: 100 });
    await waitFor(async () => (await statusOf(id)) === "completed", { timeoutMs: 15_000 });
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 5_000 });
    expect(survivor.stats.recovered).toBe(1);
    const events = await eventRows(id);
    expect(events.filter((e) => e.type === "run_started")).toHaveLength(1);
    expect(terminalEvents(events).map((e) => e.type)).toEqual(["run_completed"]);
  });

  it("a job whose run a dead worker finished, but not the job, is completed by another worker; nothing runs again", async () => {
    const actor = await newActor();
    const id = await enqueue(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "finished, job not" },
    });
    // A worker that took the job, finished the run (its row says so) and died before completing the job.
    const boss = await getQueueBoss();
    const [taken] = await boss.fetch(RUN_QUEUE, { batchSize: 1 });
    expect(taken?.id).toBe(jobIdOf(id));
    await query(
      sql`update workflow_executions set status = 'completed', started_at = now(), completed_at = now() where id = ${id}`,
    );
    await new Promise((r) => setTimeout(r, 400));

    const survivor = await startWorker({ staleAfterMs: 300, recoveryIntervalMs: 100 });
    await waitFor(async () => (await jobState(id)) === "completed", { timeoutMs: 10_000 });
    expect(await statusOf(id)).toBe("completed");
    // Completed, not retried: no run started, nothing requeued.
    expect((await eventRows(id)).filter((e) => e.type === "run_started")).toHaveLength(0);
    expect(survivor.stats.recovered).toBe(0);
  });

  it("a worker shutting down hands an unfinished run back: another worker finishes it, exactly once", async () => {
    const actor = await newActor();
    const workflowId = await saveDefinition(actor.id, slowChain(3), "Four slow steps");
    const first = await startWorker({ concurrency: 1 });
    const id = await enqueue(actor, {
      type: "DEFINITION",
      definitionId: workflowId,
      input: { message: "handover" },
      options: { durability: "sync" },
    });
    await waitFor(async () => (await eventRows(id)).some((e) => e.type === "node_completed"), {
      timeoutMs: 15_000,
      intervalMs: 25,
    });
    const report = await first.stop({ deadlineMs: 100 });
    workers.splice(workers.indexOf(first), 1);
    expect(report).toEqual({ finished: 0, handedBack: 1 });
    expect(await statusOf(id)).toBe("pending");

    // Another worker is another process: its own bus and instance id.
    const second = new WorkflowTracker({ bus: new EventBus() });
    await startWorker({ tracker: second });
    await waitFor(async () => (await statusOf(id)) === "completed", { timeoutMs: 30_000 });
    const [holder] = await query<{ instance_id: string }>(
      sql`select instance_id from workflow_executions where id = ${id}`,
    );
    expect(holder!.instance_id).toBe(second.bus.instanceId);
    // The first worker's attempt went on in this process meanwhile: none of its late writes counted.
    await new Promise((r) => setTimeout(r, 2_500));
    const events = await eventRows(id);
    await expectGapFree(id);
    expect(terminalEvents(events).map((e) => e.type)).toEqual(["run_completed"]);
  });
});
