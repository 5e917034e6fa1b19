/**
 * Lattice against its peers in ONE run: Flowise 3.1.4, raw LangGraph (MemorySaver and the official
 * PostgresSaver) and, when installed, n8n 1.123 — the everyday path, a chat with memory answered by an
 * OpenAI-compatible model over HTTP, interleaved in rounds so a noisy machine hits every system alike.
 * A port of the reference peer harness (setup.sh + three-way.sh + three-way.mjs) with the same workload,
 * wire server, Flowise chatflow, raw graphs, 10-turn conversations, interleaving and statistics, so its
 * figures compare with an independent run of that harness.
 *
 * Measures, per system and in-flight count (1 and --concurrency): turns/s (median of rounds, range), p50,
 * p99, errors; Lattice ÷ Flowise and Lattice ÷ raw ratios; streamed first token p50/p99 for all three. Also
 * CPU ms per request of each server's process tree and of PostgreSQL (from /proc), each server's RSS before
 * and after, and the run's conditions. Writes bench-results/peers-<time>.{json,txt}.
 *
 *   npm run bench -- --peers              # 3 rounds (~6 min on 2 cores; best on an otherwise idle machine)
 *   npm run bench -- --peers --quick      # smoke run: 1 round, small counts — checks the harness, not figures
 *   options: --rounds --n --n-conc --concurrency --stream-n --warmup --max-seconds --raw-savers=memory,postgres
 *            --json=FILE (the raw figures also there) --rebuild (force `next build`)
 *            --no-extra (only the shared harness's cases: leaves out Lattice's template chat and streamed-turn rows)
 *            --timeline (Lattice started with bench/timeline/preload.cjs: where its streamed turns spend their time)
 *            --stream-gap-ms=N (diagnostic: every other streamed turn starts after N ms of quiet, reported apart)
 *
 * First run: installs the peers outside the repository, in ${XDG_CACHE_HOME:-~/.cache}/lattice-peers
 * (bench/peers/setup.ts; Flowise is ~3 GB and 5-10 min). Then each run starts: the wire server, Flowise on
 * SQLite in a temp folder, this checkout's production build (`next start`, built if no build exists) on a
 * fresh PostgreSQL database, n8n if installed (NO_N8N=1 leaves it out), all on loopback; and stops them.
 * Env: BENCH_DATABASE_URL (its server; default postgres://postgres@127.0.0.1:5432) — databases
 * lattice_bench_peer (Lattice) and bench_raw (raw LangGraph's PostgresSaver) are dropped and created.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureProductionBuild, freePort, removeSnapshot, snapshotBuild } from "../../tests/helpers/production-server";
import { prepareBenchDatabase } from "../lib/database";
import { benchServerEnv } from "../lib/server-env";
import { fmt, median, table } from "./measure";
import {
  cpuBetween,
  processTree,
  sameProcess,
  snapshotUsage,
  treeRssBytes,
  type CpuDelta,
  type UsageSnapshot,
} from "./process-usage";
import { ensurePeersInstalled, n8nInstalled, peerPaths } from "./setup";
import { runThreeWay, type ThreeWayOptions, type ThreeWayResult } from "./three-way";
import type { WireStats } from "./wire-server";
import type { LatticeStreamResult } from "./lattice-client";
import { type Entry, phasesOf, turnsOf } from "../timeline/phases";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RESULTS = path.join(ROOT, "bench-results");
const LATTICE_DB = "lattice_bench_peer";
const RAW_DB = "bench_raw";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    n: { type: "string" },
    "n-conc": { type: "string" },
    concurrency: { type: "string" },
    "stream-n": { type: "string" },
    /** Diagnostic: every other streamed turn, each system's waits this long first (reported apart). */
    "stream-gap-ms": { type: "string" },
    warmup: { type: "string" },
    "max-seconds": { type: "string" },
    "raw-savers": { type: "string" },
    json: { type: "string" },
    rebuild: { type: "boolean", default: false },
    /** Lattice's socket timeline of the streaming phase (bench/timeline/preload.cjs), beside the peers. */
    timeline: { type: "boolean", default: false },
    /** Only the shared harness's cases (no template chat, no streamed-turn throughput). */
    "no-extra": { type: "boolean", default: false },
  },
});

