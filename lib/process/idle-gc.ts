/**
 * Gives memory back after a burst. V8 grows the heap to serve a burst of runs and, in Node, shrinks it only
 * at its next full collection — which a quiet server reaches late or never (Node has no idle-time GC tasks):
 * after a busy minute the process kept ~2.5× its live heap until the next burst. When the process has been
 * calm for a whole interval (at most `calmCpuShare` of one core busy: idle, or a trickle of requests after
 * the burst) and its heap holds much more than it held after the last full collection, this runs one (freed
 * pages go back to the OS). A busy process is never interrupted; a calm one is collected once per burst — one
 * pause of tens of milliseconds, which a request in flight then may wait for.
 */
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

/** Starts the collector once per process; returns false where no collector can be had. */
export function startIdleGc({
  intervalMs = 3_000,
  calmCpuShare = 0.3,
  minGrowthBytes = 48 * 1024 * 1024,
}: IdleGcOptions = {}): boolean {
  if (started) return true;
  let gc: ((options?: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void) | undefined;
  try {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as typeof gc;
  } catch {
    return false;
  }
  if (typeof gc !== "function") return false;
  started = true;
  let baseline = process.memoryUsage().heapUsed;
  let cpu = process.cpuUsage();
  let lastLook = performance.now();
  setInterval(() => {
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const calm = (used.user + used.system) / 1000 <= calmCpuShare * (now - lastLook);
    cpu = process.cpuUsage();
    lastLook = now;
    if (!calm || process.memoryUsage().heapUsed - baseline < minGrowthBytes) return;
    gc!();
    // "last-resort" then gives V8's pooled free pages back to the OS (measured: RSS 211 → 125 MiB after a burst).
    gc!({ type: "major", execution: "sync", flavor: "last-resort" });
    baseline = process.memoryUsage().heapUsed;
    // The collection itself is not activity: the next interval starts from here.
    cpu = process.cpuUsage();
    lastLook = performance.now();
  }, intervalMs).unref();
  return true;
}
