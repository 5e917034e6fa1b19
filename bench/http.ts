/**
 * HTTP against the production server (issue 9, benchmark 2): `POST /api/executions` (JSON) and streaming
 * `POST /api/chat` at concurrency 1, 16 and 64 — requests/s, p50/p99, errors — and the time to first token
 * at the client next to the time the model emitted it.
 *
 * The model for the chat runs is an OpenAI-compatible wire-format server in THIS process
 * (tests/helpers/wire-server.ts, no latency): it notes when it writes each request's first content chunk,
 * and the client notes when that token's SSE event arrives, on one clock — their difference is what Lattice
 * adds (provider client, engine, tracker, Next's stream, loopback). The executions runs use the instant
 * `local` echo model, the same chat graph as the engine benchmark.
 *
 * Run through bench/run.ts, or: npx tsx bench/http.ts --dir <build snapshot> --database-url <url> [--out f]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startWireServer } from "../tests/helpers/wire-server";
import { freePort, startProductionServer } from "../tests/helpers/production-server";
import { callJson, readSse, request, signUpOverHttp, wallClock } from "../tests/helpers/http-client";
import { BENCH_MESSAGE, chatDefinition } from "./lib/definitions";
import { mergeSamples, quantile, round, runLoad, type Figures } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string" },
    "database-url": { type: "string" },
    port: { type: "string" },
    concurrency: { type: "string", default: "1,16,64" },
    runs: { type: "string", default: "300" },
    "max-seconds": { type: "string", default: "30" },
    out: { type: "string" },
  },
});
if (!args.dir || !args["database-url"])
  throw new Error("usage: bench/http.ts --dir <build snapshot> --database-url <url>");
const CONCURRENCY = args.concurrency!.split(",").map(Number);
const RUNS = Number(args.runs);
const MAX_MS = Number(args["max-seconds"]) * 1000;

/** What the model emitted, by the marker each chat message carries. */
const emittedAt = new Map<string, number>();
const MARKER = /\[bench:(\d+)\]/;

