/**
 * limitHeapGrowth keeps the heap near its live size under churn: two processes (V8's flags are per process)
 * hold the same live data and allocate the same garbage, one with the limit the server sets at start, one
 * with V8's own growth; the limited one's committed heap peaks far lower.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const IDLE_GC = path.resolve(import.meta.dirname, "../../lib/process/idle-gc.ts");

/** The peak committed heap (MiB) of a process holding ~60 MiB live while it allocates ~2 GiB of garbage. */
function peakHeapMiB(percent: number): number {
  const script = `
    import v8 from "node:v8";
    import { limitHeapGrowth } from ${JSON.stringify(IDLE_GC)};
    limitHeapGrowth(${percent});
    const live = Array.from({ length: 600_000 }, (_, i) => ({ i, text: "live " + i }));
    let peak = 0;
    for (let round = 0; round < 200; round++) {
      let garbage = Array.from({ length: 100_000 }, (_, i) => ({ i, text: "garbage " + i }));
      garbage = [];
      peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
    }
    console.log(JSON.stringify({ peak: peak / 2 ** 20, live: live.length }));
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`the child failed: ${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { peak: number }).peak;
}

describe("heap growth", () => {
  it("stays much nearer the live heap with the server's limit than with V8's own growth", () => {
    const limited = peakHeapMiB(40);
    const unlimited = peakHeapMiB(0);
    expect(limited).toBeLessThan(unlimited * 0.75);
  }, 120_000);
});
