/**
 * Crash: the production server is killed with SIGKILL while runs stream, and started again on the same
 * database. No run is left `running` (the sweeper marks the dead process's runs `interrupted`, with their
 * counters), and a run that was paused at a human node before the crash resumes and completes after it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startProductionServer, type ProductionServer } from "../helpers/production-server";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { suiteSql } from "./lib/database";
import { SUITE_SERVER_ENV } from "./lib/global-setup";
import {
  analyticsAgainstRows,
  approvalGraph,
  eventually,
  expectCountersEqual,
  slowGraph,
  suiteServer,
} from "./lib/suite";

const { dir, databaseUrl } = suiteServer();
const sql = suiteSql(databaseUrl);
let server: ProductionServer;
let user: HttpUser;

beforeAll(async () => {
  server = await startProductionServer({ dir, port: await freePort(), databaseUrl, env: SUITE_SERVER_ENV });
  user = await signUpOverHttp(server.url, "crash");
});

afterAll(async () => {
  await server?.kill("SIGTERM");
  await sql.end({ timeout: 5 });
});

describe("crash: SIGKILL mid-run, then restart", () => {
  it("leaves no run running, and a paused run resumes after the restart", async () => {
    const paused = await callJson(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      body: { type: "CUSTOM", definition: approvalGraph(), input: { message: "draft" } },
    });
    expect(paused.status).toBe(200);
    expect(paused.json.status).toBe("paused");
    const pausedId = paused.json.executionId as string;

    // Runs mid-stream when the process dies: detached ones, and one a client is reading.
    const detached: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = await callJson(server.url, "/api/executions", {
        method: "POST",
        apiKey: user.apiKey,
        headers: { prefer: "respond-async" },
        body: { type: "CUSTOM", definition: slowGraph(40), input: { message: `doomed ${i}` } },
      });
      expect(started.status).toBe(202);
      detached.push(started.json.executionId);
    }
    const streamed = await request(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: slowGraph(40), input: { message: "doomed, streamed" } },
    });
    expect(streamed.status).toBe(200);
    // Keep reading (a client that stops reading cancels its run): the kill ends this stream.
    let tokens = 0;
    const reading = readSse(streamed, { onEvent: (m) => void (m.event === "token" && (tokens += 1)) }).catch(() => []);
    await eventually(async () => tokens >= 5, { what: "tokens of the streamed run" });
    const running = await sql<
      Array<{ n: number }>
    >`select count(*)::int as n from workflow_executions where owner_id = ${user.id} and status = 'running'`;
    expect(running[0]!.n).toBe(6);

    await server.kill("SIGKILL");
    await reading;
    server = await server.restart();

    // The dead process's runs are swept (heartbeat older than LATTICE_RUN_TIMEOUT_MS); none stays running.
    const statuses = await eventually(
      async () => {
        const rows = await sql<Array<{ id: string; status: string; error_message: string | null }>>`
          select id, status, error_message from workflow_executions where owner_id = ${user.id}`;
        return rows.some((r) => r.status === "running") ? undefined : rows;
      },
      { timeoutMs: 30_000, what: "the killed runs to be swept" },
    );
    const byId = new Map(statuses.map((r) => [r.id, r]));
    for (const id of detached) {
      expect(byId.get(id)?.status, id).toBe("interrupted");
      expect(byId.get(id)?.error_message ?? "").toMatch(/stopped responding|interrupted/i);
    }
    expect(statuses.filter((r) => r.status === "interrupted")).toHaveLength(6);
    expect(byId.get(pausedId)?.status).toBe("paused");
    expectCountersEqual((await analyticsAgainstRows(sql, user.id)).templates, "template");

    // The API says so too.
    const detail = await callJson(server.url, `/api/executions/${detached[0]}`, { apiKey: user.apiKey });
    expect(detail.status).toBe(200);
    expect(detail.json.execution.status).toBe("interrupted");

    // The run paused before the crash continues in the new process.
    const resumed = await callJson(server.url, `/api/executions/${pausedId}/resume`, {
      method: "POST",
      apiKey: user.apiKey,
      body: { approved: true },
    });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json.status).toBe("completed");
    expect(resumed.json.output.message).toBe("shipped");
    const [row] = await sql<Array<{ status: string }>>`select status from workflow_executions where id = ${pausedId}`;
    expect(row!.status).toBe("completed");

    // And the restarted server serves new runs.
    const fresh = await callJson(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      body: { type: "CUSTOM", definition: slowGraph(0), input: { message: "after" } },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.json.status).toBe("completed");
  });
});
