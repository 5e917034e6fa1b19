/**
 * The benchmark tables: every figure with its ratio against the baseline measured in the same run, and each
 * issue-9 / ARCHITECTURE target marked met or missed.
 */
import type { Figures } from "./stats";

interface EngineRow {
  graph: string;
  variant: string;
  label: string;
  concurrency: number;
  figures: Figures;
  cpu?: { coresBusy: number; cpuMs: number };
}
interface ScalingRow {
  concurrency: number;
  figures: Figures;
  coresBusy: number;
  dbConnections: Record<string, number>;
}
interface EngineReport {
  results: EngineRow[];
  scaling: ScalingRow[];
  params: { poolSize: number };
  machine: { loadavg: number[] };
}
interface HttpRow {
  route: string;
  concurrency: number;
  figures: Figures;
  ttft?: Record<string, number>;
}
interface HttpReport {
  results: HttpRow[];
  machine: { loadavg: number[] };
}
interface FanoutReport {
  params: { subscribers: number };
  run: { subscribersCompleted: number; samples: number; lagP50: number; lagP99: number; eventsPerSubscriber: number };
  feed: { samples: number; lagP50: number; lagP99: number };
  memory: { perSubscriberBytes?: number; perFeedSubscriberBytes?: number };
  leftAfterClose: {
    serverSockets: { before?: number; after?: number; atClose?: number };
    databaseConnections: { before: number; after: number; poolSize: number };
  };
}
interface ExternalReport {
  script: string;
  missing: boolean;
  output: string;
}

export interface BenchReports {
  stamp: string;
  quick: boolean;
  machine: { cpus: number; model: string; loadavgAtStart: number[]; node: string };
  engine?: EngineReport;
  scaling?: EngineReport;
  http?: HttpReport;
  fanout?: FanoutReport;
  editor?: ExternalReport;
  monitor?: ExternalReport;
  failures?: string[];
}

