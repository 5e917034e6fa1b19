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

const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: "." },
    mode: { type: "string", default: "stream" },
    turns: { type: "string", default: "60" },
    warmup: { type: "string", default: "60" },
    "cpu-prof": { type: "string" },
  },
});
const root = path.resolve(args.dir);
if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error(`${root} has no finished build`);
const streamed = args.mode !== "json";
const TURNS_PER_CONVERSATION = 10;

type Entry = [timeMs: number, kind: "W" | "R" | "Q", ends: string, bytes: number, head: string];

const wire = await startWireServer({ port: 0, quiet: true });
const wirePort = new URL(wire.baseURL).port;
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
    path.join(root, "node_modules", "next", "dist", "bin", "next"),
    "start",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ],
  {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
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
const route = streamed ? "POST /api/chat" : "POST /api/executions";
const perTurn: Entry[][] = [];
for (const entry of log) {
  if (entry[1] === "Q" && entry[2].startsWith(`${port}>`) && entry[4].startsWith(route)) perTurn.push([entry]);
  else perTurn.at(-1)?.push(entry);
}
const phases = new Map<string, number[]>();
const note = (name: string, at: number | undefined) => {
  if (at !== undefined) phases.set(name, [...(phases.get(name) ?? []), at]);
};
for (const turn of perTurn) {
  const t0 = turn[0]![0];
  const at = (pick: (e: Entry) => boolean, nth = 0) => {
    const found = turn.filter(pick)[nth];
    return found ? found[0] - t0 : undefined;
  };
  const database = (e: Entry) => e[2].endsWith(">5432");
  const startConn = turn.find((e) => database(e) && e[1] === "W" && e[4].includes("begin"))?.[2];
  const model = (e: Entry) => e[2].endsWith(`>${wirePort}`);
  const toClient = (e: Entry) => e[2].startsWith(`${port}>`) && e[1] === "W";
  note(
    "load statement out",
    at((e) => database(e) && e[1] === "W"),
  );
  note(
    "load answer in",
    at((e) => database(e) && e[1] === "R"),
  );
  note(
    "start statement out",
    at((e) => e[2] === startConn && e[1] === "W"),
  );
  // Its BEGIN … COMMIT go out in one write, and mostly come back in one read (a late COMMIT follows).
  note(
    "start answered",
    at((e) => e[2] === startConn && e[1] === "R"),
  );
  note(
    "model request out",
    at((e) => model(e) && e[1] === "W"),
  );
  note(
    "model's first chunk in",
    at((e) => model(e) && e[1] === "R"),
  );
  note(
    "response headers out",
    at((e) => toClient(e) && e[4].startsWith("HTTP/1.1")),
  );
  if (streamed)
    note(
      "first token out",
      at((e) => toClient(e) && e[4].includes("event: token")),
    );
  note(
    "finish statement out",
    at((e) => database(e) && e[1] === "W" && e[3] > 4096),
  );
  const last = turn.filter(toClient).at(-1);
  note("last write to the client", last ? last[0] - t0 : undefined);
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