/** An option's value: the one given, else the quick run's, else the reference harness's default. */
const num = (name: keyof typeof args, full: number, quick: number) => {
  const given = args[name];
  if (typeof given === "string") {
    const value = Number(given);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${given}"`);
    return value;
  }
  return args.quick ? quick : full;
};

// --------------------------------------------------------------------------------------------------------
// What this process started, stopped by PID whatever happens.
// --------------------------------------------------------------------------------------------------------

const children: Array<{ name: string; child: ChildProcess }> = [];
const tempDirs: string[] = [];
let snapshot: string | undefined;
let cleaning: Promise<void> | undefined;

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child) || !child.pid) return;
  // The server and whatever it started, each by its PID (and start time, so a reused PID is never signalled).
  const snap = snapshotUsage();
  const tree = processTree(snap, child.pid).map((pid) => ({ pid, start: snap.procs.get(pid)!.start }));
  const signal = (sig: NodeJS.Signals) => {
    for (const { pid, start } of tree) {
      if (!sameProcess(pid, start)) continue;
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  const gone = new Promise<void>((resolve) => (exited(child) ? resolve() : child.once("exit", () => resolve())));
  const wait = (ms: number) => Promise.race([gone, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
  signal("SIGTERM");
  await wait(10_000);
  signal("SIGKILL"); // what did not stop in time, and descendants that outlived their parent
  await wait(2_000);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(children.map(({ child }) => stopChild(child)));
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    if (snapshot) removeSnapshot(snapshot);
  })();
  return cleaning;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    console.error(`\n[peers] ${sig}: stopping what this run started…`);
    void cleanup().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  });
}

