/**
 * Scale-out, end to end: two app instances (`next start`, production build) and two queue workers
 * (`npm run worker`), separate processes on one PostgreSQL database. 500 runs are queued through both
 * instances (`async: true`); one worker is killed with SIGKILL midway. Every run must end completed exactly
 * once — one row each, a whole event record with one terminal event, analytics counters equal to the rows,
 * one question and one answer per chat — and a monitor on instance A's status feed must have seen every
 * run, also those submitted through B and run by either worker. Then instance B is stopped with SIGTERM
 * while a run streams from it: it refuses new runs (503 + Retry-After), lets that one finish, and exits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, readSse, request, signUpOverHttp, type HttpUser, type SseMessage } from "../helpers/http-client";
import { freePort, startProductionServer, type ProductionServer } from "../helpers/production-server";
import { type QueueWorkerProcess, signalProcess, startQueueWorker } from "../helpers/queue-worker";
import { suiteSql } from "../reliability/lib/database";
import {
  analyticsAgainstRows,
  edge,
  eventually,
  executionsWithBrokenEvents,
  expectCountersEqual,
  graph,
  node,
  sleep,
} from "../reliability/lib/suite";

const buildDir = process.env.SCALE_BUILD_DIR;
const databaseUrl = process.env.SCALE_DATABASE_URL;
if (!buildDir || !databaseUrl)
  throw new Error("run the scale suite with `npm run test:scale` (it prepares the build and the database)");

const RUNS = 500;
const RUN_TIMEOUT_MS = 10_000;
/** What every process shares: queue mode, limits out of the way, a short heartbeat timeout. */
const CLUSTER_ENV = {
  LATTICE_RUN_MODE: "queue",
  LATTICE_RUNS_PER_MINUTE: "100000",
  LATTICE_MAX_QUEUED_RUNS: "100000",
  LATTICE_RUN_TIMEOUT_MS: String(RUN_TIMEOUT_MS),
  LATTICE_QUEUE_RETRY_DELAY_SECONDS: "1",
  LATTICE_SHUTDOWN_DEADLINE_MS: "20000",
  LATTICE_DEMO_ACCOUNT: "false",
  AUTH_SECRET: "lattice-scale-secret-0123456789abcdef",
  // Lattice's SIGTERM handler decides when the process ends (drain, then exit).
  NEXT_MANUAL_SIG_HANDLE: "true",
};

const sql = suiteSql(databaseUrl);
const servers: ProductionServer[] = [];

type Worker = QueueWorkerProcess;
const workers: Worker[] = [];

async function startWorker(name: string): Promise<Worker> {
  const worker = await startQueueWorker({ name, databaseUrl: databaseUrl!, env: CLUSTER_ENV });
  workers.push(worker);
  return worker;
}

const signal = signalProcess;

/** start → echo model → slow model (~110 tokens, 2 ms apart) → end: about a third of a second. */
const runGraph = () =>
  graph(
    [
      node("start", "start"),
      node("first", "model", { provider: "local", model: "echo" }),
      node("second", "model", { provider: "local", model: "slow", latencyMs: 2 }),
      node("end", "end"),
    ],
    [edge("start", "first"), edge("first", "second"), edge("second", "end")],
  );

let a: ProductionServer;
let b: ProductionServer;
let owner: HttpUser;
let definitionId: string;

beforeAll(async () => {
  // A first: it migrates the new database and creates the queue's schema; the rest then start together.
  a = await startProductionServer({
    dir: buildDir,
    port: await freePort(),
    databaseUrl,
    env: CLUSTER_ENV,
    startTimeoutMs: 120_000,
  });
  servers.push(a);
  const [serverB] = await Promise.all([
    startProductionServer({
      dir: buildDir,
      port: await freePort(),
      databaseUrl,
      env: CLUSTER_ENV,
      startTimeoutMs: 120_000,
    }),
    startWorker("worker 1"),
    startWorker("worker 2"),
  ]);
  b = serverB;
  servers.push(b);
  owner = await signUpOverHttp(a.url, "scale");
  const saved = await callJson(a.url, "/api/workflows", {
    method: "POST",
    apiKey: owner.apiKey,
    body: { name: "Scale flow", description: "", ...runGraph() },
  });
  expect(saved.status, saved.text).toBe(201);
  definitionId = saved.json.workflow.id;
});

