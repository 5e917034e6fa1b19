/** The collector gives a burst's garbage back once the process is calm. */
import { describe, expect, it } from "vitest";
import { startIdleGc } from "@/lib/process/idle-gc";

describe("idle collection", () => {
  it("collects the heap grown by a burst once the process is calm", async () => {
    expect(startIdleGc({ intervalMs: 100, calmCpuShare: 10, minGrowthBytes: 4 * 1024 * 1024 })).toBe(true);
    // A burst: garbage the heap grows by, dropped at once.
    let burst: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) burst.push({ i, text: `item ${i}` });
    const grown = process.memoryUsage().heapUsed;
    burst = [];
    await expect
      .poll(() => process.memoryUsage().heapUsed, { timeout: 3_000, interval: 50 })
      .toBeLessThan(grown - 32 * 1024 * 1024);
    expect(burst).toEqual([]);
  });
});
