/**
 * The ExecutionContext is the one state container: the execution row is derived from it (and is a valid
 * workflow_executions row), and a chat's running summary survives from one turn to the next.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { messages, workflowExecutions } from "@/lib/db/schema";
import type { ExecutionContext } from "@/lib/engine/context";
import { execute } from "@/lib/engine/execute";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { createTestUser, testDb } from "../helpers/db";
import { chain, echoGraph, graph, node, saveDefinition } from "./helpers";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

/** Writes the context's derived record at start and end, as the database tracker will. */
class RecordWritingTracker extends InMemoryTracker {
  override async start(ctx: ExecutionContext) {
    await super.start(ctx);
    const { db } = await testDb();
    await db.insert(workflowExecutions).values(ctx.toExecutionRecord());
  }
  override async complete(ctx: ExecutionContext, result: ExecutionResult) {
    await super.complete(ctx, result);
    const { db } = await testDb();
    const { id, ...record } = ctx.toExecutionRecord();
    await db.update(workflowExecutions).set(record).where(eq(workflowExecutions.id, id!));
  }
}

describe("ExecutionContext", () => {
  it("derives a valid workflow_executions row, before and after the run", async () => {
    const tracker = new RecordWritingTracker();
    const definitionId = await saveDefinition(userId, echoGraph());
    const result = await execute(
      { type: "DEFINITION", definitionId, input: { message: "record me" } },
      { userId, tracker },
    );
    const { db } = await testDb();
    const [row] = await db.select().from(workflowExecutions).where(eq(workflowExecutions.id, result.executionId));
    expect(row).toMatchObject({
      ownerId: userId,
      definitionId,
      definitionVersion: 1,
      workflowType: "DEFINITION",
      status: "completed",
      inputData: { message: "record me" },
      outputData: result.output,
      tokensUsed: result.usage.totalTokens,
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      correlationId: result.executionId,
      usageByModel: result.usageByModel,
    });
    expect(row?.completedAt).toBeInstanceOf(Date);
    expect(row?.executionTimeMs).toBe(Math.round(result.durationMs));
    expect((row!.executionLog as unknown[]).length).toBe(3);
  });

  it("links chat messages to the execution when its row exists", async () => {
    const result = await execute({ type: "CHAT", message: "link me" }, { userId, tracker: new RecordWritingTracker() });
    const { db } = await testDb();
    const stored = await db.select().from(messages).where(eq(messages.conversationId, result.conversationId!));
    expect(stored.map((m) => m.executionId)).toEqual([result.executionId, result.executionId]);
    // Without a row (the in-memory tracker), messages are stored unlinked rather than failing.
    const unlinked = await execute({ type: "CHAT", message: "no row" }, { userId, tracker: new InMemoryTracker() });
    const plain = await db.select().from(messages).where(eq(messages.conversationId, unlinked.conversationId!));
    expect(plain.map((m) => m.executionId)).toEqual([null, null]);
  });
});

describe("chat memory across turns", () => {
  it("keeps the running summary with the answer and loads only what it does not cover", async () => {
    const workflowId = await saveDefinition(
      userId,
      graph(
        [
          node("start", "start"),
          node("memory", "memory", {
            strategy: "window",
            maxMessages: 2,
            summarize: true,
            provider: "local",
            model: "scripted",
            script: ["Summary of earlier turns."],
          }),
          node("model", "model", { provider: "local", model: "echo" }),
          node("end", "end"),
        ],
        chain("start", "memory", "model", "end"),
      ),
    );
    const first = await execute({ type: "CHAT", workflowId, message: "turn one" }, { userId });
    expect(first.output.message).toContain("Earlier messages: 0. Summary: none");
    const second = await execute(
      { type: "CHAT", conversationId: first.conversationId, workflowId, message: "turn two" },
      { userId },
    );
    // History: turn one + its answer + turn two = 3 messages; the window keeps 2 and summarizes the first.
    expect(second.output.message).toContain("Earlier messages: 1. Summary: yes");
    const { db } = await testDb();
    const [answer] = await db.select().from(messages).where(eq(messages.id, second.messageId!));
    expect(answer?.metadata).toMatchObject({ conversationSummary: "Summary of earlier turns." });

    const tracker = new InMemoryTracker();
    const third = await execute(
      { type: "CHAT", conversationId: first.conversationId, workflowId, message: "turn three" },
      { userId, tracker },
    );
    // Loaded: the summary plus the messages after the summarized one (answer one, turn two, answer two,
    // turn three) — not turn one again; the window keeps the last two, so two are trimmed, not three.
    expect(third.output.message).toContain('You said: "turn three". Earlier messages: 1. Summary: yes');
    const memory = tracker
      .eventsFor(third.executionId)
      .find((e) => e.type === "node_completed" && e.nodeId === "memory");
    expect(memory?.type === "node_completed" && memory.data.output.trimmedMessages).toBe(2);
  });
});
