/**
 * Human nodes: a run pauses (LangGraph interrupt, checkpointed through our saver) and a later call resumes
 * it with the person's answer — in the same process, and in another process on the same database.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { messages } from "@/lib/db/schema";
import { execute, resumeExecution } from "@/lib/engine/execute";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { createTestUser, testDb } from "../helpers/db";
import { collect, edge, graph, node, saveDefinition } from "./helpers";
import { approvalGraph } from "./fixtures/approval-graph";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

describe("human approval in one process", () => {
  it("pauses with the question, then resumes on approval along the approved edge", async () => {
    const tracker = new InMemoryTracker();
    const paused = await execute(
      { type: "CUSTOM", definition: approvalGraph, input: { message: "draft it" } },
      { userId, tracker },
    );
    expect(paused.status).toBe("paused");
    expect(paused.interrupt).toEqual({ nodeId: "review", question: "Send this?\n\nDraft v1", mode: "approval" });
    expect(paused.output.message).toBe("Send this?\n\nDraft v1");
    const firstEvents = tracker.eventsFor(paused.executionId);
    expect(firstEvents.slice(-2).map((e) => e.type)).toEqual(["interrupt", "run_completed"]);
    expect(tracker.callsFor(paused.executionId).map((c) => c.method)).toEqual(["start", "complete"]);

    const resumed = await resumeExecution({ executionId: paused.executionId, userId, answer: true, tracker });
    expect(resumed.executionId).toBe(paused.executionId);
    expect(resumed.status).toBe("completed");
    expect(resumed.output.message).toBe("Sent: Draft v1");
    expect(resumed.output.variables.approved).toBe(true);
    // The result covers the whole execution: the nodes before the pause, and the model's usage.
    expect(resumed.history.map((h) => h.nodeId)).toEqual(["start", "draft", "review", "send"]);
    expect(resumed.usage.outputTokens).toBe(paused.usage.outputTokens);
    // A resume is a new call on the same execution: start + complete again, numbering continued.
    expect(tracker.callsFor(paused.executionId).map((c) => c.method)).toEqual([
      "start",
      "complete",
      "start",
      "complete",
    ]);
    const all = tracker.eventsFor(paused.executionId);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const restart = all[firstEvents.length];
    expect(restart?.type === "run_started" && restart.data.resumed).toBe(true);
    // The draft model is not asked again on resume.
    expect(all.filter((e) => e.type === "node_started" && e.nodeId === "draft")).toHaveLength(1);
  });

  it("takes the rejected edge on a refusal, and streams the resumed run", async () => {
    const paused = await execute({ type: "CUSTOM", definition: approvalGraph, input: { message: "x" } }, { userId });
    const events = await collect(
      await resumeExecution({ executionId: paused.executionId, userId, answer: "no", stream: true }),
    );
    const result = events.at(-1)!.data as ExecutionResult;
    expect(events.at(-1)!.type).toBe("run_completed");
    expect(result.output.message).toBe("Withheld.");
    expect(result.output.variables.approved).toBe(false);
  });

  it("stores a typed answer in input mode", async () => {
    const asking = graph(
      [
        node("start", "start"),
        node("ask", "human", { mode: "input", question: "Favourite colour?", variable: "colour" }),
        node("end", "end", { outputTemplate: "You like {{variables.colour}}." }),
      ],
      [edge("start", "ask"), edge("ask", "end")],
    );
    const paused = await execute({ type: "CUSTOM", definition: asking, input: {} }, { userId });
    expect(paused.interrupt?.mode).toBe("input");
    const done = await resumeExecution({ executionId: paused.executionId, userId, answer: { text: "teal" } });
    expect(done.output.message).toBe("You like teal.");
  });

  it("refuses a stranger, a bad answer, and a run that is not waiting", async () => {
    const stranger = await createTestUser();
    const paused = await execute({ type: "CUSTOM", definition: approvalGraph, input: {} }, { userId });
    await expect(
      resumeExecution({ executionId: paused.executionId, userId: stranger.id, answer: true }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      resumeExecution({ executionId: paused.executionId, userId, answer: { approved: "yes" } }),
    ).rejects.toMatchObject({ status: 400 });
    await resumeExecution({ executionId: paused.executionId, userId, answer: true });
    await expect(resumeExecution({ executionId: paused.executionId, userId, answer: true })).rejects.toMatchObject({
      status: 409,
    });
    // A run that cannot pause keeps no checkpoint: for the engine there is no paused run by that id (the API
    // answers 409 from the run's row before asking the engine).
    const finished = await execute(
      {
        type: "CUSTOM",
        definition: graph([node("start", "start"), node("end", "end")], [edge("start", "end")]),
        input: {},
      },
      { userId },
    );
    await expect(resumeExecution({ executionId: finished.executionId, userId, answer: true })).rejects.toMatchObject({
      status: 404,
    });
    const kept = await execute(
      {
        type: "CUSTOM",
        definition: graph([node("start", "start"), node("end", "end")], [edge("start", "end")]),
        input: {},
        options: { durability: "sync" },
      },
      { userId },
    );
    await expect(resumeExecution({ executionId: kept.executionId, userId, answer: true })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("keeps a chat's pending answer, then stores the approved one", async () => {
    const workflowId = await saveDefinition(userId, approvalGraph);
    const paused = await execute({ type: "CHAT", workflowId, message: "please answer" }, { userId });
    expect(paused.status).toBe("paused");
    const resumed = await resumeExecution({ executionId: paused.executionId, userId, answer: "approve" });
    expect(resumed.conversationId).toBe(paused.conversationId);
    const { db } = await testDb();
    const stored = await db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, paused.conversationId!))
      .orderBy(messages.id);
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ["user", "complete", "please answer"],
      ["assistant", "pending", "Send this?\n\nDraft v1"],
      ["assistant", "complete", "Sent: Draft v1"],
    ]);
  });
});

describe("human approval across processes", () => {
  const script = path.join(import.meta.dirname, "fixtures", "pause-resume-process.ts");

  function runChild(args: string[], env: Record<string, string | undefined>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const childEnv: NodeJS.ProcessEnv = {
        ...process.env,
        ...env,
        NODE_OPTIONS: "--conditions=react-server",
        LATTICE_DEMO_ACCOUNT: "false",
      };
      for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
      const child = spawn("npx", ["tsx", script, ...args], {
        cwd: process.cwd(),
        env: childEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        const line = out
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .at(-1);
        if (code !== 0 || !line) return reject(new Error(`child exited ${code}: ${err || out}`));
        resolve(JSON.parse(line) as Record<string, unknown>);
      });
    });
  }

  it("pauses in one process and resumes in another on the same database", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-resume-"));
    // PostgreSQL runs use this run's database; embedded runs share a PGlite folder, one process at a time.
    const env = process.env.DATABASE_URL
      ? { DATABASE_URL: process.env.DATABASE_URL }
      : { DATABASE_URL: undefined, LATTICE_DATA_DIR: dataDir };
    try {
      const paused = await runChild(["pause"], env);
      expect(paused.status).toBe("paused");
      const resumed = await runChild(["resume", String(paused.executionId), String(paused.userId)], env);
      expect(resumed.pid).not.toBe(paused.pid);
      expect(resumed).toMatchObject({
        status: "completed",
        executionId: paused.executionId,
        message: "Sent: Draft v1",
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
