/**
 * The bounded load loop and the statistics of the peer comparison: a line-for-line port of the reference
 * harness's lib/measure.mjs (same stop rules, same nearest-rank percentile, medians across rounds, same table
 * layout), so its figures compare with an independent run of that harness. Not bench/lib/stats.ts on
 * purpose: that one stops on different rules.
 */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface LoadContext {
  worker: number;
  /** Global issue index. */
  i: number;
}

export interface LoadResult {
  n: number;
  errors: number;
  firstError: string | null;
  elapsedS: number;
  execPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export interface RoundsSummary {
  rounds: number;
  n: number;
  errors: number;
  execPerSec: number;
  execPerSecMin: number;
  execPerSecMax: number;
  p50: number;
  p99: number;
  mean: number;
  firstError: string | null;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs `fn(ctx)` with `concurrency` workers, each awaiting one call at a time, until `durationMs` has passed
 * OR `maxIters` calls were issued (both bounds always apply), or `maxErrors` calls failed.
 */
export async function runLoad(
  fn: (ctx: LoadContext) => Promise<unknown>,
  {
    concurrency = 1,
    durationMs = 5000,
    maxIters = 200000,
    maxErrors = 20,
  }: { concurrency?: number; durationMs?: number; maxIters?: number; maxErrors?: number } = {},
): Promise<LoadResult> {
  const lat: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: unknown = null;
  const t0 = nowMs();
  const deadline = t0 + durationMs;
  async function worker(w: number) {
    while (issued < maxIters && nowMs() < deadline && errors < maxErrors) {
      const i = issued++;
      const s = nowMs();
      try {
        await fn({ worker: w, i });
        lat.push(nowMs() - s);
      } catch (e) {
        errors++;
        if (!firstError) firstError = e;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (nowMs() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    n: lat.length,
    errors,
    firstError: firstError
      ? String((firstError as Error)?.stack || firstError)
          .split("\n")
          .slice(0, 3)
          .join(" | ")
      : null,
    elapsedS: elapsed,
    execPerSec: lat.length / elapsed,
    p50: percentile(lat, 50),
    p90: percentile(lat, 90),
    p99: percentile(lat, 99),
    mean: lat.reduce((a, b) => a + b, 0) / (lat.length || 1),
  };
}

/** Several rounds of the same case: medians across rounds and the spread of throughput. */
export function summarise(rounds: LoadResult[]): RoundsSummary {
  const eps = rounds.map((r) => r.execPerSec);
  return {
    rounds: rounds.length,
    n: rounds.reduce((a, r) => a + r.n, 0),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    execPerSec: median(eps),
    execPerSecMin: Math.min(...eps),
    execPerSecMax: Math.max(...eps),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    mean: median(rounds.map((r) => r.mean)),
    firstError: rounds.find((r) => r.firstError)?.firstError || null,
  };
}

export function fmt(x: number | undefined, d = 2): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.min(d, 1));
  return x.toFixed(d);
}

export interface Column<T> {
  h: string;
  f: (row: T) => string | number;
}

/** A Markdown table, the first column left-aligned and the others right-aligned. */
export function table<T>(rows: T[], cols: Column<T>[]): string {
  const head = cols.map((c) => c.h);
  const body = rows.map((r) => cols.map((c) => String(c.f(r))));
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(" | ")} |`;
  return [
    line(head),
    `|${w.map((x, i) => (i === 0 ? "-".repeat(x + 2) : `${"-".repeat(x + 1)}:`)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}
