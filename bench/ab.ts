/**
 * A/B of two Lattice builds in ONE run: what a change bought, measured side by side rather than against a
 * figure from another day. Both builds run `next start` at once (each on a fresh PostgreSQL database, the
 * same OpenAI-compatible wire server as the peer comparison, per-user limits lifted); rounds alternate
 * which build goes first. Per round and build: chat turns as JSON (POST /api/executions, type CHAT) at 1 and
 * --concurrency in flight, and streamed turns (POST /api/chat) one at a time for the first token and the whole
 * turn (to the closing message event) — the peer
 * comparison's workload (10-turn conversations, start → memory → model → end). Also CPU ms per request of
 * each server and of PostgreSQL, from /proc.
 *
 *   npx tsx bench/ab.ts --a <checkout with a build> --b <checkout with a build> [--rounds 3] [--n 150]
 *       [--n-conc 300] [--concurrency 16] [--stream-n 30]
 *       [--a-env KEY=VALUE]... [--b-env KEY=VALUE]... [--stream-gap-ms N]
 *   e.g. git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npx next build)
 *        npx tsx bench/ab.ts --a /tmp/base --b .
 *   or one build under two settings: npx tsx bench/ab.ts --a . --b . --b-env LATTICE_HEAP_GROWING_PERCENT=25
 * Each build's RSS (/proc) is printed after every round and compared at the end: the memory a change costs or
 * saves is measured in the same run too. With --stream-gap-ms, every other streamed turn starts after that much
 * quiet and its first token is reported apart (the back-to-back figures then count the other half).
 * Env: BENCH_DATABASE_URL (server; default postgres://postgres@127.0.0.1:5432): databases lattice_ab_a and
 * lattice_ab_b are dropped and created.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../tests/helpers/production-server";
import { benchDatabaseUrl, prepareBenchDatabase } from "./lib/database";
import { benchServerEnv } from "./lib/server-env";
import { LatticeClient } from "./peers/lattice-client";
import { fmt, median, percentile, runLoad, table, type LoadResult } from "./peers/measure";
import { cpuBetween, snapshotUsage, treeRssBytes } from "./peers/process-usage";
import { FIXED_REPLY, startWireServer } from "./peers/wire-server";

const { values: args } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "3" },
    n: { type: "string", default: "150" },
    "n-conc": { type: "string", default: "300" },
    concurrency: { type: "string", default: "16" },
    "stream-n": { type: "string", default: "30" },
    /** Diagnostic: every other streamed turn starts after this many ms of quiet, and is reported apart. */
    "stream-gap-ms": { type: "string", default: "0" },
    /** Extra environment of a build's server, KEY=VALUE (repeatable). */
    "a-env": { type: "string", multiple: true, default: [] },
    "b-env": { type: "string", multiple: true, default: [] },
  },
});
if (!args.a || !args.b) throw new Error("usage: bench/ab.ts --a <checkout with a build> --b <checkout with a build>");
const rounds = Number(args.rounds);
const n = Number(args.n);
const nConc = Number(args["n-conc"]);
const concurrency = Number(args.concurrency);
const streamN = Number(args["stream-n"]);
const streamGapMs = Number(args["stream-gap-ms"]);
const TURNS = 10;

/** KEY=VALUE pairs from the command line, as an environment. */
function envPairs(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`--a-env / --b-env take KEY=VALUE, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** A server's resident memory (bytes), from /proc. */
const rssBytes = (pid: number) => treeRssBytes(pid) ?? 0;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

const children: ChildProcess[] = [];
const stopAll = () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
};
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

interface Build {
  name: "A" | "B";
  dir: string;
  url: string;
  pid: number;
  database: string;
  client: LatticeClient;
}

async function startBuild(
  name: "A" | "B",
  dir: string,
  openaiUrl: string,
  extraEnv: Record<string, string>,
): Promise<Build> {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error(`${root} has no finished build (run next build there)`);
  const database = `lattice_ab_${name.toLowerCase()}`;
  const base = new URL(benchDatabaseUrl());
  base.pathname = `/${database}`;
  const databaseUrl = await prepareBenchDatabase({ fresh: true, url: base.toString() });
  const port = await freePort();
  const log = fs.openSync(path.join(os.tmpdir(), `lattice-ab-${name}.log`), "w");
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      stdio: ["ignore", log, log],
      env: { ...benchServerEnv({ databaseUrl, openaiUrl }), ...extraEnv },
    },
  );
  children.push(child);
  const client = new LatticeClient(`http://127.0.0.1:${port}`);
  await client.waitUntilUp(180_000);
  await client.signup();
  await client.createChatWorkflow();
  return { name, dir: root, url: `http://127.0.0.1:${port}`, pid: child.pid!, database, client };
}

