/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time per function, and
 * per package or project folder, so a profile of the engine's hot path reads in a terminal.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30]
 *
 * With a timeline of the same server (bench/timeline/run.ts, whose clock is the profile's), only the samples
 * between two steps of each turn count: what the CPU did from the load's answer to the model request, say.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> --timeline <timeline.json> --from "load answer in"
 *       --to "model request out" [--route "POST /api/chat"]
 * (the steps are bench/timeline/phases.ts's PHASES).
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { type Entry, PHASES, type Phase, phasesOf, turnsOf } from "./timeline/phases";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string", default: "30" },
    timeline: { type: "string" },
    from: { type: "string", default: "request in" },
    to: { type: "string", default: "first token out" },
    route: { type: "string", default: "POST /api/chat" },
  },
});
const file = positionals[0];
if (!file) throw new Error("usage: profile-summary <file.cpuprofile>");
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** With --timeline: each turn's [from, to] in µs of the profile's clock, in order. */
function windows(): Array<[number, number]> | undefined {
  if (!values.timeline) return undefined;
  const known = (name: string): name is Phase => (PHASES as readonly string[]).includes(name);
  if (!known(values.from) || !known(values.to)) throw new Error(`--from and --to are steps of: ${PHASES.join(", ")}`);
  const log = JSON.parse(fs.readFileSync(values.timeline, "utf8")) as Entry[];
  const found: Array<[number, number]> = [];
  for (const turn of turnsOf(log, values.route)) {
    const phases = phasesOf(turn);
    const from = phases.get(values.from);
    const to = phases.get(values.to);
    if (from !== undefined && to !== undefined && to > from) found.push([from * 1000, to * 1000]);
  }
  console.log(
    `${found.length} turns, ${values.from} → ${values.to}: ${(found.reduce((sum, [a, b]) => sum + b - a, 0) / found.length / 1000).toFixed(2)} ms on average`,
  );
  return found.sort((a, b) => a[0] - b[0]);
}
const spans = windows();

const self = new Map<number, number>();
let at = profile.startTime;
let span = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (spans) {
    while (span < spans.length && spans[span]![1] < at) span++;
    if (span >= spans.length || at < spans[span]![0]) return;
  }
  self.set(id, (self.get(id) ?? 0) + delta);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** A bucket for a script URL: the npm package, or the project folder (lib/engine, lib/tracking…). */
function bucket(url: string): string {
  if (!url) return "(native/idle)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const project =
    /\/work\/main\/([^/]+(?:\/[^/]+)?)\//.exec(url) ?? /file:\/\/.*?\/((?:lib|bench|app)\/[^/]+)/.exec(url);
  if (project) return project[1]!;
  if (url.startsWith("node:")) return "node:internal";
  return url.split("/").slice(-2).join("/");
}

const fnSelf = new Map<string, number>();
const bucketSelf = new Map<string, number>();
const bucketInclusive = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + time);
  const b = bucket(url);
  bucketSelf.set(b, (bucketSelf.get(b) ?? 0) + time);
  // Inclusive: each bucket on the stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cb = bucket(byId.get(cur)!.callFrame.url);
    if (!seen.has(cb)) {
      seen.add(cb);
      bucketInclusive.set(cb, (bucketInclusive.get(cb) ?? 0) + time);
    }
  }
}

const top = Number(values.top);
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
console.log("\n== self time by package / folder");
for (const [b, t] of [...bucketSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${b}`);
console.log("\n== inclusive time by package / folder");
for (const [b, t] of [...bucketInclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${b}`);
console.log("\n== self time by function");
for (const [f, t] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${f}`);

// Inclusive time of the project's own functions (lib/, app/): which step of a run costs what.
const fnInclusive = new Map<string, number>();
for (const [id, time] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const { functionName, url } = byId.get(cur)!.callFrame;
    if (!/\/work\/main\/(lib|app)\//.test(url) && !/^file:\/\/\/?(lib|app)\//.test(url)) continue;
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/work\/main\//, "")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fnInclusive.set(key, (fnInclusive.get(key) ?? 0) + time);
  }
}
console.log("\n== inclusive time of project functions");
for (const [f, t] of [...fnInclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${f}`);
