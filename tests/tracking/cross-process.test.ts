/**
 * The tracker across processes, on PostgreSQL (an embedded PGlite database belongs to one process): runs
 * in child `tsx` processes, this process watching, sweeping and cancelling through the shared database
 * and LISTEN/NOTIFY.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConversation } from "@/lib/db/queries/conversations";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { executionEventSchema, type ExecutionEvent } from "@/lib/contracts/events";
import { resumeExecution } from "@/lib/engine/execute";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { cancelExecution } from "@/lib/tracking/cancel";
import { getEventBus } from "@/lib/tracking/event-bus";
import { startTrackingServices, stopTrackingServices } from "@/lib/tracking/services";
import { executionEventsResponse } from "@/lib/tracking/sse";
import { sweepStaleExecutions } from "@/lib/tracking/sweeper";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { chain, echoGraph, graph, node, saveDefinition } from "../engine/helpers";
import {
  conversationAggregates,
  executionRow,
  expectCountersMatch,
  expectGapFree,
  expectInOrderOnce,
  query,
  storedEvents,
  templateCounters,
  waitFor,
} from "./helpers";
import { eventFrames, readSse } from "./sse-client";

const onPostgres = Boolean(process.env.DATABASE_URL);
const script = path.join(import.meta.dirname, "fixtures", "tracker-process.ts");
const children: ChildProcess[] = [];

interface Child {
  process: ChildProcess;
  /** Resolves with the execution id the child printed as it started a run. */
  started: Promise<string>;
  /** Resolves with the child's last JSON line when it exits successfully. */
  result: Promise<Record<string, unknown>>;
}

function spawnChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn("npx", ["tsx", script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_OPTIONS: "--conditions=react-server", LATTICE_DEMO_ACCOUNT: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: `npx` starts node as a child, and a kill must reach that one too.
    detached: true,
  });
  children.push(child);
  let out = "";
  let err = "";
  let onStarted: (id: string) => void = () => {};
  let onExit: (error: Error) => void = () => {};
  const started = new Promise<string>((resolve, reject) => {
    onStarted = resolve;
    onExit = reject;
  });
  started.catch(() => {});
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    const match = /STARTED (\S+)/.exec(out);
    if (match) onStarted(match[1]!);
  });
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      onExit(
        new Error(`child exited ${code ?? signal} before starting a run: ${err.slice(-3000) || out.slice(-3000)}`),
      );
      const line = out
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .at(-1);
      if (code !== 0 || !line)
        return reject(new Error(`child exited ${code ?? signal}: ${err.slice(-3000) || out.slice(-3000)}`));
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
  result.catch(() => {});
  return { process: child, started, result };
}

/** SIGKILL to the child's whole process group (npx and the node process running the script). */
function killHard(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // Already gone.
  }
}

afterAll(async () => {
  for (const child of children) killHard(child);
  await stopTrackingServices();
});