/** One build's chat turns: each in-flight worker holds a 10-turn conversation, then starts a new one. */
function chatTurns(build: Build) {
  const perWorker = new Map<number, { k: number; conversation: string | undefined }>();
  return async ({ worker, i }: { worker: number; i: number }) => {
    const state = perWorker.get(worker) ?? { k: 0, conversation: undefined };
    if (state.k % TURNS === 0) state.conversation = undefined;
    const reply = await build.client.chat(`Hello, this is user turn ${i}.`, state.conversation);
    if (reply.text !== FIXED_REPLY) throw new Error(`bad answer ${JSON.stringify(reply).slice(0, 200)}`);
    state.conversation = reply.conversationId;
    state.k += 1;
    perWorker.set(worker, state);
  };
}

interface Measured {
  result: LoadResult;
  cpuMs: number;
  postgresMs: number;
}

async function measure(build: Build, fn: () => Promise<LoadResult>, count: () => number): Promise<Measured> {
  const before = snapshotUsage();
  const result = await fn();
  const after = snapshotUsage();
  const cpu = cpuBetween(before, after, { server: build.pid }, [build.database]);
  const done = Math.max(1, count() || result.n);
  return { result, cpuMs: cpu.servers.server! / done, postgresMs: cpu.postgresOurs / done };
}

async function streamed(
  build: Build,
  turns: number,
): Promise<{
  firstTokenMs: number[];
  totalMs: number[];
  spacedFirstTokenMs: number[];
  cpuMs: number;
  postgresMs: number;
}> {
  const before = snapshotUsage();
  const firstTokenMs: number[] = [];
  const totalMs: number[] = [];
  const spacedFirstTokenMs: number[] = [];
  let conversation: string | undefined;
  for (let i = 0; i < turns; i++) {
    if (i % TURNS === 0) conversation = undefined;
    const spaced = streamGapMs > 0 && i % 2 === 1;
    if (spaced) await new Promise((resolve) => setTimeout(resolve, streamGapMs));
    const r = await build.client.chatStream(`Stream turn ${i}`, conversation);
    if (r.text !== FIXED_REPLY)
      throw new Error(`bad streamed answer from ${build.name}: ${JSON.stringify(r).slice(0, 200)}`);
    conversation = r.conversationId;
    if (spaced) {
      spacedFirstTokenMs.push(r.firstTokenMs);
      continue;
    }
    firstTokenMs.push(r.firstTokenMs);
    totalMs.push(r.totalMs);
  }
  const cpu = cpuBetween(before, snapshotUsage(), { server: build.pid }, [build.database]);
  return {
    firstTokenMs,
    totalMs,
    spacedFirstTokenMs,
    cpuMs: cpu.servers.server! / turns,
    postgresMs: cpu.postgresOurs / turns,
  };
}

