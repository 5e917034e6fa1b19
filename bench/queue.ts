/**
 * Queued-run throughput with 1, 2 and 4 worker processes (`npm run worker`, queue mode) on this machine.
 *
 * For each worker count W: N runs of the 3-node chat graph (start → local echo model → end, the graph of
 * the performance budget) are enqueued first, through the same `enqueueRun` the API uses (pending row + job
 * in one transaction each; 16 concurrent callers, one user — the enqueue rate is reported too), scheduled
 * an hour ahead so that nothing starts yet. Then W worker processes start (each running
 * LATTICE_WORKER_CONCURRENCY jobs at once) and warm up on 40 runs each; once all are up and warm the jobs
 * are made due at once (their start_after moved to now, workers woken by NOTIFY): every worker drains from
 * the same moment.
 * Throughput is measured from the execution rows, over the middle 80 % of completions (the 10th to the 90th
 * percentile completion time), so worker start-up and the last stragglers do not count; run duration
 * (started → completed, as the tracker recorded it) is reported as percentiles. The workers are then
 * stopped with SIGTERM (graceful) before the next round. Every run must complete: the round fails otherwise.
 *
 *   npx tsx --conditions=react-server bench/queue.ts                 # N=600 per round, concurrency 8
 *   npx tsx --conditions=react-server bench/queue.ts --runs 200 --workers 1,2 --concurrency 4 --profiles waiting
 * Env: BENCH_QUEUE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lattice_bench_queue; dropped
 * and re-created at the start). Writes bench-results/queue-<time>.json; method and figures in
 * docs/performance.md ("Queue mode").
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { ulid } from "ulid";
import { prepareBenchDatabase } from "./lib/database";
import { quantile, round } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "600" },
    workers: { type: "string", default: "1,2,4" },
    concurrency: { type: "string", default: "8" },
    profiles: { type: "string", default: "instant,waiting" },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const RUNS = Number(args.runs);
const WORKER_COUNTS = args.workers.split(",").map(Number);
const CONCURRENCY = Number(args.concurrency);
/**
 * instant: the model answers at once, so a run is pure CPU (engine, tracker, queue) — the worst case for
 * adding workers on 2 cores. waiting: the model takes ~10 ms per token (~0.2 s per answer), like a remote
 * LLM API — runs mostly wait, and concurrency (more jobs per worker, more workers) is what raises throughput.
 */
const PROFILES = args.profiles.split(",") as Array<"instant" | "waiting">;
const url = await prepareBenchDatabase({
  fresh: true,
  url: process.env.BENCH_QUEUE_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/lattice_bench_queue",
});

// This process enqueues, like an app instance in queue mode (env is read lazily, on first use).
Object.assign(process.env, {
  DATABASE_URL: url,
  LATTICE_RUN_MODE: "queue",
  LATTICE_RUNS_PER_MINUTE: "100000",
  LATTICE_MAX_QUEUED_RUNS: "1000000",
  LATTICE_DEMO_ACCOUNT: "false",
});
const { closeDb, getDbHandle } = await import("@/lib/db/client");
const { createUserWithPassword } = await import("@/lib/db/queries/users");
const { enqueueRun } = await import("@/lib/services/enqueue");
const { stopQueueBoss } = await import("@/lib/queue/boss");
const { getWorkflowTracker } = await import("@/lib/tracking/workflow-tracker");

const chatGraph = (profile: "instant" | "waiting") => ({
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
    {
      id: "model",
      type: "model",
      position: { x: 240, y: 0 },
      data: { config: { provider: "local", model: "echo", ...(profile === "waiting" ? { latencyMs: 10 } : {}) } },
    },
    { id: "end", type: "end", position: { x: 480, y: 0 }, data: { config: {} } },
  ],
  edges: [
    { id: "e1", source: "start", target: "model" },
    { id: "e2", source: "model", target: "end" },
  ],
  metadata: {},
});

interface Worker {
  process: ChildProcess;
  exited: Promise<number | null>;
}

async function startWorker(): Promise<Worker> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: "", LATTICE_WORKER_CONCURRENCY: String(CONCURRENCY) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!/Lattice worker \S+:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`a worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, exited };
}

/** CPU time a process has used (user + system), in ms, from /proc (clock ticks of 10 ms); 0 when gone. */
function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The server processes of the benchmark's database (its connections), by pid. */
async function databaseBackends(): Promise<number[]> {
  const rows = await sql<
    Array<{ pid: number }>
  >`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

/** Process CPU time of the whole machine over a window (user + system, all cores), as a share of one core. */
function cpuSnapshot() {
  const total = () => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.sys + c.times.nice + c.times.irq, 0);
  const start = total();
  const at = Date.now();
  return () => (total() - start) / (Date.now() - at);
}

const handle = await getDbHandle();
const sql = postgres(url, { max: 2, onnotice: () => {} });
const user = (await createUserWithPassword({
  email: `queue-bench-${ulid().toLowerCase()}@bench.local`,
  name: "Queue bench",
  passwordHash: "x",
}))!;
console.error(
  `queue bench: ${RUNS} runs per round, workers ${WORKER_COUNTS.join("/")}, concurrency ${CONCURRENCY} each, on ${handle.location}`,
);

interface Round {
  profile: "instant" | "waiting";
  workers: number;
  concurrency: number;
  runs: number;
  completed: number;
  /** Completions per second over the 10th–90th percentile completion window. */
  runsPerSec: number;
  /** Runs made due to the last completion. */
  drainSeconds: number;
  enqueuePerSec: number;
  durationMs: { p50: number; p95: number };
  /** Machine CPU while the workers drained the queue, in cores (2 = both cores busy). */
  cpuCores: number;
  /** CPU time per run: the worker processes, and the database server's processes serving this database. */
  cpuMsPerRun: { workers: number; database: number };
}

