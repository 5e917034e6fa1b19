/**
 * The chat's client-side rules, without a browser: how a run's events become the answer on screen, and how
 * saved messages and answers still streaming merge into one transcript without showing anything twice.
 */
import { describe, expect, it } from "vitest";
import type { ChatTurn } from "@/components/chat/chat-runs";
import { applyEvents, newLiveRun } from "@/components/chat/live-run";
import { buildTranscript, settledTurns, unfollowedRun } from "@/components/chat/transcript";
import type { MessageDto } from "@/lib/contracts/conversations";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";

const EXEC = "01JB8Z3V4Q5R6S7T8V9W0X1Y2Z";
const CONV = "01JB8Z3V4Q5R6S7T8V9W0X1Y3A";
const MSG = "01JB8Z3V4Q5R6S7T8V9W0X1Y3B";

let seq = 0;
function event<T extends ExecutionEvent["type"]>(
  type: T,
  data: Extract<ExecutionEvent, { type: T }>["data"],
): ExecutionEvent {
  seq += 1;
  return { seq, type, executionId: EXEC, at: new Date().toISOString(), data } as ExecutionEvent;
}

function result(overrides: Partial<ExecutionResult> = {}): ExecutionResult {
  return {
    executionId: EXEC,
    status: "completed",
    output: { message: "Hello world", variables: {} },
    usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
    cost: 0,
    durationMs: 40,
    history: [],
    conversationId: CONV,
    messageId: MSG,
    ...overrides,
  };
}

function message(overrides: Partial<MessageDto>): MessageDto {
  return {
    id: MSG,
    conversationId: CONV,
    role: "assistant",
    content: "",
    status: "complete",
    executionId: EXEC,
    tokens: 0,
    cost: 0,
    durationMs: null,
    metadata: {},
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

describe("the live answer", () => {
  it("shows tokens as they come, tool steps, then the saved answer with its usage", () => {
    seq = 0;
    let run = newLiveRun();
    run = applyEvents(run, [
      event("run_started", { workflowType: "CHAT", conversationId: CONV, resumed: false }),
      event("node_started", { nodeId: "agent", type: "tools", label: "Agent", attempt: 1 }),
      event("tool_call", {
        name: "calculator",
        args: { expression: "2+2" },
        result: "4",
        nodeId: "agent",
        callId: "c1",
      }),
      event("token", { text: "Hello", nodeId: "agent" }),
    ]);
    expect(run).toMatchObject({ status: "streaming", conversationId: CONV, executionId: EXEC, text: "Hello" });
    expect(run.toolCalls).toEqual([{ key: "c1", name: "calculator", args: { expression: "2+2" }, result: "4" }]);
    run = applyEvents(run, [event("token", { text: " world", nodeId: "agent" }), event("run_completed", result())]);
    expect(run).toMatchObject({ status: "completed", text: "Hello world", messageId: MSG, usage: { totalTokens: 12 } });
  });

  it("skips events it already holds (a replay after a reconnect) and replaces a draft node's text by the next node's", () => {
    seq = 0;
    const a = event("token", { text: "draft", nodeId: "router" });
    const b = event("token", { text: "Answer", nodeId: "model" });
    let run = applyEvents(newLiveRun(), [a, b]);
    run = applyEvents(run, [a, b]);
    expect(run.text).toBe("Answer");
    expect(run.lastSeq).toBe(2);
  });

  it("keeps the streamed text when stopped with no answer, and shows a pause's question", () => {
    seq = 0;
    let run = applyEvents(newLiveRun(), [event("token", { text: "Partial", nodeId: "m" })]);
    run = applyEvents(run, [
      event("run_cancelled", result({ status: "cancelled", output: { message: "", variables: {} } })),
    ]);
    expect(run).toMatchObject({ status: "stopped", text: "Partial" });
    const interrupt = { nodeId: "review", question: "Ship it?", mode: "approval" as const };
    const paused = applyEvents(newLiveRun(), [
      event("interrupt", interrupt),
      event("run_completed", result({ status: "paused", interrupt })),
    ]);
    expect(paused).toMatchObject({ status: "paused", interrupt });
  });
});

function turn(overrides: Partial<ChatTurn>): ChatTurn {
  return { key: "t1", connection: "open", run: newLiveRun(), ...overrides };
}

describe("the transcript", () => {
  it("shows a sent message at once, and only once after its saved copy arrives", () => {
    const live = turn({
      userMessage: { content: "Hi", createdAt: "" },
      run: { ...newLiveRun(), executionId: EXEC, status: "streaming", text: "Hel" },
    });
    expect(buildTranscript([], [live]).map((i) => [i.kind, i.kind === "user" ? i.optimistic : i.status])).toEqual([
      ["user", true],
      ["assistant", "streaming"],
    ]);
    const savedUser = message({ id: "01JB8Z3V4Q5R6S7T8V9W0X1Y30", role: "user", content: "Hi" });
    expect(
      buildTranscript([savedUser], [live]).map((i) => [i.kind, i.kind === "user" ? i.optimistic : i.status]),
    ).toEqual([
      ["user", false],
      ["assistant", "streaming"],
    ]);
    // Once the answer is saved, the turn is settled and the saved answer alone shows.
    const done = turn({ ...live, connection: "closed", run: { ...live.run, status: "completed", messageId: MSG } });
    // Finished but not yet saved on this page: already under its saved message's key, so the saved copy replaces
    // it in place (a new key remounted the answer, closing a tool step the reader had just opened).
    expect(buildTranscript([savedUser], [done]).map((i) => i.key)).toEqual([savedUser.id, MSG]);
    const saved = [savedUser, message({ content: "Hello" })];
    expect(buildTranscript(saved, [done]).map((i) => i.key)).toEqual([savedUser.id, MSG]);
    expect(settledTurns(saved, [done])).toEqual(["t1"]);
  });

  it("reads tool steps, sources and a human step from a saved answer; an answered question is history", () => {
    const sources = [{ chunkId: "c", documentId: "d", title: "Holidays", score: 1 }];
    const interrupt = { nodeId: "review", question: "Ship it?", mode: "approval" };
    const saved = message({
      status: "pending",
      metadata: {
        toolCalls: [{ name: "calculator", args: { expression: "1+1" }, result: "2" }],
        sources,
        interrupt,
        junk: 1,
      },
    });
    const [item] = buildTranscript([saved], []);
    expect(item).toMatchObject({ kind: "assistant", status: "waiting", interruptState: "open", sources });
    expect(item!.kind === "assistant" && item!.toolCalls[0]).toMatchObject({ name: "calculator", result: "2" });
    const answering = turn({
      resumes: { messageId: MSG, answer: { approved: true } },
      run: { ...newLiveRun(), executionId: EXEC },
    });
    const [question, resumed] = buildTranscript([saved], [answering]);
    expect(question).toMatchObject({ status: "complete", interruptState: "answering" });
    expect(resumed).toMatchObject({ kind: "assistant", status: "streaming" });
  });

  it("finds a run under way that no stream follows (after a reload), and not one a turn follows", () => {
    const user = message({ id: "01JB8Z3V4Q5R6S7T8V9W0X1Y30", role: "user", content: "Hi" });
    expect(unfollowedRun([user], [])).toBe(EXEC);
    expect(unfollowedRun([user, message({ content: "Hello" })], [])).toBeUndefined();
    expect(unfollowedRun([user], [turn({ run: { ...newLiveRun(), executionId: EXEC } })])).toBeUndefined();
    // A turn still waiting for its first event may be that run: do not start a second stream.
    expect(unfollowedRun([user], [turn({})])).toBeUndefined();
  });
});
