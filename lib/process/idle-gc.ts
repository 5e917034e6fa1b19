/**
 * Gives memory back after a burst. V8 grows the heap to serve a burst of runs and, in Node, shrinks it only
 * at its next full collection — which a quiet server reaches late or never (Node has no idle-time GC tasks):
 * after a busy minute the process kept ~2.5× its live heap until the next burst. When the process has been
 * calm for a whole interval (at most `calmCpuShare` of one core busy: idle, or a trickle of requests after
 * the burst) and its heap holds much more than it held after the last full collection, this runs one (freed
 * pages go back to the OS). A busy process is never interrupted; a calm one is collected once per burst — one
 * pause of tens of milliseconds, which a request in flight then may wait for.
 */
import { PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

export interface IdleGcOptions {
  /** How often to look (ms). */
  intervalMs?: number;
  /** The share of one core the process may have used in the interval and still count as calm. */
  calmCpuShare?: number;
  /** Heap growth (live and garbage) since the last full collection worth collecting (bytes). */
  minGrowthBytes?: number;
}

let started = false;

/**
 * Bounds how far the heap may grow past what the last full collection kept (V8's `--heap-growing-percent`,
 * read whenever V8 sets its next collection's limit, so it applies from here on). V8's own factor is up to 4×
 * on a machine with memory to spare, and memory it grew to stays committed: with ~95 MiB live, a server held
 * ~500 MiB after the side-by-side benchmark's load, ~260 MiB at 40 %, for more frequent, short, incremental
 * collections (~1 % of its time). `percent` 0 leaves V8's choice. Returns whether the flag was set.
 */
export function limitHeapGrowth(percent: number): boolean {
  if (!Number.isInteger(percent) || percent <= 0) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}

type GcFunction = (
  options?: { type: "minor" } | { type: "major"; execution: "sync"; flavor: "last-resort" },
) => void;
let exposedGc: GcFunction | null | undefined;

/** V8's `gc()`, exposed once per process; null where it cannot be had. */
function v8Gc(): GcFunction | null {
  if (exposedGc !== undefined) return exposedGc;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    exposedGc = typeof gc === "function" ? (gc as GcFunction) : null;
  } catch {
    exposedGc = null;
  }
  return exposedGc;
}

/** V8's new space (the young generation: two semi-spaces) as committed now, in bytes. */
export function newSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0;
}

/** Whether the process used at most `share` of one core since it was last asked (or since it was made). */
function calmSince(share: number) {
  let cpu = process.cpuUsage();
  let last = performance.now();
  return {
    calm(): boolean {
      const used = process.cpuUsage(cpu);
      const now = performance.now();
      const calm = (used.user + used.system) / 1000 <= share * (now - last);
      cpu = process.cpuUsage();
      last = now;
      return calm;
    },
    /** Starts the next interval from now (the caller's own work is not activity). */
    restart(): void {
      cpu = process.cpuUsage();
      last = performance.now();
    },
  };
}

let newSpaceBound: { observer: PerformanceObserver; timer: NodeJS.Timeout } | undefined;

/**
 * Bounds the young generation at `mib` (V8's new space as `v8.getHeapSpaceStatistics()` counts it). Under load V8
 * doubles it up to its maximum, 32 MiB on 64-bit Node 20, and keeps it committed: ~20 MiB of a busy server's
 * ~225 MiB, for no gain measured on this server's load (A/B: the same turns/s and CPU per turn with 8 MiB).
 * The maximum is fixed when the process starts (`--max-semi-space-size`), which `next start` gives no way to pass.
 * But V8 reads its growth factor at each growth: after every collection this lets the space double while it is
 * under the bound and stops it there. One growth may still overshoot the bound, to at most twice it, when a
 * collection follows another before the observer has run.
 * A space already over the bound (a server grows it to the maximum while it loads its code, before it gets
 * here) only shrinks where V8 shrinks it: at a collection after ~5 s of little allocation. So while the space is
 * over the bound, a calm interval (at most `calmCpuShare` of one core busy) ends with a young-generation
 * collection (~1 ms), until one has shrunk it. `mib` 0 leaves V8's own growth. Returns whether the bound was set.
 */
export function limitNewSpace(
  mib: number,
  { intervalMs = 3_000, calmCpuShare = 0.3 }: { intervalMs?: number; calmCpuShare?: number } = {},
): boolean {
  if (newSpaceBound) {
    newSpaceBound.observer.disconnect();
    clearInterval(newSpaceBound.timer);
    newSpaceBound = undefined;
  }
  if (!Number.isFinite(mib) || mib <= 0) {
    v8.setFlagsFromString("--semi-space-growth-factor=2");
    return false;
  }
  const gc = v8Gc();
  const bound = mib * 2 ** 20;
  let growing: boolean | undefined;
  const adjust = () => {
    const grow = newSpaceBytes() < bound;
    if (grow === growing) return;
    growing = grow;
    // 2 is V8's own factor; 1 keeps the space as it is.
    v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  adjust();
  const observer = new PerformanceObserver(adjust);
  observer.observe({ entryTypes: ["gc"] });
  const quiet = calmSince(calmCpuShare);
  const timer = setInterval(() => {
    if (!quiet.calm() || newSpaceBytes() <= bound || !gc) return;
    gc({ type: "minor" });
    adjust();
    quiet.restart();
  }, intervalMs).unref();
  newSpaceBound = { observer, timer };
  return true;
}

/** Starts the collector once per process; returns false where no collector can be had. */
export function startIdleGc({
  intervalMs = 3_000,
  calmCpuShare = 0.3,
  minGrowthBytes = 48 * 1024 * 1024,
}: IdleGcOptions = {}): boolean {
  if (started) return true;
  const gc = v8Gc();
  if (!gc) return false;
  started = true;
  let baseline = process.memoryUsage().heapUsed;
  const quiet = calmSince(calmCpuShare);
  setInterval(() => {
    if (!quiet.calm() || process.memoryUsage().heapUsed - baseline < minGrowthBytes) return;
    gc();
    // "last-resort" then gives V8's pooled free pages back to the OS (measured: RSS 211 → 125 MiB after a burst).
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    baseline = process.memoryUsage().heapUsed;
    // The collection itself is not activity: the next interval starts from here.
    quiet.restart();
  }, intervalMs).unref();
  return true;
}
