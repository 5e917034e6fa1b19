/**
 * Schedules and /api/mcp across separate processes, as deployed for scale: two app instances (`next start` of
 * the production build — where the scheduler runs) and two queue workers (`npm run worker`) on one PostgreSQL
 * database of this file's own.
 *
 * - An every-minute schedule fires exactly once per tick: both instances scan every 50 ms against one clock
 *   that the test moves a minute at a time (LATTICE_TEST_SCHEDULER_CLOCK_FILE, a test-only hook: no minute
 *   waits), and each tick is left in view of both for many scans before the next; the workers run the runs.
 *   A paused schedule never fires; deleting the workflow removes its schedules and no tick fires after.
 * - An MCP client behind a "load balancer" that sends each request to either instance: a session opened on A
 *   is served by B, a tool call running on A is cancelled by the client's notifications/cancelled reaching B
 *   (the run ends `cancelled` early), and a session ended on B is gone on A.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, type HttpUser, signUpOverHttp } from "../helpers/http-client";
import { freePort, type ProductionServer, startProductionServer } from "../helpers/production-server";
import { type QueueWorkerProcess, signalProcess, startQueueWorker } from "../helpers/queue-worker";
import { suiteSql } from "./lib/database";
import { edge, eventually, graph, node, sleep, suiteServer } from "./lib/suite";

const { dir, databaseUrl: suiteDatabaseUrl } = suiteServer();
/** A database of this file's own beside the suite's (the shared server's scheduler must not see these ticks). */
const databaseUrl = (() => {
  const url = new URL(suiteDatabaseUrl);
  url.pathname = `${url.pathname}_cluster`;
  return url.toString();
})();
const databaseName = new URL(databaseUrl).pathname.slice(1);
const adminUrl = (() => {
  const url = new URL(suiteDatabaseUrl);
  url.pathname = "/postgres";
  return url.toString();
})();
const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lattice-clock-")), "now");
const SCAN_MS = 50;

const CLUSTER_ENV = {
  LATTICE_RUN_MODE: "queue",
  LATTICE_RUNS_PER_MINUTE: "100000",
  LATTICE_MAX_CONCURRENT_RUNS: "1000",
  LATTICE_DEMO_ACCOUNT: "false",
  LATTICE_TEST_SCHEDULER_CLOCK_FILE: clockFile,
  LATTICE_TEST_SCHEDULER_SCAN_MS: String(SCAN_MS),
};

let sql: postgres.Sql;
let a: ProductionServer;
let b: ProductionServer;
const workers: QueueWorkerProcess[] = [];
let user: HttpUser;

async function admin(statement: string): Promise<void> {
  const client = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await client.unsafe(statement);
  } finally {
    await client.end({ timeout: 5 });
  }
}

const setClock = (at: number) => fs.writeFileSync(clockFile, new Date(at).toISOString());

beforeAll(async () => {
  await admin(`create database "${databaseName}"`);
  sql = suiteSql(databaseUrl);
  // No time in the clock file yet: nobody scans until the test sets one.
  fs.writeFileSync(clockFile, "");
  const start = async () =>
    startProductionServer({ dir, port: await freePort(), databaseUrl, env: CLUSTER_ENV, startTimeoutMs: 120_000 });
  // A first: it migrates the new database and creates the queue's schema; then the rest together.
  a = await start();
  const [second, ...started] = await Promise.all([
    start(),
    startQueueWorker({ name: "worker 1", databaseUrl, env: CLUSTER_ENV }),
    startQueueWorker({ name: "worker 2", databaseUrl, env: CLUSTER_ENV }),
  ]);
  b = second;
  workers.push(...started);
  user = await signUpOverHttp(a.url, "cluster");
}, 240_000);