/** Starts a server process whose output goes to a log file (not through this process: it measures). */
function startProcess(
  name: string,
  command: string,
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
): ChildProcess {
  const fd = fs.openSync(options.log, "w");
  const child = spawn(command, argv, { cwd: options.cwd, env: options.env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  children.push({ name, child });
  return child;
}

const tail = (file: string, lines = 20) => {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
};

async function waitUntil(
  what: string,
  child: ChildProcess,
  url: string,
  log: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited(child))
      throw new Error(`${what} exited during start (code ${child.exitCode ?? child.signalCode}):\n${tail(log)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The environment without what would change how a server under test behaves (ours are set explicitly). */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(npm_|LATTICE_|DATABASE_URL$|OPENAI_|ANTHROPIC_|OLLAMA_|NODE_OPTIONS$|PORT$|HOST$)/.test(k),
    ),
  ) as NodeJS.ProcessEnv;
}

function databaseUrl(name: string): string {
  const u = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432");
  u.pathname = `/${name}`;
  return u.toString();
}

function gitDescription(): string {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git("rev-parse", "--short", "HEAD");
  return head
    ? `${head}${git("status", "--porcelain", "--untracked-files=no") ? " + uncommitted changes" : ""}`
    : "unknown";
}

const mib = (bytes: number | undefined) => (bytes === undefined ? "?" : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);

// --------------------------------------------------------------------------------------------------------

async function main() {
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const conditions = {
    date: started.toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? "?",
    loadavgAtStart: os.loadavg(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    lattice: gitDescription(),
    quick: args.quick,
  };

  ensurePeersInstalled("all");
  const peers = peerPaths();
  const withN8n = n8nInstalled() && process.env.NO_N8N !== "1";

  const latticeDbUrl = await prepareBenchDatabase({ fresh: true, url: databaseUrl(LATTICE_DB) });
  const rawDbUrl = await prepareBenchDatabase({ fresh: true, url: databaseUrl(RAW_DB) });

  console.error("[peers] next build (under /tmp/heavy.lock) unless a finished build exists…");
  ensureProductionBuild({ rebuild: args.rebuild });
  snapshot = snapshotBuild();
  const buildId = fs.readFileSync(path.join(snapshot, ".next", "BUILD_ID"), "utf8").trim();

  const data = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-peers-"));
  tempDirs.push(data);
  const [wirePort, flowisePort, latticePort, n8nPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const tiktokenPreload = path.join(import.meta.dirname, "offline-tiktoken.cjs");

  const wireLog = path.join(data, "fake.log");
  const wire = startProcess(
    "wire server",
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "wire-server.ts"), `--port=${wirePort}`, "--ttl=3600"],
    {
      cwd: ROOT,
      env: baseEnv(),
      log: wireLog,
    },
  );
  const openaiUrl = `http://127.0.0.1:${wirePort}/v1`;

  const flowiseLog = path.join(data, "flowise.log");
  const flowise = startProcess(
    "Flowise",
    process.execPath,
    [path.join(peers.flowise, "node_modules", "flowise", "bin", "run"), "start"],
    {
      cwd: peers.flowise,
      env: {
        ...baseEnv(),
        HOST: "127.0.0.1",
        PORT: String(flowisePort),
        DATABASE_TYPE: "sqlite",
        DATABASE_PATH: data,
        SECRETKEY_PATH: data,
        LOG_PATH: path.join(data, "logs"),
        BLOB_STORAGE_PATH: path.join(data, "storage"),
        DISABLE_FLOWISE_TELEMETRY: "true",
        NODE_OPTIONS: `--require ${tiktokenPreload}`,
        BENCH_TIKTOKEN_PATHS: path.join(peers.flowise, "node_modules"),
      },
      log: flowiseLog,
    },
  );

  const latticeLog = path.join(data, "lattice.log");
  const timelineFile = path.join(data, "timeline.json");
  const lattice = startProcess(
    "Lattice",
    process.execPath,
    [
      ...(args.timeline ? ["--require", path.join(import.meta.dirname, "..", "timeline", "preload.cjs")] : []),
      path.join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(latticePort),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: snapshot,
      env: {
        ...baseEnv(),
        ...benchServerEnv({ databaseUrl: latticeDbUrl, openaiUrl }),
        NODE_OPTIONS: "",
        PORT: String(latticePort),
        ...(args.timeline ? { TIMELINE_OUT: timelineFile } : {}),
      },
      log: latticeLog,
    },
  );

  let n8n: ChildProcess | undefined;
  const n8nLog = path.join(data, "n8n.log");
  if (withN8n) {
    // n8n 1.123 on Node 20: isolated-vm does not build, so the legacy expression engine; its own SQLite in the temp folder.
    n8n = startProcess("n8n", process.execPath, [path.join(peers.n8n, "node_modules", "n8n", "bin", "n8n"), "start"], {
      cwd: peers.n8n,
      env: {
        ...baseEnv(),
        N8N_EXPRESSION_ENGINE: "legacy",
        N8N_USER_FOLDER: path.join(data, "n8n"),
        N8N_LISTEN_ADDRESS: "127.0.0.1",
        N8N_PORT: String(n8nPort),
        N8N_DIAGNOSTICS_ENABLED: "false",
        N8N_VERSION_NOTIFICATIONS_ENABLED: "false",
        N8N_TEMPLATES_ENABLED: "false",
        N8N_PERSONALIZATION_ENABLED: "false",
        N8N_RUNNERS_ENABLED: "false",
        N8N_SECURE_COOKIE: "false",
        NODE_OPTIONS: `--require ${tiktokenPreload}`,
        BENCH_TIKTOKEN_PATHS: path.join(peers.n8n, "node_modules"),
      },
      log: n8nLog,
    });
  }

  const flowiseUrl = `http://127.0.0.1:${flowisePort}`;
  const latticeUrl = `http://127.0.0.1:${latticePort}`;
  const n8nUrl = `http://127.0.0.1:${n8nPort}`;
  await Promise.all([
    waitUntil("the wire server", wire, `http://127.0.0.1:${wirePort}/stats`, wireLog),
    waitUntil("Flowise", flowise, `${flowiseUrl}/api/v1/ping`, flowiseLog),
    waitUntil("Lattice", lattice, `${latticeUrl}/api/health`, latticeLog),
    ...(n8n ? [waitUntil("n8n", n8n, `${n8nUrl}/healthz`, n8nLog)] : []),
  ]);

  const servers: Record<string, number> = {
    flowise: flowise.pid!,
    lattice: lattice.pid!,
    ...(n8n ? { n8n: n8n.pid! } : {}),
    wire: wire.pid!,
  };
  const rss = () => Object.fromEntries(Object.entries(servers).map(([name, pid]) => [name, treeRssBytes(pid)]));
  const rssUp = rss();
  const rssLine = (r: Record<string, number | undefined>) =>
    `Flowise RSS ${mib(r.flowise)}, Lattice RSS ${mib(r.lattice)}${n8n ? `, n8n RSS ${mib(r.n8n)}` : ""}`;
  console.log(`[three-way] up: ${rssLine(rssUp)}`);

  const wireStats = async (): Promise<WireStats> =>
    (await (await fetch(`http://127.0.0.1:${wirePort}/stats`)).json()) as WireStats;
  interface Usage {
    cpu: CpuDelta;
    modelCalls: number;
    seconds: number;
  }
  const meter = {
    async start(): Promise<{ snap: UsageSnapshot; wire: WireStats; at: number }> {
      const wire = await wireStats();
      return { wire, snap: snapshotUsage(), at: performance.now() };
    },
    async stop(s: { snap: UsageSnapshot; wire: WireStats; at: number }): Promise<Usage> {
      const seconds = (performance.now() - s.at) / 1000;
      const snap = snapshotUsage();
      const wire = await wireStats();
      return {
        cpu: cpuBetween(s.snap, snap, servers, [LATTICE_DB, RAW_DB]),
        modelCalls: wire.chat + wire.chatStream - s.wire.chat - s.wire.chatStream,
        seconds,
      };
    },
  };

  const opt: ThreeWayOptions = {
    latticeUrl,
    flowiseUrl,
    ...(n8n ? { n8nUrl } : {}),
    openaiUrl,
    pgUrl: rawDbUrl,
    n: num("n", 200, 20),
    nConc: num("n-conc", 400, 40),
    concurrency: num("concurrency", 16, 16),
    rounds: num("rounds", 3, 1),
    maxSeconds: num("max-seconds", 60, 60),
    warmup: num("warmup", 30, 10),
    streamN: num("stream-n", 40, 8),
    streamGapMs: Number(args["stream-gap-ms"] ?? 0),
    rawSavers: (args["raw-savers"] ?? "memory,postgres").split(",").filter(Boolean),
    latticeExtra: !args["no-extra"],
    ...(args.timeline
      ? {
          streamPhase: {
            before: async () => {
              await dumpTimeline(lattice, timelineFile);
            },
            after: async (turns) => {
              timelineText = streamTimeline(await dumpTimeline(lattice, timelineFile), turns);
            },
          },
        }
      : {}),
  };
  let timelineText = "";

  let result: ThreeWayResult<Usage>;
  try {
    result = await runThreeWay(opt, meter);
  } catch (error) {
    console.error(`--- lattice log\n${tail(latticeLog)}\n--- flowise log\n${tail(flowiseLog)}`);
    throw error;
  }
  const rssAfter = rss();
  console.log(`[three-way] after: ${rssLine(rssAfter)}`);

  // CPU per request: each round's figure, then the median across rounds.
  // Lattice's cases (workflow, template, streamed) all run on the one Lattice server.
  const serverOf = (kind: string) => (kind === "raw" ? undefined : kind.startsWith("lattice") ? "lattice" : kind);
  const usesPostgres = (row: { kind: string; saver?: string }) =>
    row.kind.startsWith("lattice") || (row.kind === "raw" && row.saver === "postgres");
  const cpuRows = result.rows.map((row, i) => {
    const rounds = result.usage[i]!;
    const per = (f: (u: Usage) => number) => median(rounds.map(({ usage, n }) => (n > 0 ? f(usage) / n : NaN)));
    const server = serverOf(row.kind);
    return {
      label: row.label,
      kind: row.kind,
      conc: row.conc,
      serverCpuMsPerReq: server ? per((u) => u.cpu.servers[server] ?? NaN) : per((u) => u.cpu.bench),
      postgresCpuMsPerReq: per((u) => u.cpu.postgres),
      postgresOursCpuMsPerReq: per((u) => u.cpu.postgresOurs),
      benchCpuMsPerReq: per((u) => u.cpu.bench),
      wireCpuMsPerReq: per((u) => u.cpu.servers.wire ?? NaN),
      modelCallsPerReq: per((u) => u.modelCalls),
      serverCoresBusy: median(
        rounds.map(
          ({ usage }) => (server ? (usage.cpu.servers[server] ?? NaN) : usage.cpu.bench) / 1000 / usage.seconds,
        ),
      ),
      usesPostgres: usesPostgres(row),
    };
  });
  const streamPer = (f: (u: Usage) => number) => median(result.streamUsage.map((u) => f(u) / opt.streamN));
  const streamCpu = {
    flowiseMsPerTurn: streamPer((u) => u.cpu.servers.flowise ?? NaN),
    latticeMsPerTurn: streamPer((u) => u.cpu.servers.lattice ?? NaN),
    benchMsPerTurn: streamPer((u) => u.cpu.bench),
    postgresMsPerTurn: streamPer((u) => u.cpu.postgres),
    modelCallsPerTurn: streamPer((u) => u.modelCalls),
  };

  const out: string[] = [];
  out.push(`Lattice peer comparison ${conditions.date}${args.quick ? " (QUICK: harness check, not figures)" : ""}`);
  out.push(
    `machine: ${conditions.cpus} × ${conditions.cpuModel}, ${conditions.memoryGiB.toFixed(1)} GiB, load average at start ${conditions.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}; Node ${conditions.node}`,
  );
  out.push(
    `Lattice ${conditions.lattice} (build ${buildId}); Flowise ${JSON.stringify(result.flowiseVersion)}; raw ${Object.entries(
      result.rawVersions,
    )
      .map(([p, v]) => `${p} ${v}`)
      .join(", ")}${n8n ? "; n8n 1.123.81" : ""}`,
  );
  out.push(
    `options: rounds ${opt.rounds}, n ${opt.n}, n-conc ${opt.nConc}, concurrency ${opt.concurrency}, stream-n ${opt.streamN}, warmup ${opt.warmup}, raw savers ${opt.rawSavers.join(",")}`,
  );
  out.push(result.text);
  out.push(
    `\nStreamed answers that were not the fixed reply: lattice ${result.streamWrongAnswers.lattice}, flowise ${result.streamWrongAnswers.flowise}, raw ${result.streamWrongAnswers.raw}`,
  );
  out.push(
    `\nCPU ms per request over each measured phase (/proc/<pid>/stat utime+stime of the server's process tree; medians across rounds)\n`,
  );
  out.push(
    table(cpuRows, [
      { h: "system", f: (x) => x.label },
      { h: "in-flight", f: (x) => x.conc },
      { h: "server CPU ms/req", f: (x) => fmt(x.serverCpuMsPerReq, 2) + (x.kind === "raw" ? "*" : "") },
      { h: "server cores busy", f: (x) => fmt(x.serverCoresBusy, 2) },
      { h: "PostgreSQL CPU ms/req", f: (x) => (x.usesPostgres ? fmt(x.postgresCpuMsPerReq, 2) : "-") },
      { h: "(its backends)", f: (x) => (x.usesPostgres ? fmt(x.postgresOursCpuMsPerReq, 2) : "-") },
      { h: "bench process CPU ms/req", f: (x) => fmt(x.benchCpuMsPerReq, 2) },
      { h: "model calls/req", f: (x) => fmt(x.modelCallsPerReq, 2) },
    ]),
  );
  out.push(
    "* raw LangGraph runs inside the bench process: its figure is that process's CPU (graph, ChatOpenAI client and load loop).\n" +
      "PostgreSQL = every `postgres` process on the machine (anyone else's load included); (its backends) = only the connections to " +
      `${LATTICE_DB} / ${RAW_DB} still open at the end of the phase. Bench process = the load generator and HTTP clients.`,
  );
  out.push(
    `\nStreaming phase CPU ms per streamed turn (sequential, interleaved): Flowise ${fmt(streamCpu.flowiseMsPerTurn, 2)}, Lattice ${fmt(streamCpu.latticeMsPerTurn, 2)}, ` +
      `bench process (raw graph + all clients) ${fmt(streamCpu.benchMsPerTurn, 2)}, PostgreSQL (Lattice and raw+postgres together) ${fmt(streamCpu.postgresMsPerTurn, 2)}; ` +
      `model calls per turn of the three ${fmt(streamCpu.modelCallsPerTurn, 2)}`,
  );
  out.push(`\nRSS of each server's process tree: up ${rssLine(rssUp)}; after ${rssLine(rssAfter)}`);
  if (timelineText) out.push(timelineText);
  const text = out.join("\n");
  console.log(text);

  const report = {
    conditions: {
      ...conditions,
      buildId,
      peers: { flowise: result.flowiseVersion, raw: result.rawVersions, n8n: n8n ? "1.123.81" : null },
    },
    opt,
    rows: result.rows,
    ratios: result.ratios,
    streaming: result.streaming,
    streamWrongAnswers: result.streamWrongAnswers,
    cpu: {
      perCase: cpuRows,
      streaming: streamCpu,
      rounds: result.rows.map((row, i) => ({ label: row.label, conc: row.conc, rounds: result.usage[i] })),
      streamRounds: result.streamUsage,
    },
    rss: { up: rssUp, after: rssAfter },
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  const jsonFile = path.join(RESULTS, `peers-${stamp}.json`);
  fs.writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(RESULTS, `peers-${stamp}.txt`), `${text}\n`);
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2));
  console.error(`[peers] wrote ${path.relative(ROOT, jsonFile)} and peers-${stamp}.txt`);
}

