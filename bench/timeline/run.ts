/**
 * Where a chat turn's time goes, from the server's own socket I/O: starts a build's `next start` with
 * bench/timeline/preload.cjs (the peer comparison's wire server as its `openai` provider, a fresh PostgreSQL
 * database), runs chat turns one at a time (10-turn conversations, as the peer comparison does), and prints,
 * per phase, the median time from the request's arrival: the load's statement out and back, the start's
 * statement out and back, the model request out, its first chunk in, the response's headers and first token
 * out, the last write. The gaps between them are the server's CPU (or its waits) on the turn's path.
 *
 *   npx tsx bench/timeline/run.ts [--dir <checkout with a build>] [--mode stream|json] [--turns 60]
 *       [--warmup 60] [--cpu-prof <dir>]
 *
 * With --cpu-prof the server also writes a V8 CPU profile; its sample times are in the timeline's clock, so a
 * phase's samples can be picked out (see docs/performance.md, "Profiling"). On a busy machine, run it with
 * `nice -n -20` (as root) and the kernel's autogroup off (`/proc/sys/kernel/sched_autogroup_enabled`): the
 * order of events stays meaningful under load, the absolute times less so.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../../tests/helpers/production-server";
import { prepareBenchDatabase } from "../lib/database";
import { benchServerEnv } from "../lib/server-env";
import { LatticeClient } from "../peers/lattice-client";
import { median } from "../peers/measure";
import { startWireServer } from "../peers/wire-server";
import { type Entry, phasesOf, turnsOf } from "./phases";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: "." },
    mode: { type: "string", default: "stream" },
    turns: { type: "string", default: "60" },
    warmup: { type: "string", default: "60" },
    "cpu-prof": { type: "string" },
    /** Extra options for the server's node (e.g. --trace-gc), repeatable. */
    "node-arg": { type: "string", multiple: true },
  },
});
const root = path.resolve(args.dir);
if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error(`${root} has no finished build`);
const streamed = args.mode !== "json";
const TURNS_PER_CONVERSATION = 10;

const wire = await startWireServer({ port: 0, quiet: true });
const databaseUrl = await prepareBenchDatabase({
  fresh: true,
  url: "postgres://postgres@127.0.0.1:5432/lattice_timeline",
});
const port = await freePort();
const out = path.join(os.tmpdir(), `lattice-timeline-${port}.json`);
const cpuProf = args["cpu-prof"]
  ? [
      "--cpu-prof",
      // 0.1 ms between samples (V8's default is 1 ms): a turn's steps are a millisecond or two apart.
      "--cpu-prof-interval=100",
      `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`,
    ]
  : [];
const server = spawn(
  process.execPath,
  [
    "--require",
    path.resolve(import.meta.dirname, "preload.cjs"),
    ...cpuProf,
    ...(args["node-arg"] ?? []),
    path.join(root, "node_modules", "next", "dist", "bin", "next"),
    "start",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ],
  {
    cwd: root,
    stdio: [
      "ignore",
      process.env.TIMELINE_SERVER_OUT ? fs.openSync(process.env.TIMELINE_SERVER_OUT, "w") : "ignore",
      "inherit",
    ],
    env: { ...benchServerEnv({ databaseUrl, openaiUrl: wire.baseURL }), TIMELINE_OUT: out },
  },
);
process.on("exit", () => server.kill("SIGTERM"));

const client = new LatticeClient(`http://127.0.0.1:${port}`);
await client.waitUntilUp(180_000);
await client.signup();
await client.createChatWorkflow();

let conversation: string | undefined;
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i % TURNS_PER_CONVERSATION === 0) conversation = undefined;
    const message = `Hello, this is user turn ${i}.`;
    conversation = streamed
      ? (await client.chatStream(message, conversation)).conversationId
      : (await client.chat(message, conversation)).conversationId;
  }
}
async function dump(): Promise<Entry[]> {
  fs.rmSync(out, { force: true });
  server.kill("SIGUSR2");
  for (let i = 0; i < 100 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));
  return JSON.parse(fs.readFileSync(out, "utf8")) as Entry[];
}

await turns(Number(args.warmup));
await dump();
await turns(Number(args.turns));
const log = await dump();
server.kill("SIGINT");
await new Promise((r) => server.once("exit", r));
await wire.close();

// One turn = the entries from its request's arrival to the next request's.
const perTurn = turnsOf(log, streamed ? "POST /api/chat" : "POST /api/executions");
const phases = new Map<string, number[]>();
for (const turn of perTurn) {
  const t0 = turn[0]![0];
  for (const [name, at] of phasesOf(turn)) {
    if (name !== "request in") phases.set(name, [...(phases.get(name) ?? []), at - t0]);
  }
}
console.log(
  `\n${perTurn.length} ${streamed ? "streamed" : "JSON"} turns of ${root}, ${new Date().toISOString()}, load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}; ms from the request's arrival (p50)\n`,
);
for (const [name, times] of [...phases].sort((a, b) => median(a[1]) - median(b[1])))
  console.log(`${name.padEnd(30)} ${median(times).toFixed(2).padStart(7)}  (${times.length} turns)`);
console.log(`\nraw timeline: ${out}`);
process.exit(0);