describe.skipIf(!onPostgres)("tracker across processes (PostgreSQL)", () => {
  let userId: string;
  beforeAll(async () => {
    userId = (await createTestUser()).id;
    // The parent listens before any child publishes.
    await getEventBus().start();
  });

  it("50 concurrent runs in two processes: 50 rows, two tracker calls each, gap-free events, counters and aggregates exact", async () => {
    const user = await createTestUser();
    const echo = await saveDefinition(user.id, echoGraph(), "Echo");
    const broken = await saveDefinition(
      user.id,
      graph(
        [node("start", "start"), node("boom", "transform", { expression: "$error('no')" }), node("end", "end")],
        chain("start", "boom", "end"),
      ),
      "Broken",
    );
    const template = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    const conversations = await Promise.all(
      [1, 2, 3].map((i) => createConversation({ ownerId: user.id, title: `Shared ${i}` })),
    );
    const args = ["runs", user.id, "25", echo, broken, template!.id, conversations.map((c) => c.id).join(",")];
    const [a, b] = await Promise.all([spawnChild(args).result, spawnChild(args).result]);
    const ids = [...(a.executionIds as string[]), ...(b.executionIds as string[])];
    expect(new Set(ids).size).toBe(50);

    const rows = await query<{ id: string; status: string }>(
      sql`select id, status from workflow_executions where owner_id = ${user.id}`,
    );
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.status === "failed")).toHaveLength(10);
    const calls = { ...(a.calls as Record<string, string[]>), ...(b.calls as Record<string, string[]>) };
    const emitted = { ...(a.emitted as Record<string, number>), ...(b.emitted as Record<string, number>) };
    for (const row of rows) {
      expect(calls[row.id]).toEqual(["start", row.status === "failed" ? "fail" : "complete"]);
      expect(await expectGapFree(row.id)).toBe(emitted[row.id]);
    }
    const templates = await templateCounters(user.id);
    expect(templates.stored.reduce((n, t) => n + t.total, 0)).toBe(30);
    expectCountersMatch(templates.stored, templates.counted);
    const aggregates = await conversationAggregates(user.id);
    expect(aggregates.reduce((n, c) => n + c.message_count, 0)).toBe(40);
    for (const c of aggregates) {
      expect(c.message_count).toBe(c.counted);
      expect(c.total_tokens).toBe(c.tokens);
      expect(Number(c.total_cost)).toBe(Number(c.cost));
    }
  }, 180_000);

  it("a subscriber here receives every event of a run in another process, in order; a reconnect with Last-Event-ID misses nothing and repeats nothing", async () => {
    const child = spawnChild(["stream", userId, "80"]);
    const executionId = await child.started;
    const bus = getEventBus();
    const before = bus.listenerCount();
    // One subscriber that stays, and an SSE client that drops and reconnects from its last id.
    const staying = (async () => {
      const got: ExecutionEvent[] = [];
      for await (const event of bus.subscribe({ executionId, ownerId: userId })) got.push(event);
      return got;
    })();
    const controller = new AbortController();
    const first = await readSse(
      await executionEventsResponse({ executionId, ownerId: userId, signal: controller.signal }),
      {
        until: (frames) => eventFrames(frames).length >= 15,
      },
    );
    controller.abort();
    await first.cancel();
    const seen = eventFrames(first.frames).slice(0, 15);
    await new Promise((r) => setTimeout(r, 200));
    const second = await readSse(
      await executionEventsResponse({ executionId, ownerId: userId, afterSeq: Number(seen.at(-1)!.id) }),
    );
    expect(second.ended).toBe(true);

    const { events } = (await child.result) as { events: ExecutionEvent[] };
    const emitted = events.map((e) => executionEventSchema.parse(e));
    const got = await staying;
    expectInOrderOnce(got);
    expect(got).toEqual(emitted);
    const reconnected = [...seen, ...eventFrames(second.frames)];
    expect(reconnected.map((f) => Number(f.id))).toEqual(emitted.map((e) => e.seq));
    expect(reconnected.map((f) => f.data)).toEqual(emitted.map((e) => JSON.parse(JSON.stringify(e))));
    // Most of it arrived live, through NOTIFY, not from replays.
    expect(bus.remoteStats.inline + bus.remoteStats.fromStore).toBeGreaterThan(0);
    await waitFor(() => bus.listenerCount() === before);
  }, 120_000);

  it("a run whose process is killed (SIGKILL) is marked interrupted by the sweeper within the timeout", async () => {
    const timeoutMs = 2_000;
    const child = spawnChild(["hang", userId], { LATTICE_RUN_TIMEOUT_MS: String(timeoutMs) });
    const executionId = await child.started;
    // This process sweeps periodically, as a server does (started from instrumentation).
    await startTrackingServices({ timeoutMs, pruneIntervalMs: 0 });
    try {
      // Alive: its heartbeat keeps it from being swept.
      await waitFor(async () => (await storedEvents(executionId, userId)).some((e) => e.type === "token"));
      await new Promise((r) => setTimeout(r, timeoutMs + 500));
      expect((await executionRow(executionId))?.status).toBe("running");
      // (Other test files share this database and may leave dead runs: look at this run only.)
      expect((await sweepStaleExecutions({ bus: getEventBus(), timeoutMs })).map((r) => r.id)).not.toContain(
        executionId,
      );

      killHard(child.process);
      const killedAt = Date.now();
      await waitFor(async () => (await executionRow(executionId))?.status === "interrupted", {
        timeoutMs: timeoutMs * 3,
        intervalMs: 25,
      });
      const tookMs = Date.now() - killedAt;
      // Stale after the timeout since the last beat (≤ the kill), noticed by the next periodic sweep (every timeout/4).
      expect(tookMs).toBeLessThanOrEqual(timeoutMs * 1.25 + 300);
      const row = await executionRow(executionId);
      expect(row?.error_message).toMatch(/stopped responding/);
      const stored = await storedEvents(executionId, userId);
      expect(stored.at(-1)?.type).toBe("run_failed");
      await expectGapFree(executionId);
      console.log(`[cross-process] SIGKILL → interrupted in ${tookMs} ms (timeout ${timeoutMs} ms)`);
    } finally {
      await stopTrackingServices();
    }
  }, 60_000);

  it("cancel from this process stops a streaming run in another within a second; no model request starts after it", async () => {
    const child = spawnChild(["cancel-target", userId]);
    const executionId = await child.started;
    await waitFor(async () => (await storedEvents(executionId, userId)).filter((e) => e.type === "token").length >= 5);
    const asked = Date.now();
    const outcome = await cancelExecution({ executionId, ownerId: userId });
    expect(outcome).toMatchObject({ status: "running", accepted: true });
    await waitFor(async () => (await executionRow(executionId))?.status === "cancelled", {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    const tookMs = Date.now() - asked;
    expect(tookMs).toBeLessThan(1_000);
    const report = await child.result;
    expect(report.status).toBe("cancelled");
    expect(report.requestsAtCancel).toBeGreaterThan(0);
    expect(report.requestsAtEnd).toBe(report.requestsAtCancel);
    const row = await executionRow(executionId);
    expect(row?.tokens_used).toBeGreaterThan(0);
    expect((await storedEvents(executionId, userId)).at(-1)?.type).toBe("run_cancelled");
    console.log(
      `[cross-process] cancel → row cancelled in ${tookMs} ms; model requests ${report.requestsAtCancel} at cancel, ${report.requestsAtEnd} at end`,
    );
  }, 60_000);

  it("a run paused at a human node survives its process being killed, is not swept, and resumes here", async () => {
    const child = spawnChild(["pause", userId]);
    const line = await waitFor(async () => {
      const rows = await query<{ id: string; status: string }>(
        sql`select id, status from workflow_executions where owner_id = ${userId} and status = 'paused' order by created_at desc limit 1`,
      );
      return rows[0];
    });
    killHard(child.process);
    await new Promise((r) => setTimeout(r, 300));
    await query(sql`update workflow_executions set heartbeat_at = now() - interval '1 hour' where id = ${line.id}`);
    expect((await sweepStaleExecutions({ bus: getEventBus(), timeoutMs: 1_000 })).map((r) => r.id)).not.toContain(
      line.id,
    );
    expect((await executionRow(line.id))?.status).toBe("paused");

    const resumed = await resumeExecution({
      executionId: line.id,
      userId,
      answer: true,
      tracker: getWorkflowTracker(),
    });
    expect(resumed).toMatchObject({ executionId: line.id, status: "completed" });
    expect(resumed.output.message).toBe("Sent: Draft v1");
    expect((await executionRow(line.id))?.status).toBe("completed");
    await expectGapFree(line.id);
  }, 60_000);
});
