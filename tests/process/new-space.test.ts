/**
 * limitNewSpace bounds V8's young generation, which `next start` gives no flag for: two processes (V8's flags are
 * per process) allocate the same short-lived garbage with some of it surviving, one with the server's bound and
 * one with V8's own growth; the bounded one's new space stays at the bound, the other's grows to V8's maximum.
 * A space that grew before the bound was set is shrunk once the process is calm; a bound of 0 gives V8's growth
 * back.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const IDLE_GC = path.resolve(import.meta.dirname, "../../lib/process/idle-gc.ts");

/**
 * The largest new space (MiB) a process saw while it churned after `limitNewSpace(mib)`; with `grownFirst` it
 * churned before too, as a server's start grows the space before the bound is set.
 */
function peakNewSpaceMiB(mib: number, { thenUnbound = false, grownFirst = false } = {}): number {
  const script = `
    import { limitNewSpace, newSpaceBytes } from ${JSON.stringify(IDLE_GC)};
    let kept = [];
    const churn = async (rounds) => {
      let peak = 0;
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < 100_000; i++) {
          const item = { i, text: "item " + i, pair: [i, i] };
          if (i % 100 === 0) kept.push(item);
          if (kept.length > 5_000) kept = [];
        }
        peak = Math.max(peak, newSpaceBytes());
        // Let the bound's observer run, as a server's event loop does between requests.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return peak / 2 ** 20;
    };
    const before = ${grownFirst} ? await churn(60) : 0;
    limitNewSpace(${mib}, { intervalMs: 500 });
    if (${thenUnbound}) limitNewSpace(0);
    // A grown space shrinks once the process has been calm a while (V8 looks at its last ~5 s of allocation).
    const started = performance.now();
    while (${grownFirst} && newSpaceBytes() > ${mib} * 2 ** 20 && performance.now() - started < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(JSON.stringify({ before, peak: await churn(60) }));
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`the child failed: ${child.stderr}`);
  const { before, peak } = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { before: number; peak: number };
  if (grownFirst) expect(before).toBeGreaterThanOrEqual(16);
  return peak;
}

describe("the young generation's bound", () => {
  it("keeps the new space at the bound where V8 alone grows it to its maximum", () => {
    const unbounded = peakNewSpaceMiB(0);
    expect(unbounded).toBeGreaterThanOrEqual(16);
    expect(peakNewSpaceMiB(8)).toBe(8);
  }, 120_000);

  it("shrinks a new space that grew before the bound was set, once the process is calm", () => {
    expect(peakNewSpaceMiB(8, { grownFirst: true })).toBe(8);
  }, 120_000);

  it("gives V8's own growth back when the bound is lifted", () => {
    expect(peakNewSpaceMiB(8, { thenUnbound: true })).toBeGreaterThanOrEqual(16);
  }, 120_000);
});
