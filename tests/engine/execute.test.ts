/**
 * One execution path: every request type through `execute`, streamed and not; the tracker is called
 * exactly twice per run; events are numbered gap-free and end with the result.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, messages, workflowDefinitions } from "@/lib/db/schema";
import { executionEventSchema, toSse, type ExecutionEvent } from "@/lib/contracts/events";
import { execute, WorkflowValidationError } from "@/lib/engine/execute";
import { toApiResponse, type ExecutionResult } from "@/lib/contracts/execution-result";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { AppError } from "@/lib/errors";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { createTestUser, testDb } from "../helpers/db";
import { chain, collect, echoGraph, edge, graph, node, saveDefinition, tokensOf } from "./helpers";

function expectTrackedOnce(tracker: InMemoryTracker, executionId: string, finish: "complete" | "fail" = "complete") {
  expect(tracker.callsFor(executionId).map((c) => c.method)).toEqual(["start", finish]);
}

function expectWellFormedStream(events: ExecutionEvent[], result: ExecutionResult) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  for (const event of events) expect(executionEventSchema.safeParse(event).success).toBe(true);
  expect(events[0]?.type).toBe("run_started");
  const last = events.at(-1)!;
  expect(["run_completed", "run_failed", "run_cancelled"]).toContain(last.type);
  expect(last.data).toEqual(result);
  expect(new Set(events.map((e) => e.executionId))).toEqual(new Set([result.executionId]));
}

describe("execute: CUSTOM", () => {
  it("runs an ad-hoc graph and returns the result; the tracker is called exactly twice", async () => {
    const user = await createTestUser();
    const tracker = new InMemoryTracker();
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "hello there" } },
      { userId: user.id, tracker },
    );

    expect(result.status).toBe("completed");
    expect(result.executionId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(result.output.message).toContain('You said: "hello there"');
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.history.map((h) => [h.nodeId, h.status])).toEqual([
      ["start", "completed"],
      ["model", "completed"],
      ["end", "completed"],
    ]);
    expectTrackedOnce(tracker, result.executionId);
    const events = tracker.eventsFor(result.executionId);
    expectWellFormedStream(events, result);
    // The answer streamed token by token from the model node.
    expect(tokensOf(events)).toBe(result.output.message);
    expect(events.filter((e) => e.type === "token").every((e) => e.nodeId === "model")).toBe(true);
    const completed = events.filter((e) => e.type === "node_completed");
    expect(completed.map((e) => e.nodeId)).toEqual(["start", "model", "end"]);
    expect(completed[1]?.type === "node_completed" && completed[1].data.usage?.outputTokens).toBe(
      result.usage.outputTokens,
    );
  });

  it("streams the same run as events, the last one carrying the result", async () => {
    const user = await createTestUser();
    const tracker = new InMemoryTracker();
    const events = await collect(
      await execute(
        { type: "CUSTOM", definition: echoGraph(), input: { message: "stream me" } },
        { userId: user.id, tracker, stream: true },
      ),
    );
    const last = events.at(-1)!;
    expect(last.type).toBe("run_completed");
    const result = last.data as ExecutionResult;
    expectWellFormedStream(events, result);
    expect(tokensOf(events)).toBe(result.output.message);
    // What the client streamed is exactly what the tracker recorded.
    expect(tracker.eventsFor(result.executionId)).toEqual(events);
    expectTrackedOnce(tracker, result.executionId);
  });

  it("streams only the answer's tokens: a router's classification is not part of them", async () => {
    const user = await createTestUser();
    const routed = graph(
      [
        node("start", "start"),
        node("route", "router", {
          provider: "local",
          model: "echo",
          routes: [{ key: "billing", description: "Billing questions." }],
        }),
        node("model", "model", { provider: "local", model: "echo" }),
        node("end", "end"),
      ],
      [
        ...chain("start", "route"),
        edge("route", "model", "billing"),
        edge("route", "model", "default"),
        ...chain("model", "end"),
      ],
    );
    const events = await collect(
      await execute(
        { type: "CUSTOM", definition: routed, input: { message: "where is my invoice" } },
        { userId: user.id, stream: true },
      ),
    );
    const result = events.at(-1)!.data as ExecutionResult;
    expect(result.status).toBe("completed");
    expect(events.filter((e) => e.type === "node_completed").map((e) => e.nodeId)).toEqual([
      "start",
      "route",
      "model",
      "end",
    ]);
    const tokens = events.filter((e) => e.type === "token");
    expect(tokens.length).toBeGreaterThan(1);
    expect(new Set(tokens.map((e) => e.nodeId))).toEqual(new Set(["model"]));
    expect(tokensOf(events)).toBe(result.output.message);
    // The router did call its model: its usage is counted, though none of its text streamed.
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it("refuses an invalid graph with a 422 carrying the validation result, before anything runs", async () => {
    const user = await createTestUser();
    const tracker = new InMemoryTracker();
    const broken = graph(
      [node("start", "start"), node("model", "model", { provider: "nope" })],
      chain("start", "model"),
    );
    const error = await execute({ type: "CUSTOM", definition: broken, input: {} }, { userId: user.id, tracker }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const validation = (error as WorkflowValidationError).validation;
    expect((error as AppError).status).toBe(422);
    expect(validation.isValid).toBe(false);
    expect(validation.errors.map((e) => e.code)).toContain("model.unknown_provider");
    expect((error as AppError).toJSON().error.issues?.length).toBeGreaterThan(0);
    expect(tracker.calls).toEqual([]);
  });

  it("refuses a malformed request with a 400 that says where", async () => {
    const user = await createTestUser();
    const error = await execute({ type: "CUSTOM", input: { message: 3 } }, { userId: user.id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(["definition", "input.message"]),
    );
  });
});

describe("execute: DEFINITION", () => {
  it("runs a saved definition (latest or a given version), owner-scoped", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const definitionId = await saveDefinition(user.id, echoGraph());
    const tracker = new InMemoryTracker();

    const latest = await execute(
      { type: "DEFINITION", definitionId, input: { message: "one" } },
      { userId: user.id, tracker },
    );
    expect(latest.status).toBe("completed");
    const start = tracker.callsFor(latest.executionId)[0];
    expect(start?.method === "start" && start.record).toMatchObject({
      workflowType: "DEFINITION",
      definitionId,
      definitionVersion: 1,
      ownerId: user.id,
      status: "running",
    });
    expectTrackedOnce(tracker, latest.executionId);

    const pinned = await execute(
      { type: "DEFINITION", definitionId, version: 1, input: { message: "two" } },
      { userId: user.id, stream: true, tracker },
    );
    const events = await collect(pinned);
    expect(events.at(-1)?.type).toBe("run_completed");

    await expect(
      execute({ type: "DEFINITION", definitionId, version: 2, input: {} }, { userId: user.id }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(execute({ type: "DEFINITION", definitionId, input: {} }, { userId: other.id })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("execute: TEMPLATE", () => {
  it("instantiates a temporary definition from the template and runs it", async () => {
    const user = await createTestUser();
    const template = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    const tracker = new InMemoryTracker();
    const result = await execute(
      { type: "TEMPLATE", templateId: template!.id, input: { message: "from a template" } },
      { userId: user.id, tracker },
    );
    expect(result.status).toBe("completed");
    expect(result.output.message).toContain("from a template");
    const start = tracker.callsFor(result.executionId)[0];
    const record = start?.method === "start" ? start.record : undefined;
    expect(record).toMatchObject({ workflowType: "TEMPLATE", templateId: template!.id });
    const { db } = await testDb();
    const [temporary] = await db
      .select()
      .from(workflowDefinitions)
      .where(eq(workflowDefinitions.id, record!.definitionId!));
    expect(temporary).toMatchObject({ isTemporary: true, templateId: template!.id, ownerId: user.id });
    expectTrackedOnce(tracker, result.executionId);

    const events = await collect(
      await execute(
        { type: "TEMPLATE", templateId: template!.id, input: { message: "streamed" } },
        { userId: user.id, stream: true },
      ),
    );
    expect(events.at(-1)?.type).toBe("run_completed");

    await expect(
      execute({ type: "TEMPLATE", templateId: template!.id, params: { nope: 1 }, input: {} }, { userId: user.id }),
    ).rejects.toMatchObject({ status: 400, code: "bad_request:template_params" });
  });
});

describe("execute: CHAT", () => {
  it("starts a conversation with the universal chat template, stores both messages, and remembers them next turn", async () => {
    const user = await createTestUser();
    const tracker = new InMemoryTracker();
    const first = await execute({ type: "CHAT", message: "My name is Ada." }, { userId: user.id, tracker });
    expect(first.status).toBe("completed");
    expect(first.conversationId).toBeDefined();
    expect(first.messageId).toBeDefined();
    expect(first.output.message).toContain("Earlier messages: 0");
    expectTrackedOnce(tracker, first.executionId);

    const { db } = await testDb();
    const stored = await db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, first.conversationId!))
      .orderBy(messages.id);
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored[1]?.id).toBe(first.messageId);
    expect(stored[1]?.content).toBe(first.output.message);

    const events = await collect(
      await execute(
        { type: "CHAT", conversationId: first.conversationId, message: "What is my name?" },
        { userId: user.id, stream: true, tracker },
      ),
    );
    const second = events.at(-1)!.data as ExecutionResult;
    expect(second.conversationId).toBe(first.conversationId);
    // The model saw the previous turn: the user's message and the answer.
    expect(second.output.message).toContain("Earlier messages: 2");
    expect(tokensOf(events)).toBe(second.output.message);
    const [conversation] = await db.select().from(conversations).where(eq(conversations.id, first.conversationId!));
    expect(conversation?.messageCount).toBe(4);
    expect(conversation?.totalTokens).toBe(first.usage.totalTokens + second.usage.totalTokens);
  });

  it("answers with a saved workflow, and refuses another user's conversation", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const workflowId = await saveDefinition(
      user.id,
      graph(
        [
          node("start", "start"),
          node("model", "model", { provider: "local", model: "scripted", script: ["Scripted hello."] }),
          node("end", "end"),
        ],
        chain("start", "model", "end"),
      ),
    );
    const result = await execute({ type: "CHAT", workflowId, message: "hi" }, { userId: user.id });
    expect(result.output.message).toBe("Scripted hello.");
    await expect(
      execute({ type: "CHAT", conversationId: result.conversationId, message: "hi" }, { userId: other.id }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("stream contract", () => {
  it("formats an event as one SSE message: id = seq, event = type, data = JSON", () => {
    const event: ExecutionEvent = {
      seq: 7,
      type: "token",
      executionId: "01J0000000000000000000000A",
      nodeId: "model",
      at: "2026-01-01T00:00:00.000Z",
      data: { text: "line one\nline two", nodeId: "model" },
    };
    const sse = toSse(event);
    expect(sse).toBe(`id: 7\nevent: token\ndata: ${JSON.stringify(event)}\n\n`);
    expect(sse.split("\n").filter((l) => l.startsWith("data:"))).toHaveLength(1);
  });

  it("derives the API response from the result without internal breakdowns", async () => {
    const user = await createTestUser();
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "x" } },
      { userId: user.id },
    );
    const response = toApiResponse(result);
    expect(response).not.toHaveProperty("usageByModel");
    expect(response).toMatchObject({
      executionId: result.executionId,
      status: "completed",
      usage: result.usage,
      output: result.output,
    });
  });
});
