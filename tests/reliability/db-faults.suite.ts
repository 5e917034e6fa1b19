/**
 * Database faults: every connection the server holds is terminated (pg_terminate_backend) while runs
 * stream, twice. Each run then ends — completed or failed, never stuck `running` — with a whole record
 * (events seq 1..n ending with its terminal event, counters equal to the rows), and the server goes on
 * serving: health is ok and new runs complete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { suiteSql } from "./lib/database";
import {
  analyticsAgainstRows,
  eventually,
  executionsWithBrokenEvents,
  expectCountersEqual,
  modelGraph,
  sleep,
  slowGraph,
  suiteServer,
} from "./lib/suite";

const { baseUrl, databaseUrl } = suiteServer();
const sql = suiteSql(databaseUrl);
let user: HttpUser;

beforeAll(async () => {
  user = await signUpOverHttp(baseUrl, "dbfault");
});

afterAll(async () => {
  await sql.end({ timeout: 5 });
});

/** Terminates the server's connections (not this suite's own); returns how many. */
async function terminateServerConnections(): Promise<number> {
  const rows = await sql<Array<{ ok: boolean }>>`
    select pg_terminate_backend(pid) as ok from pg_stat_activity
    where datname = current_database() and application_name = 'lattice' and pid <> pg_backend_pid()`;
  return rows.filter((r) => r.ok).length;
}

describe("database faults: connections terminated mid-run", () => {
  it("runs fail or finish cleanly, nothing is half-written, and the server keeps serving", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const started = await callJson(baseUrl, "/api/executions", {
        method: "POST",
        apiKey: user.apiKey,
        headers: { prefer: "respond-async" },
        body: { type: "CUSTOM", definition: slowGraph(20), input: { message: `fault ${i}` } },
      });
      expect(started.status, started.text).toBe(202);
      ids.push(started.json.executionId);
    }
    const streamed = await request(baseUrl, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: slowGraph(20), input: { message: "fault streamed" } },
    });
    expect(streamed.status).toBe(200);
    const reading = readSse(streamed).catch(() => []);

    await sleep(400);
    expect(await terminateServerConnections()).toBeGreaterThan(0);
    await sleep(1200);
    await terminateServerConnections();

    const events = await reading;
    const terminal = events.find((m) => ["run_completed", "run_failed", "run_cancelled"].includes(m.event));
    if (terminal) ids.push(terminal.data.executionId);
    else {
      const started = events.find((m) => m.event === "run_started");
      if (started) ids.push(started.data.executionId);
    }

    // Every run ends; none stays running.
    const finished = await eventually(
      async () => {
        const rows = await sql<Array<{ id: string; status: string; error_message: string | null }>>`
          select id, status, error_message from workflow_executions where owner_id = ${user.id}`;
        return rows.length >= ids.length && rows.every((r) => r.status !== "running") ? rows : undefined;
      },
      { timeoutMs: 45_000, what: "every run to end after the faults" },
    );
    for (const row of finished)
      expect(["completed", "failed", "interrupted"], `${row.id}: ${row.status}`).toContain(row.status);

    // Nothing half-written.
    expect(await executionsWithBrokenEvents(sql, user.id)).toEqual([]);
    const analytics = await analyticsAgainstRows(sql, user.id);
    expectCountersEqual(analytics.templates, "template");

    // The server keeps serving.
    const health = await callJson(baseUrl, "/api/health");
    expect(health.status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const after = await callJson(baseUrl, "/api/executions", {
        method: "POST",
        apiKey: user.apiKey,
        body: { type: "CUSTOM", definition: modelGraph(), input: { message: `after ${i}` } },
      });
      expect(after.status, after.text).toBe(200);
      expect(after.json.status).toBe("completed");
    }
    // And its live events still flow (the bus's LISTEN connection came back).
    const live = await request(baseUrl, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: modelGraph(), input: { message: "live" } },
    });
    const liveEvents = await readSse(live);
    expect(liveEvents.at(-1)?.event).toBe("run_completed");
  });
});