afterAll(async () => {
  for (const worker of workers) signal(worker.process, "SIGKILL");
  await Promise.all(servers.map((s) => s.kill("SIGKILL").catch(() => {})));
  await sql.end({ timeout: 5 });
});

/** The body of run number i: 400 saved-workflow runs (half with step checkpoints), 50 ad-hoc graphs, 50 chats. */
function bodyOf(i: number): Record<string, unknown> {
  if (i % 10 === 9) return { type: "CHAT", message: `scale chat ${i}`, async: true };
  if (i % 10 === 8)
    return { type: "CUSTOM", definition: runGraph(), input: { message: `scale custom ${i}` }, async: true };
  return {
    type: "DEFINITION",
    definitionId,
    input: { message: `scale run ${i}` },
    ...(i % 2 ? { options: { durability: "sync" } } : {}),
    async: true,
  };
}

async function countByStatus(): Promise<Record<string, number>> {
  const rows = await sql<
    Array<{ status: string; n: number }>
  >`select status, count(*)::int as n from workflow_executions where owner_id = ${owner.id} group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe("two app instances, two workers, 500 queued runs, a worker killed midway", () => {
  it("ends every run completed exactly once, and the monitor on A sees them all", async () => {
    // The monitor: instance A's status feed, open before the first run is queued.
    const monitor = new AbortController();
    const seen = new Map<string, string[]>();
    const feed = await request(a.url, "/api/executions/feed", { apiKey: owner.apiKey, signal: monitor.signal });
    expect(feed.status).toBe(200);
    const watching = readSse(feed, {
      onEvent: (message: SseMessage) => {
        if (message.event !== "run_status") return;
        const list = seen.get(message.data.executionId) ?? [];
        list.push(message.data.status);
        seen.set(message.data.executionId, list);
      },
    }).catch(() => []);

    // 500 runs, alternately through A and B, 16 requests at a time.
    const started = Date.now();
    const submitted: Array<{ id: string; via: "A" | "B"; kind: string }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < RUNS) {
          const i = next++;
          const via = i % 2 === 0 ? "A" : "B";
          const response = await callJson((via === "A" ? a : b).url, "/api/executions", {
            method: "POST",
            apiKey: owner.apiKey,
            body: bodyOf(i),
          });
          if (response.status !== 202)
            throw new Error(`run ${i} via ${via}: ${response.status} ${response.text.slice(0, 300)}`);
          expect(response.json.status).toBe("pending");
          submitted.push({ id: response.json.executionId, via, kind: String(bodyOf(i).type) });
        }
      }),
    );
    const queuedMs = Date.now() - started;
    expect(new Set(submitted.map((s) => s.id)).size).toBe(RUNS);

    // Midway — with runs in its hands — worker 1 dies.
    const [victim, survivor] = workers as [Worker, Worker];
    const holding = async () =>
      (
        await sql<Array<{ id: string }>>`
          select id from workflow_executions where owner_id = ${owner.id} and status = 'running' and instance_id = ${victim.instanceId}`
      ).map((r) => r.id);
    await eventually(
      async () => ((await countByStatus()).completed ?? 0) >= RUNS * 0.3 && (await holding()).length > 0,
      {
        timeoutMs: 180_000,
        intervalMs: 20,
        what: "worker 1 to be midway",
      },
    );
    signal(victim.process, "SIGKILL");
    await victim.exited;
    const killedAt = Date.now();
    // What it held when it died: nothing will touch these rows until a survivor finds them silent.
    const inHand = await holding();
    const completedAtKill = (await countByStatus()).completed ?? 0;

    await eventually(async () => ((await countByStatus()).completed ?? 0) === RUNS, {
      timeoutMs: 240_000,
      intervalMs: 250,
      what: "all runs to complete",
    }).catch(async (error: unknown) => {
      throw new Error(
        `${String(error)}: ${JSON.stringify(await countByStatus())}\nsurvivor:\n${survivor.output().slice(-3000)}`,
      );
    });
    const doneMs = Date.now() - started;

    // Rows: exactly the 500 submitted, all completed.
    expect(await countByStatus()).toEqual({ completed: RUNS });
    const [stored] = await sql<
      Array<{ n: number }>
    >`select count(*)::int as n from workflow_executions where id = any(${submitted.map((s) => s.id)})`;
    expect(stored!.n).toBe(RUNS);

    // Events: seq 1..n, no gap or overlap, ending with the one terminal event — which is run_completed.
    expect(await executionsWithBrokenEvents(sql, owner.id)).toEqual([]);
    const terminals = await sql<Array<{ execution_id: string; completed: number; others: number; starts: number }>>`
      select ev.execution_id,
             count(*) filter (where ev.type = 'run_completed')::int as completed,
             count(*) filter (where ev.type in ('run_failed', 'run_cancelled'))::int as others,
             count(*) filter (where ev.type = 'run_started')::int as starts
      from execution_events ev join workflow_executions e on e.id = ev.execution_id
      where e.owner_id = ${owner.id} group by ev.execution_id`;
    expect(terminals).toHaveLength(RUNS);
    expect(terminals.filter((t) => t.completed !== 1 || t.others !== 0)).toEqual([]);
    // The runs worker 1 held were finished by worker 2, in the same executions (a second run_started where
    // the first attempt's had been stored before the kill).
    expect(inHand.length).toBeGreaterThanOrEqual(1);
    const finishers = await sql<
      Array<{ id: string; instance_id: string }>
    >`select id, instance_id from workflow_executions where id = any(${inHand})`;
    expect(finishers.map((r) => r.instance_id)).toEqual(inHand.map(() => survivor.instanceId));
    const continued = terminals.filter((t) => t.starts === 2).map((t) => t.execution_id);
    expect(terminals.filter((t) => t.starts > 2)).toEqual([]);

    // Analytics: counted once each — equal to the rows, and to the numbers submitted.
    const analytics = await analyticsAgainstRows(sql, owner.id);
    expectCountersEqual(analytics.templates, "template");
    expect(analytics.templates.map((t) => t.stored_total)).toEqual([50]);

    // Chats: one question and one answer per run, and conversation aggregates equal to their messages.
    const chats = await sql<Array<{ execution_id: string; questions: number; answers: number }>>`
      select execution_id, count(*) filter (where role = 'user')::int as questions, count(*) filter (where role = 'assistant')::int as answers
      from messages where owner_id = ${owner.id} group by execution_id`;
    expect(chats).toHaveLength(50);
    expect(chats.filter((c) => c.questions !== 1 || c.answers !== 1)).toEqual([]);
    const aggregates = await sql<
      Array<{ id: string; message_count: number; counted: number; total_tokens: number; tokens: number }>
    >`
      select c.id, c.message_count, count(m.id)::int as counted, c.total_tokens::int as total_tokens, coalesce(sum(m.tokens), 0)::int as tokens
      from conversations c left join messages m on m.conversation_id = c.id
      where c.owner_id = ${owner.id} group by c.id`;
    expect(aggregates).toHaveLength(50);
    expect(aggregates.filter((c) => c.message_count !== 2 || c.counted !== 2 || c.total_tokens !== c.tokens)).toEqual(
      [],
    );

    // The queue: every job completed; the dead worker's jobs were retried. A worker marks its job complete
    // just after the run's row says so: the last few jobs may still be settling when the rows are done.
    const jobStates = () => sql<Array<{ state: string; n: number; retried: number }>>`
      select state::text, count(*)::int as n, count(*) filter (where retry_count > 0)::int as retried from pgboss.job where name = 'lattice-runs' group by state`;
    const jobs = await eventually(
      async () => {
        const states = await jobStates();
        return states.length === 1 && states[0]!.state === "completed" && states;
      },
      { timeoutMs: 15_000, what: "every job to be completed" },
    ).catch(() => jobStates());
    expect(jobs.map((j) => [j.state, j.n])).toEqual([["completed", RUNS]]);
    expect(jobs[0]!.retried).toBeGreaterThanOrEqual(inHand.length);

    // The monitor on A saw every run queued and completed — those submitted through B too.
    await eventually(async () => submitted.every((s) => seen.get(s.id)?.includes("completed")), {
      timeoutMs: 15_000,
      what: "the feed to catch up",
    }).catch(() => {});
    const missing = submitted.filter((s) => !seen.get(s.id)?.includes("completed"));
    expect(missing.map((s) => `${s.id} via ${s.via}: ${seen.get(s.id)?.join(",") ?? "nothing"}`)).toEqual([]);
    expect(submitted.filter((s) => !seen.get(s.id)?.includes("pending"))).toEqual([]);
    expect(submitted.filter((s) => s.via === "B").length).toBe(RUNS / 2);
    monitor.abort();
    await watching;

    const recoveredMs = Date.now() - killedAt;
    console.log(
      `[scale] ${RUNS} runs queued through 2 instances in ${queuedMs} ms (${Math.round((RUNS * 1000) / queuedMs)}/s); all completed in ${doneMs} ms ` +
        `(${Math.round((RUNS * 1000) / doneMs)} runs/s); worker 1 killed after ${completedAtKill} completions holding ${inHand.length} run(s); ` +
        `${continued.length} run(s) continued by worker 2; last completion ${recoveredMs} ms after the kill`,
    );
  });

  it("SIGTERM on instance B: new runs get 503 with Retry-After, the run streaming from it finishes, then it exits", async () => {
    const slow = graph(
      [
        node("start", "start"),
        node("model", "model", { provider: "local", model: "slow", latencyMs: 25 }),
        node("end", "end"),
      ],
      [edge("start", "model"), edge("model", "end")],
    );
    const streaming = await request(b.url, "/api/executions", {
      method: "POST",
      apiKey: owner.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: slow, input: { message: "finish before you go" } },
    });
    expect(streaming.status).toBe(200);
    let firstEvent: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstEvent = resolve));
    const reading = readSse(streaming, { onEvent: () => firstEvent() });
    await started;

    const exited = b.kill("SIGTERM");
    await sleep(300);
    const refused = await callJson(b.url, "/api/executions", {
      method: "POST",
      apiKey: owner.apiKey,
      body: { type: "CUSTOM", definition: slow, input: { message: "too late" } },
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("unavailable:shutting_down");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await request(b.url, "/api/health")).status).toBe(503);
    // Instance A still takes runs.
    expect(
      (
        await callJson(a.url, "/api/executions", {
          method: "POST",
          apiKey: owner.apiKey,
          body: { type: "CUSTOM", definition: runGraph(), input: {}, async: true },
        })
      ).status,
    ).toBe(202);

    const events = await reading;
    expect(events.at(-1)?.event).toBe("run_completed");
    await exited;
    expect(b.output()).toMatch(/1 run\(s\) finished, 0 interrupted/);
    servers.splice(servers.indexOf(b), 1);

    // The surviving worker stops the same way: it exits on SIGTERM with nothing left behind.
    const survivor = workers[1]!;
    signal(survivor.process, "SIGTERM");
    expect(await survivor.exited).toBe(0);
    expect(survivor.output()).toMatch(/Lattice worker: \d+ finished, 0 handed back/);
  });
});
