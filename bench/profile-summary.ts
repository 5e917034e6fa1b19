/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time per function, and
 * per package or project folder, so a profile of the engine's hot path reads in a terminal.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30]
 */
import fs from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "30" } },
});
const file = positionals[0];
if (!file) throw new Error("usage: profile-summary <file.cpuprofile>");
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
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