afterAll(async () => {
  for (const worker of workers) signalProcess(worker.process, "SIGKILL");
  await Promise.all([a, b].map((server) => server?.kill("SIGKILL").catch(() => {})));
  await sql?.end({ timeout: 5 });
  await admin(`drop database if exists "${databaseName}" with (force)`).catch((error: unknown) =>
    console.error("could not drop the cluster database", error),
  );
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

async function saveWorkflow(server: ProductionServer, name: string, config: Record<string, unknown>) {
  const saved = await callJson(server.url, "/api/workflows", {
    method: "POST",
    apiKey: user.apiKey,
    body: {
      name,
      description: "",
      ...graph(
        [node("start", "start"), node("answer", "model", { provider: "local", ...config }), node("end", "end")],
        [edge("start", "answer"), edge("answer", "end")],
      ),
    },
  });
  expect(saved.status, saved.text).toBe(201);
  return saved.json.workflow.id as string;
}

async function runsOf(scheduleId: string) {
  return sql<Array<{ id: string; status: string; trigger_type: string }>>`
    select id, status, trigger_type from workflow_executions where trigger_id = ${scheduleId} order by id`;
}

describe("schedules with two app instances and two workers", () => {
  it("fires an every-minute schedule exactly once per tick; a paused one never; none after the workflow is deleted", async () => {
    expect(a.output()).toContain("[scheduler] TEST HOOKS IN USE");
    expect(b.output()).toContain("[scheduler] TEST HOOKS IN USE");
    const workflowId = await saveWorkflow(a, "Every minute", { model: "echo" });
    const create = async (server: ProductionServer, body: Record<string, unknown>) => {
      const created = await callJson(server.url, `/api/workflows/${workflowId}/schedules`, {
        method: "POST",
        apiKey: user.apiKey,
        body,
      });
      expect(created.status, created.text).toBe(201);
      return created.json.schedule as { id: string; nextRunAt: string };
    };
    const schedule = await create(a, { kind: "interval", intervalMinutes: 1, input: { message: "tick" } });
    const paused = await create(b, { kind: "interval", intervalMinutes: 1, enabled: false });
    const first = Date.parse(schedule.nextRunAt);

    const TICKS = 4;
    for (let tick = 0; tick < TICKS; tick++) {
      // A second past the tick: due for both instances, which scan every 50 ms.
      setClock(first + tick * 60_000 + 1_000);
      await eventually(async () => (await runsOf(schedule.id)).length > tick, {
        timeoutMs: 20_000,
        what: `the run of tick ${tick + 1}`,
      });
      // Left in view of both instances for 20 more scans each: no second run of this tick.
      await sleep(SCAN_MS * 20);
      expect(await runsOf(schedule.id), `runs after tick ${tick + 1}`).toHaveLength(tick + 1);
    }
    // The workers ran them: each ends completed, recorded as the schedule's.
    const runs = await eventually(
      async () => {
        const rows = await runsOf(schedule.id);
        return rows.every((row) => row.status === "completed") && rows;
      },
      { timeoutMs: 30_000, what: "the scheduled runs to complete" },
    );
    expect(runs).toHaveLength(TICKS);
    expect(new Set(runs.map((run) => run.trigger_type))).toEqual(new Set(["schedule"]));
    const [jobs] = await sql<Array<{ n: number }>>`
      select count(*)::int as n from pgboss.job where data->'request'->'trigger'->>'id' = ${schedule.id}`;
    expect(jobs?.n).toBe(TICKS);
    expect(await runsOf(paused.id)).toEqual([]);

    // Deleting the workflow (through B) removes its schedules; the next tick starts nothing.
    const deleted = await callJson(b.url, `/api/workflows/${workflowId}`, { method: "DELETE", apiKey: user.apiKey });
    expect(deleted.status, deleted.text).toBe(204);
    expect(await sql`select id from workflow_schedules where definition_id = ${workflowId}`).toHaveLength(0);
    setClock(first + TICKS * 60_000 + 1_000);
    await sleep(SCAN_MS * 20);
    expect(await runsOf(schedule.id)).toHaveLength(TICKS);
  });
});

describe("/api/mcp behind a load balancer (two app instances)", () => {
  /** The client's fetch: tools/call to A, everything else to B (initialize included, so A never saw it). */
  function balancer(log: string[]): typeof fetch {
    return async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      const target = /"method":"tools\/call"/.test(body) ? a : b;
      const url = new URL(String(input instanceof Request ? input.url : input));
      log.push(`${init?.method ?? "GET"} ${/"method":"([^"]+)"/.exec(body)?.[1] ?? ""} → ${target === a ? "A" : "B"}`);
      return fetch(`${target.url}${url.pathname}${url.search}`, init);
    };
  }

  it("serves a session on either instance, and a cancel reaching B stops the call running on A", async () => {
    const workflowId = await saveWorkflow(a, "Slow answer", { model: "slow", latencyMs: 100 });
    const offered = await callJson(a.url, `/api/workflows/${workflowId}/mcp-tool`, {
      method: "PUT",
      apiKey: user.apiKey,
      body: { offered: true },
    });
    expect(offered.status, offered.text).toBe(200);

    const log: string[] = [];
    const client = new Client({ name: "cluster-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${a.url}/api/mcp`), {
      fetch: balancer(log),
      requestInit: { headers: { authorization: `Bearer ${user.apiKey}` } },
    });
    await client.connect(transport);
    const [tool] = (await client.listTools()).tools;
    expect(tool?.title).toBe("Slow answer");

    const controller = new AbortController();
    const calling = client.callTool({ name: tool!.name, arguments: { message: "count slowly" } }, undefined, {
      signal: controller.signal,
      onprogress: (update) => {
        if (/^Started/.test(update.message ?? "") && /answer/.test(update.message ?? "")) controller.abort("enough");
      },
    });
    await expect(calling).rejects.toThrow();
    const started = Date.now();
    const [call] = await eventually(
      async () => {
        const rows = await sql<Array<{ execution_id: string }>>`
          select execution_id from mcp_calls where session_id = ${transport.sessionId!}`;
        return rows.length > 0 && rows;
      },
      { what: "the call's record" },
    );
    const status = await eventually(
      async () => {
        const [row] = await sql<Array<{ status: string }>>`
          select status from workflow_executions where id = ${call!.execution_id}`;
        return row && row.status !== "running" && row.status !== "pending" && row.status;
      },
      { timeoutMs: 20_000, what: "the run to end" },
    );
    // Ended by the cancel, well before the slow answer's ~11 s, with the client's reason (B → the bus → A).
    expect(status).toBe("cancelled");
    const [ended] = await sql<Array<{ error_message: string | null }>>`
      select error_message from workflow_executions where id = ${call!.execution_id}`;
    expect(ended?.error_message).toBe("enough");
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(log).toContain("POST tools/call → A");
    expect(log).toContain("POST notifications/cancelled → B");
    expect(log).toContain("POST initialize → B");

    // Ended through B: A answers 404 for it too.
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    const after = await callJson(a.url, "/api/mcp", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { "mcp-session-id": sessionId, accept: "application/json, text/event-stream" },
      body: { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: tool!.name, arguments: { message: "x" } } },
    });
    expect(after.status, after.text).toBe(404);
    await client.close();
  });
});