const n = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const x = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(2)}×`;
const mark = (ok: boolean | undefined) => (ok === undefined ? "?" : ok ? "met" : "MISSED");

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function renderReport(r: BenchReports): string {
  const out: string[] = [];
  out.push(`Lattice benchmarks ${r.stamp}${r.quick ? " (QUICK: harness check, not figures)" : ""}`);
  out.push(
    `machine: ${r.machine.cpus} cores (${r.machine.model}), Node ${r.machine.node}, load average at start ${r.machine.loadavgAtStart.map((l) => l.toFixed(1)).join(" ")}`,
  );
  const targets: string[] = [];

  if (r.engine) {
    out.push("\n1. Engine overhead against the limit (same process, variants interleaved in rounds)");
    const groups = new Map<string, EngineRow[]>();
    for (const row of r.engine.results)
      groups.set(`${row.graph} c=${row.concurrency}`, [
        ...(groups.get(`${row.graph} c=${row.concurrency}`) ?? []),
        row,
      ]);
    for (const [key, rows] of groups) {
      const pg = rows.find((row) => row.variant === "raw+pg-official");
      const raw = rows.find((row) => row.variant === "raw");
      out.push(`\n${key}`);
      out.push(
        table(
          [
            "variant",
            "runs/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "CPU ms/run",
            "runs/s vs raw+PG",
            "p50 vs raw+PG",
            "runs/s vs raw",
          ],
          rows.map((row) => [
            row.label,
            n(row.figures.runsPerSec),
            n(row.figures.p50, 2),
            n(row.figures.p99, 2),
            String(row.figures.errors),
            n(row.cpu && row.figures.runs ? row.cpu.cpuMs / row.figures.runs : undefined, 2),
            x(pg ? row.figures.runsPerSec / pg.figures.runsPerSec : undefined),
            x(pg ? row.figures.p50 / pg.figures.p50 : undefined),
            x(raw ? row.figures.runsPerSec / raw.figures.runsPerSec : undefined),
          ]),
        ),
      );
      const lattice = rows.find((row) => row.variant === "lattice");
      if (lattice && pg) {
        const [graph, c] = key.split(" c=");
        if (c === "1") {
          const ratio = lattice.figures.p50 / pg.figures.p50;
          targets.push(
            `engine ${graph} c=1: Lattice p50 / raw+PostgresSaver p50 = ${x(ratio)} (target ≤ 1.5×) ${mark(ratio <= 1.5)}`,
          );
        } else {
          const ratio = lattice.figures.runsPerSec / pg.figures.runsPerSec;
          targets.push(
            `engine ${graph} c=${c}: Lattice runs/s / raw+PostgresSaver runs/s = ${x(ratio)} (target ≥ 0.7×) ${mark(ratio >= 0.7)}`,
          );
        }
      }
      if (lattice && raw) {
        const ratio = lattice.figures.runsPerSec / raw.figures.runsPerSec;
        targets.push(
          `engine ${key}: Lattice runs/s / raw (no checkpointer) = ${x(ratio)} (ARCHITECTURE target ≥ 0.5×) ${mark(ratio >= 0.5)}`,
        );
      }
    }
  }

  const scaling = r.scaling?.scaling ?? r.engine?.scaling ?? [];
  if (scaling.length) {
    out.push("\n5. Scaling shape: Lattice (chat graph, tracker on PostgreSQL) in process");
    const first = scaling[0]!;
    out.push(
      table(
        ["concurrency", "runs/s", "p50 ms", "p99 ms", "vs c=1", "CPU cores busy", "db active (peak)", "db idle"],
        scaling.map((s) => [
          String(s.concurrency),
          n(s.figures.runsPerSec),
          n(s.figures.p50, 2),
          n(s.figures.p99, 2),
          x(s.figures.runsPerSec / first.figures.runsPerSec),
          n(s.coresBusy, 2),
          String(s.dbConnections.active ?? 0),
          String(s.dbConnections.idle ?? 0),
        ]),
      ),
    );
    const best = scaling.reduce((a, b) => (b.figures.runsPerSec > a.figures.runsPerSec ? b : a));
    out.push(
      `saturates at about c=${best.concurrency} (${n(best.figures.runsPerSec)} runs/s, ${n(best.coresBusy, 2)} cores of the Node process busy; pool ${r.scaling?.params.poolSize ?? r.engine?.params.poolSize ?? "?"})`,
    );
  }

  if (r.http) {
    out.push("\n2. HTTP against the production server");
    const inProcess = (c: number) => scaling.find((s) => s.concurrency === c)?.figures.runsPerSec;
    out.push(
      table(
        [
          "route",
          "c",
          "req/s",
          "p50 ms",
          "p99 ms",
          "errors",
          "vs in-process",
          "TTFT client p50",
          "model emitted p50",
          "added p50",
          "added p99",
        ],
        r.http.results.map((row) => [
          row.route,
          String(row.concurrency),
          n(row.figures.runsPerSec),
          n(row.figures.p50, 2),
          n(row.figures.p99, 2),
          String(row.figures.errors),
          x(inProcess(row.concurrency) ? row.figures.runsPerSec / inProcess(row.concurrency)! : undefined),
          n(row.ttft?.clientP50, 2),
          n(row.ttft?.modelP50, 2),
          n(row.ttft?.addedP50, 2),
          n(row.ttft?.addedP99, 2),
        ]),
      ),
    );
    out.push(
      "(vs in-process: the same chat graph through execute() at the same concurrency in the scaling run. Against Flowise: npm run bench -- --peers, measured side by side in one run)",
    );
    for (const row of r.http.results) {
      targets.push(
        `http ${row.route} c=${row.concurrency}: ${row.figures.errors} errors (target 0) ${mark(row.figures.errors === 0)}`,
      );
      const added = row.ttft?.addedP50;
      if (added !== undefined)
        targets.push(
          `http chat c=${row.concurrency}: first token added p50 ${n(added, 2)} ms (target ≤ 10 ms) ${mark(added <= 10)}`,
        );
    }
  }

  if (r.fanout) {
    const f = r.fanout;
    out.push(
      `\n3. Live monitor fan-out: ${f.params.subscribers} subscribers to one run + ${f.params.subscribers} to the feed`,
    );
    out.push(
      table(
        ["stream", "deliveries", "lag p50 ms", "lag p99 ms"],
        [
          ["run events", String(f.run.samples), n(f.run.lagP50, 2), n(f.run.lagP99, 2)],
          ["run status feed", String(f.feed.samples), n(f.feed.lagP50, 2), n(f.feed.lagP99, 2)],
        ],
      ),
    );
    out.push(
      `memory ≈ ${n((f.memory.perSubscriberBytes ?? NaN) / 1024)} KiB per subscriber (server RSS); ${f.run.subscribersCompleted}/${f.params.subscribers} run subscribers got the whole run; ` +
        `HTTP connections to the server: ${f.leftAfterClose.serverSockets.before} before, ${f.leftAfterClose.serverSockets.after} after close; database connections ${f.leftAfterClose.databaseConnections.after} (pool of ${f.leftAfterClose.databaseConnections.poolSize} + the LISTEN connection)`,
    );
    targets.push(`fan-out run lag p50 ${n(f.run.lagP50, 2)} ms (target ≤ 50 ms) ${mark(f.run.lagP50 <= 50)}`);
    const socketsBack =
      f.leftAfterClose.serverSockets.after === undefined ||
      f.leftAfterClose.serverSockets.before === undefined ||
      f.leftAfterClose.serverSockets.after <= f.leftAfterClose.serverSockets.before;
    targets.push(
      `fan-out: no connection left after close ${mark(socketsBack && f.leftAfterClose.databaseConnections.after <= f.leftAfterClose.databaseConnections.poolSize + 1)}`,
    );
  }

  for (const name of ["editor", "monitor"] as const) {
    const ext = r[name];
    if (!ext) continue;
    out.push(
      `\n${name === "editor" ? "4. Editor (scripts/bench-editor.ts)" : "Monitor lag (scripts/measure-monitor-lag.ts)"}`,
    );
    if (ext.missing) out.push(`${ext.script} does not exist yet: not measured`);
    else out.push(ext.output.trim().split("\n").slice(-12).join("\n"));
  }

  if (targets.length) out.push(`\nTargets\n${targets.map((t) => `  ${t}`).join("\n")}`);
  if (r.failures?.length) out.push(`\nFAILED\n${r.failures.map((f) => `  ${f}`).join("\n")}`);
  return out.join("\n");
}