/** Waits until every one of `ids` has completed; throws if one ends otherwise or time runs out. */
async function waitForCompletion(ids: string[]): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const [row] = await sql<Array<{ done: number; failed: number }>>`
      select count(*) filter (where status = 'completed')::int as done, count(*) filter (where status in ('failed', 'cancelled', 'interrupted'))::int as failed
      from workflow_executions where id = any(${ids})`;
    if (row!.failed > 0) throw new Error(`${row!.failed} run(s) did not complete`);
    if (row!.done === ids.length) return;
    if (Date.now() > deadline) throw new Error(`only ${row!.done} of ${ids.length} runs completed in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const WARMUP_PER_WORKER = 40;
const rounds: Round[] = [];
for (const profile of PROFILES)
  for (const count of WORKER_COUNTS) {
    const first = Date.now();
    const later = new Date(first + 3_600_000);
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < RUNS) {
          const i = next++;
          const queued = await enqueueRun({
            ownerId: user.id,
            request: { type: "CUSTOM", definition: chatGraph(profile), input: { message: `bench ${i}` } },
            runAt: later,
          });
          ids.push(queued.executionId);
        }
      }),
    );
    const enqueuedMs = Date.now() - first;
    const workers = await Promise.all(Array.from({ length: count }, () => startWorker()));
    // Warm-up: a few runs per worker, due now, so every process has compiled its hot paths (a long-lived
    // worker's steady state is what is measured, not a cold process's first runs).
    const warmups = await Promise.all(
      Array.from({ length: WARMUP_PER_WORKER * count }, (_, i) =>
        enqueueRun({
          ownerId: user.id,
          request: { type: "CUSTOM", definition: chatGraph(profile), input: { message: `warm-up ${i}` } },
        }).then((q) => q.executionId),
      ),
    );
    await waitForCompletion(warmups);
    // All workers are up, warm and idle: the measured runs become due now.
    await sql`update pgboss.job set start_after = now() where name = 'lattice-runs' and state = 'created'`;
    await sql`select pg_notify('lattice_queue_wake', '')`;
    const cpu = cpuSnapshot();
    const backendsBefore = new Map((await databaseBackends()).map((pid) => [pid, processCpuMs(pid)]));
    const workersBefore = workers.map((w) => processCpuMs(w.process.pid!));
    const drainStarted = Date.now();
    await waitForCompletion(ids);
    const cores = cpu();
    const workerCpuMs = workers.reduce((sum, w, i) => sum + processCpuMs(w.process.pid!) - workersBefore[i]!, 0);
    const databaseCpuMs = (await databaseBackends()).reduce(
      (sum, pid) => sum + processCpuMs(pid) - (backendsBefore.get(pid) ?? 0),
      0,
    );
    const rows = await sql<Array<{ started: number; completed: number }>>`
    select extract(epoch from started_at) * 1000 as started, extract(epoch from completed_at) * 1000 as completed
    from workflow_executions where id = any(${ids}) order by completed_at`;
    const completions = rows.map((r) => Number(r.completed)).sort((a, b) => a - b);
    const t10 = quantile(completions, 0.1);
    const t90 = quantile(completions, 0.9);
    const between = completions.filter((t) => t > t10 && t <= t90).length;
    const durations = rows.map((r) => Number(r.completed) - Number(r.started)).sort((a, b) => a - b);
    const round_: Round = {
      profile,
      workers: count,
      concurrency: CONCURRENCY,
      runs: RUNS,
      completed: rows.length,
      runsPerSec: round(between / ((t90 - t10) / 1000), 1),
      drainSeconds: round(((completions.at(-1) ?? drainStarted) - drainStarted) / 1000, 2),
      enqueuePerSec: round(RUNS / (enqueuedMs / 1000), 1),
      durationMs: { p50: round(quantile(durations, 0.5), 1), p95: round(quantile(durations, 0.95), 1) },
      cpuCores: round(cores, 2),
      cpuMsPerRun: { workers: round(workerCpuMs / RUNS, 1), database: round(databaseCpuMs / RUNS, 1) },
    };
    rounds.push(round_);
    console.error(JSON.stringify(round_));
    for (const w of workers) w.process.kill("SIGTERM");
    const codes = await Promise.all(workers.map((w) => w.exited));
    if (codes.some((c) => c !== 0)) throw new Error(`a worker exited with ${codes.join(",")}`);
  }

const report = {
  stamp: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? "",
    node: process.version,
    loadavgAtEnd: os.loadavg(),
  },
  graph:
    "start → local echo model → end (CUSTOM), durability exit; waiting: the model streams with 10 ms between tokens",
  rounds,
};
fs.mkdirSync(path.join(ROOT, "bench-results"), { recursive: true });
const file = path.join(ROOT, "bench-results", `queue-${report.stamp.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

console.log(
  "| model | workers × concurrency | runs/s (steady) | drain | run p50 / p95 (ms) | machine CPU (cores) | CPU ms/run: workers + database | enqueue/s |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rounds) {
  console.log(
    `| ${r.profile} | ${r.workers} × ${r.concurrency} | ${r.runsPerSec} | ${r.drainSeconds} s for ${r.runs} | ${r.durationMs.p50} / ${r.durationMs.p95} | ${r.cpuCores} | ${r.cpuMsPerRun.workers} + ${r.cpuMsPerRun.database} | ${r.enqueuePerSec} |`,
  );
}
console.error(`written to ${path.relative(ROOT, file)}`);

await sql.end({ timeout: 5 });
await stopQueueBoss();
await getWorkflowTracker().bus.close();
await closeDb();
