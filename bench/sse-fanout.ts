/**
 * Live monitor fan-out (issue 9, benchmark 3), against the production server: 100 Server-Sent Events
 * subscribers to one run's events (GET /api/executions/:id/events) and 100 to the run status feed
 * (GET /api/executions/feed). Reports publish-to-receive lag (the event's `at`, stamped by the engine or the
 * tracker, to its arrival here, on one machine's clock), the server's resident memory per subscriber, and
 * that nothing is left once they close: the server's open sockets and the database's connections return to
 * what they were before.
 *
 * Run through bench/run.ts, or: npx tsx bench/sse-fanout.ts --dir <build snapshot> --database-url <url>
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { freePort, startProductionServer } from "../tests/helpers/production-server";
import { callJson, readSse, request, signUpOverHttp, wallClock, type SseMessage } from "../tests/helpers/http-client";
import { quantile, round } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string" },
    "database-url": { type: "string" },
    subscribers: { type: "string", default: "100" },
    "feed-runs": { type: "string", default: "10" },
    "token-latency": { type: "string", default: "15" },
    out: { type: "string" },
  },
});
if (!args.dir || !args["database-url"])
  throw new Error("usage: bench/sse-fanout.ts --dir <build snapshot> --database-url <url>");
const SUBSCRIBERS = Number(args.subscribers);
const FEED_RUNS = Number(args["feed-runs"]);
const databaseUrl = args["database-url"]!;
const POOL_SIZE = 10;

const slowRun = (latencyMs: number) => ({
  type: "CUSTOM",
  definition: {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
      {
        id: "model",
        type: "model",
        position: { x: 240, y: 0 },
        data: { config: { provider: "local", model: "slow", latencyMs } },
      },
      { id: "end", type: "end", position: { x: 480, y: 0 }, data: { config: {} } },
    ],
    edges: [
      { id: "e1", source: "start", target: "model" },
      { id: "e2", source: "model", target: "end" },
    ],
    metadata: {},
  },
  input: { message: "fan-out" },
});
const quickRun = () => ({
  ...slowRun(0),
  definition: {
    ...slowRun(0).definition,
    nodes: slowRun(0).definition.nodes.map((n) =>
      n.type === "model" ? { ...n, data: { config: { provider: "local", model: "echo" } } } : n,
    ),
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dbConnections(sql: postgres.Sql): Promise<number> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from pg_stat_activity where datname = ${name} and application_name = 'lattice'`;
  return row?.n ?? 0;
}

async function main() {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const server = await startProductionServer({
    dir: args.dir!,
    port: await freePort(),
    databaseUrl,
    env: {
      LATTICE_MAX_CONCURRENT_RUNS: "10000",
      LATTICE_RUNS_PER_MINUTE: "100000",
      LATTICE_DB_POOL_SIZE: String(POOL_SIZE),
    },
  });
  console.error(`[bench] server ${server.url} (pid ${server.pid})`);
  const user = await signUpOverHttp(server.url, "fanout");
  // Warm the routes so first-request work does not count as lag.
  await callJson(server.url, "/api/executions", { method: "POST", apiKey: user.apiKey, body: quickRun() });
  await sleep(500);

  // Keep-alive connections of the warm-up requests close after a few idle seconds: wait for a quiet baseline.
  for (let i = 0; i < 40 && (server.httpConnections() ?? 0) > 0; i++) await sleep(250);
  const baseline = { sockets: server.httpConnections(), rss: server.rssBytes(), db: await dbConnections(sql) };

  // 1. Feed subscribers (endless streams; closed by us at the end).
  const feedAbort = new AbortController();
  const feedLag: number[] = [];
  const feedReady = new Set<number>();
  let feedLive = 0;
  const feedStreams = Array.from({ length: SUBSCRIBERS }, async (_, i) => {
    const response = await request(server.url, "/api/executions/feed", {
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      signal: feedAbort.signal,
    });
    if (response.status !== 200) throw new Error(`feed answered ${response.status}`);
    feedReady.add(i);
    await readSse(response, {
      onEvent: (m: SseMessage) => {
        if (m.event !== "run_status" || !feedLive) return;
        const at = Date.parse(m.data.at);
        if (at >= feedLive) feedLag.push(m.receivedAt - at);
      },
    }).catch(() => {});
  });
  while (feedReady.size < SUBSCRIBERS) await sleep(20);
  await sleep(300);
  const rssWithFeed = server.rssBytes();

  // 2. One slow streaming run, and 100 subscribers to its events.
  feedLive = wallClock();
  const started = await callJson(server.url, "/api/executions", {
    method: "POST",
    apiKey: user.apiKey,
    headers: { prefer: "respond-async" },
    body: slowRun(Number(args["token-latency"])),
  });
  if (started.status !== 202) throw new Error(`starting the run answered ${started.status}: ${started.text}`);
  const executionId = started.json.executionId as string;
  const runLag: number[] = [];
  let readyAt = 0;
  const connected = new Set<number>();
  const runStreams = Array.from({ length: SUBSCRIBERS }, async (_, i) => {
    const response = await request(server.url, `/api/executions/${executionId}/events`, {
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
    });
    if (response.status !== 200) throw new Error(`events answered ${response.status}`);
    connected.add(i);
    const events = await readSse(response, {
      onEvent: (m) => {
        if (!readyAt || typeof m.data?.at !== "string") return;
        const at = Date.parse(m.data.at);
        if (at > readyAt) runLag.push(m.receivedAt - at);
      },
    });
    return events;
  });
  while (connected.size < SUBSCRIBERS) await sleep(10);
  readyAt = wallClock();
  const rssWithAll = server.rssBytes();
  const runEvents = await Promise.all(runStreams);
  const complete = runEvents.filter((events) => events.some((m) => m.event === "run_completed")).length;

  // 3. More runs for the feed.
  for (let i = 0; i < FEED_RUNS; i++)
    await callJson(server.url, "/api/executions", { method: "POST", apiKey: user.apiKey, body: quickRun() });
  await sleep(500);
  feedAbort.abort();
  await Promise.allSettled(feedStreams);

  // 4. Everything closed: give the server a moment, then compare with the baseline (HTTP connections to it).
  const peakSockets = server.httpConnections();
  let after = { sockets: server.httpConnections(), db: await dbConnections(sql) };
  for (
    let i = 0;
    i < 40 && after.sockets !== undefined && baseline.sockets !== undefined && after.sockets > baseline.sockets;
    i++
  ) {
    await sleep(250);
    after = { sockets: server.httpConnections(), db: await dbConnections(sql) };
  }

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const r = sorted(runLag);
  const f = sorted(feedLag);
  const perSubscriber = (a: number | undefined, b: number | undefined, n: number) =>
    a !== undefined && b !== undefined ? (b - a) / n : undefined;
  const report = {
    kind: "sse-fanout",
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version },
    params: { subscribers: SUBSCRIBERS, feedRuns: FEED_RUNS, tokenLatencyMs: Number(args["token-latency"]) },
    run: {
      executionId,
      subscribersCompleted: complete,
      eventsPerSubscriber: runEvents[0]?.length ?? 0,
      samples: r.length,
      lagP50: quantile(r, 0.5),
      lagP99: quantile(r, 0.99),
      lagMax: r.at(-1),
    },
    feed: { samples: f.length, lagP50: quantile(f, 0.5), lagP99: quantile(f, 0.99), lagMax: f.at(-1) },
    memory: {
      baselineRssBytes: baseline.rss,
      perFeedSubscriberBytes: perSubscriber(baseline.rss, rssWithFeed, SUBSCRIBERS),
      perSubscriberBytes: perSubscriber(baseline.rss, rssWithAll, 2 * SUBSCRIBERS),
    },
    leftAfterClose: {
      // Client connections to the server's port; the database pool grows with load up to its size and
      // shrinks when idle, so its connections are reported, not compared.
      serverSockets: { before: baseline.sockets, after: after.sockets, atClose: peakSockets },
      databaseConnections: { before: baseline.db, after: after.db, poolSize: POOL_SIZE },
    },
  };
  console.error(
    `[bench] fan-out: run lag p50 ${round(report.run.lagP50)} ms p99 ${round(report.run.lagP99)} ms (${r.length} deliveries, ${complete}/${SUBSCRIBERS} complete); feed lag p50 ${round(report.feed.lagP50)} p99 ${round(report.feed.lagP99)}; ` +
      `~${round((report.memory.perSubscriberBytes ?? NaN) / 1024, 1)} KiB/subscriber; sockets ${baseline.sockets}→${after.sockets}, db ${baseline.db}→${after.db}`,
  );
  const out = args.out ?? path.join("bench-results", `sse-fanout-${Date.now()}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  await server.kill("SIGTERM");
  await sql.end({ timeout: 5 });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
