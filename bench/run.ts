/**
 * `npm run bench`: every benchmark of issue 9 in one go, on the local PostgreSQL, ending with one table per
 * benchmark and its ratios against the baselines measured in the same run. Writes each benchmark's figures
 * and a summary to bench-results/ (gitignored). Methods and the latest figures: docs/performance.md.
 *
 *   npm run bench                      # full run (a few minutes; the machine should be otherwise idle)
 *   npm run bench -- --quick           # short runs: checks the harness works
 *   npm run bench -- --only engine,http,fanout,scaling,editor,monitor
 *   npm run bench -- --rebuild         # force `next build` first (default: reuse a finished build)
 *   npm run bench -- --peers [--quick] # only the comparison with Flowise and raw LangGraph (bench/peers/run.ts,
 *                                      # which takes its own options: --rounds --n --n-conc --concurrency …)
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lattice_bench; created, and dropped
 * and re-created at the start of each run).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ensureProductionBuild,
  freePort,
  removeSnapshot,
  snapshotBuild,
  startProductionServer,
} from "../tests/helpers/production-server";
import { prepareBenchDatabase } from "./lib/database";
import { renderReport, type BenchReports } from "./lib/report";

/** `--peers` runs bench/peers/run.ts alone, every other argument handed to it (its options are its own). */
const PEERS = process.argv.includes("--peers");
const { values: args } = parseArgs({
  args: PEERS ? [] : process.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    rebuild: { type: "boolean", default: false },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "bench-results");
const ALL = ["engine", "scaling", "http", "fanout", "editor", "monitor"] as const;
type Bench = (typeof ALL)[number];
const selected = new Set<Bench>(args.only ? (args.only.split(",") as Bench[]) : ALL);
const quick = args.quick;
const stamp = new Date().toISOString().replace(/[:.]/g, "-");

/** Runs a TypeScript script in its own process (tsx); resolves with its stdout, rejects on a non-zero exit. */
function runScript(script: string, argv: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      process.stderr.write(chunk);
    });
    child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}`))));
  });
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

async function main() {
  fs.mkdirSync(RESULTS, { recursive: true });
  const databaseUrl = await prepareBenchDatabase({ fresh: true });
  const reports: BenchReports = {
    stamp,
    quick,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? "",
      loadavgAtStart: os.loadavg(),
      node: process.version,
    },
  };
  const failures: string[] = [];
  const attempt = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      console.error(`[bench] ${name} failed:`, error);
    }
  };

  // In-process engine benchmarks (the app's own modules need the react-server condition for server-only).
  const engineEnv = {
    DATABASE_URL: databaseUrl,
    NODE_OPTIONS: "--conditions=react-server",
    LATTICE_DEMO_ACCOUNT: "false",
  };
  if (selected.has("engine")) {
    await attempt("engine", async () => {
      const out = path.join(RESULTS, `engine-${stamp}.json`);
      await runScript(
        "bench/engine.ts",
        quick
          ? ["--runs", "60", "--rounds", "1", "--warmup", "10", "--out", out]
          : ["--runs", "600", "--rounds", "3", "--out", out],
        engineEnv,
      );
      reports.engine = readJson(out);
    });
  }
  if (selected.has("scaling")) {
    await attempt("scaling", async () => {
      const out = path.join(RESULTS, `scaling-${stamp}.json`);
      await runScript(
        "bench/engine.ts",
        [
          "--graphs",
          "chat",
          "--variants",
          "raw",
          "--concurrency",
          "1",
          "--runs",
          quick ? "40" : "300",
          "--rounds",
          "1",
          "--warmup",
          "10",
          "--scaling",
          "1,2,4,8,16,32,64",
          "--out",
          out,
        ],
        engineEnv,
      );
      reports.scaling = readJson(out);
    });
  }

  // Against the production server.
  const needsServer = ["http", "fanout", "editor", "monitor"].some((b) => selected.has(b as Bench));
  let snapshot: string | undefined;
  if (needsServer) {
    await attempt("build", async () => {
      console.error("[bench] next build (under /tmp/heavy.lock) unless a finished build exists…");
      ensureProductionBuild({ rebuild: args.rebuild });
      snapshot = snapshotBuild();
    });
  }
  if (snapshot) {
    const serverArgs = ["--dir", snapshot, "--database-url", databaseUrl];
    if (selected.has("http")) {
      await attempt("http", async () => {
        const out = path.join(RESULTS, `http-${stamp}.json`);
        await runScript("bench/http.ts", [
          ...serverArgs,
          "--out",
          out,
          ...(quick ? ["--runs", "40", "--max-seconds", "10"] : ["--runs", "400"]),
        ]);
        reports.http = readJson(out);
      });
    }
    if (selected.has("fanout")) {
      await attempt("fanout", async () => {
        const out = path.join(RESULTS, `sse-fanout-${stamp}.json`);
        await runScript("bench/sse-fanout.ts", [...serverArgs, "--out", out, ...(quick ? ["--feed-runs", "3"] : [])]);
        reports.fanout = readJson(out);
      });
    }
    // Other engineers' scripts, run as they are against a server of ours.
    const external: Array<{ name: "editor" | "monitor"; script: string; env: Record<string, string> }> = [
      { name: "editor", script: "scripts/bench-editor.ts", env: { RUNS: quick ? "2" : "5" } },
      { name: "monitor", script: "scripts/measure-monitor-lag.ts", env: {} },
    ];
    for (const { name, script, env } of external) {
      if (!selected.has(name)) continue;
      if (!fs.existsSync(path.join(ROOT, script))) {
        reports[name] = { script, missing: true, output: "" };
        continue;
      }
      await attempt(name, async () => {
        const server = await startProductionServer({
          dir: snapshot!,
          port: await freePort(),
          databaseUrl,
          env: { LATTICE_MAX_CONCURRENT_RUNS: "10000", LATTICE_RUNS_PER_MINUTE: "100000" },
        });
        try {
          const output = await runScript(script, [], { ...env, BASE_URL: server.url, DATABASE_URL: databaseUrl });
          reports[name] = { script, missing: false, output };
        } finally {
          await server.kill("SIGTERM");
        }
      });
    }
    removeSnapshot(snapshot);
  }

  reports.failures = failures;
  const text = renderReport(reports);
  console.log(text);
  fs.writeFileSync(path.join(RESULTS, `summary-${stamp}.json`), JSON.stringify(reports, null, 2));
  fs.writeFileSync(path.join(RESULTS, `summary-${stamp}.txt`), text);
  fs.writeFileSync(path.join(RESULTS, "latest.json"), JSON.stringify(reports, null, 2));
  fs.writeFileSync(path.join(RESULTS, "latest.txt"), text);
  if (failures.length) process.exitCode = 1;
}

/** The peer comparison in its own process, its output straight to ours; a stop signal is passed on to it. */
function runPeers(argv: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/peers/run.ts", ...argv], {
      cwd: ROOT,
      stdio: "inherit",
    });
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal ? 1 : 0);
      resolve();
    });
  });
}

(PEERS ? runPeers(process.argv.slice(2).filter((a) => a !== "--peers")) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