async function main() {
  const wire = await startWireServer({
    record: false,
    respond: (req) => {
      const last = [...req.messages].reverse().find((m) => m.role === "user")?.content ?? "";
      const marker = MARKER.exec(last)?.[1];
      // The first content chunk is written right after this returns (no latency configured).
      // Only the answer's request: a new conversation's title is asked of the model afterwards, same message.
      if (marker && !emittedAt.has(marker)) emittedAt.set(marker, wallClock());
      return {
        text: `Thanks for asking. Here is a short answer to ${last.slice(0, 40)} with a few more words to stream.`,
      };
    },
  });
  const server = await startProductionServer({
    dir: args.dir!,
    port: args.port ? Number(args.port) : await freePort(),
    databaseUrl: args["database-url"]!,
    env: {
      OPENAI_BASE_URL: `${wire.url}/v1`,
      OPENAI_API_KEY: "bench-key",
      // The benchmark is one user hammering the API: lift the per-user limits.
      LATTICE_MAX_CONCURRENT_RUNS: "10000",
      LATTICE_RUNS_PER_MINUTE: "100000",
    },
  });
  console.error(`[bench] server ${server.url} (pid ${server.pid}), model ${wire.url}`);
  const user = await signUpOverHttp(server.url, "bench");
  const wireWorkflow = await callJson(server.url, "/api/workflows", {
    method: "POST",
    apiKey: user.apiKey,
    body: {
      name: "Bench chat (OpenAI wire format)",
      description: "",
      nodes: chatDefinition.nodes.map((n) =>
        n.type === "model" ? { ...n, data: { ...n.data, config: { provider: "openai", model: "gpt-4o-mini" } } } : n,
      ),
      edges: chatDefinition.edges,
      metadata: {},
    },
  });
  if (wireWorkflow.status !== 201)
    throw new Error(`creating the workflow answered ${wireWorkflow.status}: ${wireWorkflow.text}`);
  const workflowId = wireWorkflow.json.workflow.id as string;

  const problems: string[] = [];
  const onError = (where: string) => (error: unknown) => {
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`[bench] ${problems.at(-1)}`);
  };

  const execute = async () => {
    const response = await callJson(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      body: { type: "CUSTOM", definition: chatDefinition, input: { message: BENCH_MESSAGE } },
    });
    if (response.status !== 200 || response.json?.status !== "completed")
      throw new Error(`POST /api/executions answered ${response.status}: ${response.text.slice(0, 200)}`);
  };

  let counter = 0;
  const ttft: number[] = [];
  const modelTtft: number[] = [];
  const added: number[] = [];
  const chat = async () => {
    const marker = String(++counter);
    const started = wallClock();
    const response = await request(server.url, "/api/chat", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { message: `How are things going? [bench:${marker}]`, workflowId },
    });
    if (response.status !== 200)
      throw new Error(`POST /api/chat answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    let firstToken: number | undefined;
    const events = await readSse(response, {
      onEvent: (m) => {
        if (m.event === "token" && firstToken === undefined) firstToken = m.receivedAt;
      },
    });
    const terminal = events.find(
      (m) => m.event === "run_completed" || m.event === "run_failed" || m.event === "run_cancelled",
    );
    if (terminal?.event !== "run_completed")
      throw new Error(`chat stream ended with ${terminal?.event ?? "no run event"}`);
    if (!events.some((m) => m.event === "message")) throw new Error("chat stream sent no saved message");
    const emitted = emittedAt.get(marker);
    emittedAt.delete(marker);
    if (firstToken === undefined || emitted === undefined) throw new Error("no token reached the client");
    ttft.push(firstToken - started);
    modelTtft.push(emitted - started);
    added.push(firstToken - emitted);
  };

  // Warm up both routes (first requests compile nothing in production, but open pools and JIT).
  await runLoad(execute, { concurrency: 4, runs: 40, onError: onError("warm-up executions") });
  await runLoad(chat, { concurrency: 4, runs: 40, onError: onError("warm-up chat") });
  ttft.length = modelTtft.length = added.length = 0;

  const results: Array<{ route: string; concurrency: number; figures: Figures; ttft?: Record<string, number> }> = [];
  for (const concurrency of CONCURRENCY) {
    const runs = Math.max(RUNS, concurrency * 4);
    const e = mergeSamples([
      await runLoad(execute, { concurrency, runs, maxMs: MAX_MS, onError: onError(`executions c=${concurrency}`) }),
    ]);
    results.push({ route: "POST /api/executions", concurrency, figures: e });
    console.error(
      `[bench] executions c=${concurrency}: ${round(e.runsPerSec, 1)} req/s p50 ${round(e.p50)} p99 ${round(e.p99)} errors ${e.errors}`,
    );
    ttft.length = modelTtft.length = added.length = 0;
    const c = mergeSamples([
      await runLoad(chat, { concurrency, runs, maxMs: MAX_MS, onError: onError(`chat c=${concurrency}`) }),
    ]);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const t = sorted(ttft);
    const m = sorted(modelTtft);
    const a = sorted(added);
    results.push({
      route: "POST /api/chat (SSE)",
      concurrency,
      figures: c,
      ttft: {
        clientP50: quantile(t, 0.5),
        clientP99: quantile(t, 0.99),
        modelP50: quantile(m, 0.5),
        modelP99: quantile(m, 0.99),
        addedP50: quantile(a, 0.5),
        addedP99: quantile(a, 0.99),
      },
    });
    console.error(
      `[bench] chat c=${concurrency}: ${round(c.runsPerSec, 1)} req/s p50 ${round(c.p50)} p99 ${round(c.p99)} errors ${c.errors}; first token added p50 ${round(quantile(a, 0.5))} ms p99 ${round(quantile(a, 0.99))} ms`,
    );
  }

  const report = {
    kind: "http",
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version },
    params: { runs: RUNS, concurrency: CONCURRENCY, serverRssBytes: server.rssBytes() },
    results,
    problems: problems.slice(0, 20),
  };
  const out = args.out ?? path.join("bench-results", `http-${Date.now()}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.error(`[bench] wrote ${out}`);
  await server.kill("SIGTERM");
  await wire.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