/** What the server's preload recorded since the last dump (SIGUSR2 writes it and starts afresh). */
async function dumpTimeline(server: ChildProcess, file: string): Promise<Entry[]> {
  fs.rmSync(file, { force: true });
  server.kill("SIGUSR2");
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  return JSON.parse(fs.readFileSync(file, "utf8")) as Entry[];
}

/**
 * Lattice's streamed turns of the streaming phase, the client's clock and the server's side by side (both
 * read the machine's monotonic clock): the request's way in, each step on the server from its arrival, and
 * the first token's way out to the client.
 */
function streamTimeline(log: Entry[], turns: LatticeStreamResult[]): string {
  const server = turnsOf(log, "POST /api/chat");
  if (server.length !== turns.length)
    return `\nLattice timeline: ${server.length} requests on the server, ${turns.length} turns on the client; not matched`;
  const steps = new Map<string, number[]>();
  const add = (name: string, ms: number | undefined) => {
    if (ms !== undefined && Number.isFinite(ms)) steps.set(name, [...(steps.get(name) ?? []), ms]);
  };
  server.forEach((turn, i) => {
    const client = turns[i]!;
    const arrived = turn[0]![0];
    const phases = phasesOf(turn);
    add("client sent → request in", arrived - client.sentAt);
    for (const [name, at] of phases) if (name !== "request in") add(`request in → ${name}`, at - arrived);
    const tokenOut = phases.get("first token out");
    if (tokenOut !== undefined) add("first token out → client read it", client.sentAt + client.firstTokenMs - tokenOut);
    add("client: first token", client.firstTokenMs);
  });
  const rows = [...steps].map(([name, xs]) => `  ${name.padEnd(48)} ${median(xs).toFixed(2).padStart(7)} ms`);
  return `\nLattice's streamed turns beside the peers (${turns.length} turns; p50; the server's socket timeline)\n${rows.join("\n")}`;
}

// Exits once everything is stopped: an error midway can leave pools and sockets that would keep it alive.
main().then(
  () => cleanup().then(() => process.exit(0)),
  async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  },
);
