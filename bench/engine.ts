/**
 * Engine overhead against the limit (issue 9, benchmark 1) and the scaling shape (benchmark 5).
 *
 * The same two graphs with the same instant local model, run
 *   - by raw LangGraph compiled by hand: no checkpointer; MemorySaver; the official PostgresSaver
 *     (@langchain/langgraph-checkpoint-postgres, node-postgres pool); Lattice's own saver (DbCheckpointSaver,
 *     postgres.js) — the raw graphs at LangGraph's default durability;
 *   - by Lattice's `execute` with the database WorkflowTracker (run row, events, analytics, checkpoint at the
 *     end) on the same PostgreSQL database.
 * Variants run interleaved in rounds, so a noisy neighbour on a shared machine hits all of them alike.
 *
 * Run through bench/run.ts (it prepares the database and sets DATABASE_URL), or directly:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/lattice_bench NODE_OPTIONS=--conditions=react-server \
 *     npx tsx bench/engine.ts --runs 400 --rounds 3 --concurrency 1,32 [--scaling 1,2,4,8,16,32,64] [--out file]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { MemorySaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { ulid } from "ulid";
import { closeDb, getDbHandle } from "@/lib/db/client";
import { DbCheckpointSaver } from "@/lib/db/checkpointer";
import { createUserWithPassword } from "@/lib/db/queries/users";
import { execute } from "@/lib/engine/execute";
import { env } from "@/lib/env";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { benchInput, BENCH_MESSAGE, definitions, rawGraphs, type GraphName } from "./lib/graphs";
import { connectionStates } from "./lib/database";
import { cpuMeter, mergeSamples, round, runLoad, type Figures, type LoadSample } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "300" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "30" },
    concurrency: { type: "string", default: "1,32" },
    graphs: { type: "string", default: "chat,branching" },
    variants: { type: "string" },
    scaling: { type: "string" },
    "max-seconds": { type: "string", default: "60" },
    out: { type: "string" },
  },
});

const RUNS = Number(args.runs);
const ROUNDS = Math.max(1, Number(args.rounds));
const WARMUP = Number(args.warmup);
const MAX_MS = Number(args["max-seconds"]) * 1000;
const CONCURRENCY = args.concurrency!.split(",").map(Number);
const GRAPHS = args.graphs!.split(",") as GraphName[];
const SCALING = args.scaling ? args.scaling.split(",").map(Number) : [];

const databaseUrl = env().DATABASE_URL;
if (!databaseUrl)
  throw new Error("bench/engine.ts needs DATABASE_URL (a PostgreSQL database of its own, e.g. lattice_bench)");

type Variant = "raw" | "raw+memory" | "raw+pg-official" | "raw+pg-lattice-saver" | "lattice";
const ALL_VARIANTS: Variant[] = ["raw", "raw+memory", "raw+pg-official", "raw+pg-lattice-saver", "lattice"];
const VARIANTS = (args.variants ? args.variants.split(",") : ALL_VARIANTS) as Variant[];

export const VARIANT_LABELS: Record<Variant, string> = {
  raw: "raw LangGraph, no checkpointer",
  "raw+memory": "raw LangGraph + MemorySaver",
  "raw+pg-official": "raw LangGraph + official PostgresSaver",
  "raw+pg-lattice-saver": "raw LangGraph + Lattice's DbCheckpointSaver",
  lattice: "Lattice execute + WorkflowTracker (PostgreSQL)",
};

async function main() {
  const handle = await getDbHandle(); // migrated and seeded
  const user = (await createUserWithPassword({
    email: `bench-${ulid().toLowerCase()}@bench.local`,
    name: "Bench",
    passwordHash: "x",
  }))!;
  const tracker = getWorkflowTracker();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: env().LATTICE_DB_POOL_SIZE });
  const official = new PostgresSaver(pool, undefined, { schema: "langgraph_official" });
  await pool.query("create schema if not exists langgraph_official");
  await official.setup();
  const ours = new DbCheckpointSaver();
  const memory = new MemorySaver();

  const savers = {
    raw: undefined,
    "raw+memory": memory,
    "raw+pg-official": official,
    "raw+pg-lattice-saver": ours,
  } as const;
  const compiled = Object.fromEntries(
    GRAPHS.map((g) => [g, Object.fromEntries(Object.entries(savers).map(([v, saver]) => [v, rawGraphs[g](saver)]))]),
  ) as Record<GraphName, Record<Exclude<Variant, "lattice">, ReturnType<(typeof rawGraphs)["chat"]>>>;

  const operation = (graph: GraphName, variant: Variant) => {
    if (variant === "lattice") {
      const request = { type: "CUSTOM", definition: definitions[graph], input: { message: BENCH_MESSAGE } } as const;
      return async () => {
        const result = await execute(request, { userId: user.id, tracker });
        if (result.status !== "completed")
          throw new Error(`run ${result.executionId} ended ${result.status}: ${result.error?.message}`);
      };
    }
    const app = compiled[graph][variant];
    return async () => {
      const out = await app.invoke(benchInput(), { configurable: { thread_id: ulid() } });
      if (!out.messages.at(-1)?.text) throw new Error("raw graph produced no answer");
    };
  };

  const results: Array<{
    graph: GraphName;
    variant: Variant;
    label: string;
    concurrency: number;
    figures: Figures;
    cpu?: ReturnType<ReturnType<typeof cpuMeter>>;
  }> = [];
  const problems: string[] = [];
  const onError = (where: string) => (error: unknown) => {
    const text = `${where}: ${error instanceof Error ? error.message : String(error)}`;
    problems.push(text);
    console.error(`[bench] ${text}`);
  };

  for (const graph of GRAPHS) {
    for (const variant of VARIANTS)
      await runLoad(operation(graph, variant), {
        concurrency: 4,
        runs: WARMUP,
        onError: onError(`${graph}/${variant} warm-up`),
      });
    for (const concurrency of CONCURRENCY) {
      const samples = new Map<Variant, LoadSample[]>(VARIANTS.map((v) => [v, []]));
      const cpu = new Map<Variant, number>();
      for (let r = 0; r < ROUNDS; r++) {
        for (const variant of VARIANTS) {
          const meter = cpuMeter();
          samples.get(variant)!.push(
            await runLoad(operation(graph, variant), {
              concurrency,
              runs: Math.ceil(RUNS / ROUNDS),
              maxMs: MAX_MS / ROUNDS,
              onError: onError(`${graph}/${variant}/c${concurrency}`),
            }),
          );
          cpu.set(variant, (cpu.get(variant) ?? 0) + meter().cpuMs);
        }
      }
      for (const variant of VARIANTS) {
        const figures = mergeSamples(samples.get(variant)!);
        results.push({
          graph,
          variant,
          label: VARIANT_LABELS[variant],
          concurrency,
          figures,
          cpu: {
            cpuMs: cpu.get(variant)!,
            wallMs: figures.seconds * 1000,
            coresBusy: cpu.get(variant)! / (figures.seconds * 1000),
          },
        });
        console.error(
          `[bench] ${graph} c=${concurrency} ${variant}: ${round(figures.runsPerSec, 1)} runs/s p50 ${round(figures.p50)} ms p99 ${round(figures.p99)} ms errors ${figures.errors}`,
        );
      }
    }
  }

  // Scaling shape: Lattice alone at growing concurrency, with what explains where it flattens —
  // the process's CPU (one Node thread), the pool, the database's connections.
  const scaling: Array<{
    concurrency: number;
    figures: Figures;
    coresBusy: number;
    dbConnections: Record<string, number>;
  }> = [];
  if (SCALING.length) {
    const op = operation("chat", "lattice");
    for (const concurrency of SCALING) {
      const meter = cpuMeter();
      let peak: Record<string, number> = {};
      const probe = setInterval(() => {
        void connectionStates(databaseUrl!).then(
          (states) => {
            if ((states.active ?? 0) >= (peak.active ?? 0)) peak = states;
          },
          () => {},
        );
      }, 250);
      const sample = await runLoad(op, {
        concurrency,
        runs: Math.max(RUNS, concurrency * 10),
        maxMs: MAX_MS,
        onError: onError(`scaling c=${concurrency}`),
      });
      clearInterval(probe);
      const figures = mergeSamples([sample]);
      const { coresBusy } = meter();
      scaling.push({ concurrency, figures, coresBusy, dbConnections: peak });
      console.error(
        `[bench] scaling c=${concurrency}: ${round(figures.runsPerSec, 1)} runs/s p99 ${round(figures.p99)} ms cpu ${round(coresBusy)} cores`,
      );
    }
  }

  const report = {
    kind: "engine",
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg(), node: process.version },
    params: {
      runs: RUNS,
      rounds: ROUNDS,
      warmup: WARMUP,
      concurrency: CONCURRENCY,
      graphs: GRAPHS,
      poolSize: env().LATTICE_DB_POOL_SIZE,
      database: handle.location,
    },
    results,
    scaling,
    problems: problems.slice(0, 20),
  };
  const out = args.out ?? path.join("bench-results", `engine-${Date.now()}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.error(`[bench] wrote ${out}`);
  await pool.end();
  await closeDb();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
