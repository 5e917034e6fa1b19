/**
 * Measuring: a closed-loop load generator (C workers, each starting its next operation when the last one
 * ends, the way C concurrent clients behave) and the figures every benchmark reports.
 */
import { performance } from "node:perf_hooks";

export interface Figures {
  /** Operations that completed (errors excluded). */
  runs: number;
  errors: number;
  /** Wall time of the measured window. */
  seconds: number;
  runsPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

/** The q-quantile (0..1) of sorted values, nearest-rank: the value a q share of runs did not exceed. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(latencies: number[], errors: number, seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    runs: sorted.length,
    errors,
    seconds,
    runsPerSec: seconds > 0 ? sorted.length / seconds : 0,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many operations... */
  runs: number;
  /** ...or once this much time has passed, whichever comes first (a busy machine must not stall the suite). */
  maxMs?: number;
  /** Called with the first few errors, so a broken variant says why instead of printing zeros. */
  onError?: (error: unknown) => void;
}

export interface LoadSample {
  latencies: number[];
  errors: number;
  seconds: number;
}

/** Runs `op` under closed-loop load; `op(i)` gets a unique index. Latency is per operation, in ms. */
export async function runLoad(
  op: (i: number) => Promise<unknown>,
  { concurrency, runs, maxMs = Infinity, onError }: LoadOptions,
): Promise<LoadSample> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= runs || performance.now() > deadline) return;
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        if (errors <= 3) onError?.(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

/** Merges the samples of several rounds of one variant into its figures (throughput = runs / total time). */
export function mergeSamples(samples: LoadSample[]): Figures {
  return summarize(
    samples.flatMap((s) => s.latencies),
    samples.reduce((n, s) => n + s.errors, 0),
    samples.reduce((n, s) => n + s.seconds, 0),
  );
}

/** CPU time of this process between two calls, as a share of one core and of the machine. */
export function cpuMeter() {
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  return () => {
    const used = process.cpuUsage(startCpu);
    const wallMs = performance.now() - startWall;
    const cpuMs = (used.user + used.system) / 1000;
    return { cpuMs, wallMs, coresBusy: wallMs > 0 ? cpuMs / wallMs : 0 };
  };
}

export const round = (value: number, digits = 2) =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value;