const wire = await startWireServer({ port: 0, quiet: true });
try {
  const builds = [
    await startBuild("A", args.a, wire.baseURL, envPairs(args["a-env"])),
    await startBuild("B", args.b, wire.baseURL, envPairs(args["b-env"])),
  ];
  const rssUp = builds.map((build) => rssBytes(build.pid));
  const rssRounds: number[][] = [];
  const results = new Map<
    string,
    { eps: number[]; p50: number[]; cpu: number[]; pg: number[]; first: number[]; total: number[] }
  >();
  const record = (
    key: string,
    m: { eps?: number; p50?: number; cpu: number; pg: number; first?: number[]; total?: number[] },
  ) => {
    const r = results.get(key) ?? { eps: [], p50: [], cpu: [], pg: [], first: [], total: [] };
    if (m.eps !== undefined) r.eps.push(m.eps);
    if (m.p50 !== undefined) r.p50.push(m.p50);
    r.cpu.push(m.cpu);
    r.pg.push(m.pg);
    if (m.first) r.first.push(...m.first);
    if (m.total) r.total.push(...m.total);
    results.set(key, r);
  };
  // Warm-up: both builds, both loads.
  for (const build of builds) {
    await runLoad(chatTurns(build), { concurrency: 1, durationMs: 15_000, maxIters: 40 });
    await runLoad(chatTurns(build), { concurrency, durationMs: 15_000, maxIters: 80 });
    await streamed(build, 5);
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const [label, conc, iters] of [
      ["json c=1", 1, n],
      [`json c=${concurrency}`, concurrency, nConc],
    ] as const) {
      for (const build of order) {
        const m = await measure(
          build,
          () => runLoad(chatTurns(build), { concurrency: conc, durationMs: 60_000, maxIters: iters }),
          () => 0,
        );
        if (m.result.errors) throw new Error(`${build.name} ${label}: ${m.result.firstError}`);
        record(`${label} ${build.name}`, {
          eps: m.result.execPerSec,
          p50: m.result.p50,
          cpu: m.cpuMs,
          pg: m.postgresMs,
        });
        console.error(
          `round ${round + 1} ${build.name} ${label}: ${fmt(m.result.execPerSec)} turns/s, p50 ${fmt(m.result.p50)} ms, ${fmt(m.cpuMs)} ms CPU/turn`,
        );
      }
    }
    for (const build of order) {
      const s = await streamed(build, streamN);
      record(`stream ${build.name}`, {
        cpu: s.cpuMs,
        pg: s.postgresMs,
        first: round === 0 ? s.firstTokenMs.slice(3) : s.firstTokenMs,
        total: round === 0 ? s.totalMs.slice(3) : s.totalMs,
      });
      if (s.spacedFirstTokenMs.length) record(`spaced ${build.name}`, { cpu: 0, pg: 0, first: s.spacedFirstTokenMs });
      console.error(`round ${round + 1} ${build.name} stream: first token p50 ${fmt(median(s.firstTokenMs))} ms`);
    }
    rssRounds.push(builds.map((build) => rssBytes(build.pid)));
    console.error(
      `round ${round + 1} RSS: ${builds.map((b, i) => `${b.name} ${mib(rssRounds.at(-1)![i]!)}`).join(", ")}`,
    );
  }
  const rows: Array<{ what: string; a: string; b: string; ratio: string }> = [];
  for (const [label] of [["json c=1"], [`json c=${concurrency}`]]) {
    const a = results.get(`${label} A`)!;
    const b = results.get(`${label} B`)!;
    rows.push({
      what: `${label}: turns/s (median of ${rounds})`,
      a: fmt(median(a.eps), 1),
      b: fmt(median(b.eps), 1),
      ratio: `${fmt(median(b.eps) / median(a.eps))}x`,
    });
    rows.push({
      what: `${label}: p50 ms`,
      a: fmt(median(a.p50)),
      b: fmt(median(b.p50)),
      ratio: `${fmt(median(b.p50) / median(a.p50))}x`,
    });
    rows.push({
      what: `${label}: server CPU ms/turn`,
      a: fmt(median(a.cpu)),
      b: fmt(median(b.cpu)),
      ratio: `${fmt(median(b.cpu) / median(a.cpu))}x`,
    });
    rows.push({
      what: `${label}: PostgreSQL CPU ms/turn`,
      a: fmt(median(a.pg)),
      b: fmt(median(b.pg)),
      ratio: `${fmt(median(b.pg) / median(a.pg))}x`,
    });
  }
  const sa = results.get("stream A")!;
  const sb = results.get("stream B")!;
  const p = (xs: number[], q: number) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      q,
    );
  rows.push({
    what: "streamed: first token p50 ms",
    a: fmt(p(sa.first, 50)),
    b: fmt(p(sb.first, 50)),
    ratio: `${fmt(p(sb.first, 50) / p(sa.first, 50))}x`,
  });
  rows.push({
    what: "streamed: first token p99 ms",
    a: fmt(p(sa.first, 99)),
    b: fmt(p(sb.first, 99)),
    ratio: `${fmt(p(sb.first, 99) / p(sa.first, 99))}x`,
  });
  rows.push({
    what: "streamed: whole turn p50 ms",
    a: fmt(p(sa.total, 50)),
    b: fmt(p(sb.total, 50)),
    ratio: `${fmt(p(sb.total, 50) / p(sa.total, 50))}x`,
  });
  if (streamGapMs > 0) {
    const qa = results.get("spaced A")!.first;
    const qb = results.get("spaced B")!.first;
    rows.push({
      what: `streamed after ${streamGapMs} ms of quiet: first token p50 ms`,
      a: fmt(p(qa, 50)),
      b: fmt(p(qb, 50)),
      ratio: `${fmt(p(qb, 50) / p(qa, 50))}x`,
    });
  }
  rows.push({
    what: "streamed: server CPU ms/turn",
    a: fmt(median(sa.cpu)),
    b: fmt(median(sb.cpu)),
    ratio: `${fmt(median(sb.cpu) / median(sa.cpu))}x`,
  });
  const rssAfter = (i: number) => median(rssRounds.map((r) => r[i]!));
  rows.push({
    what: `RSS at start`,
    a: mib(rssUp[0]!),
    b: mib(rssUp[1]!),
    ratio: `${fmt(rssUp[1]! / rssUp[0]!)}x`,
  });
  rows.push({
    what: `RSS after a round (median of ${rounds})`,
    a: mib(rssAfter(0)),
    b: mib(rssAfter(1)),
    ratio: `${fmt(rssAfter(1) / rssAfter(0))}x`,
  });
  console.log(
    `\nA/B in one run, ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cpus, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  const described = (i: 0 | 1) => {
    const extra = args[i === 0 ? "a-env" : "b-env"];
    return `${builds[i]!.dir}${extra.length ? ` with ${extra.join(" ")}` : ""}`;
  };
  console.log(`A: ${described(0)}\nB: ${described(1)}\n`);
  console.log(
    table(rows, [
      { h: "", f: (r) => r.what },
      { h: "A", f: (r) => r.a },
      { h: "B", f: (r) => r.b },
      { h: "B ÷ A", f: (r) => r.ratio },
    ]),
  );
} finally {
  stopAll();
  await wire.close();
}
