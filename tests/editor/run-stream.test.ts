import { describe, expect, it } from "vitest";
import { applyRunEvent, failRun, IDLE_RUN, startingRun, type RunState } from "@/components/editor/model/run-state";
import { createSseParser, type SseMessage } from "@/lib/api-client/sse-parser";
import { parseExecutionEvent, toSse, type ExecutionEvent } from "@/lib/contracts/events";

const EXECUTION = "01JABCDEFGHJKMNPQRSTVWXYZ0";
const at = "2025-01-01T00:00:00.000Z";
let seq = 0;
function ev<T extends ExecutionEvent["type"]>(
  type: T,
  data: Extract<ExecutionEvent, { type: T }>["data"],
): ExecutionEvent {
  seq += 1;
  return parseExecutionEvent({ seq, type, executionId: EXECUTION, at, data });
}

function result(status: "completed" | "failed" | "cancelled" | "paused", message = "") {
  return {
    executionId: EXECUTION,
    status,
    output: { message, variables: {} },
    usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    cost: 0,
    durationMs: 5,
    history: [],
  };
}

describe("run state", () => {
  it("lights nodes up as they run and collects the streamed answer", () => {
    seq = 0;
    const events = [
      ev("run_started", { workflowType: "CUSTOM", resumed: false }),
      ev("node_started", { nodeId: "start", type: "start", attempt: 1 }),
      ev("node_completed", { nodeId: "start", type: "start", durationMs: 1, output: {} }),
      ev("node_started", { nodeId: "model", type: "model", attempt: 1 }),
      ev("token", { text: "Hel", nodeId: "model" }),
      ev("token", { text: "lo", nodeId: "model" }),
    ];
    let state = events.reduce(applyRunEvent, startingRun());
    expect(state.phase).toBe("running");
    expect(state.nodes.start!.status).toBe("completed");
    expect(state.nodes.model!.status).toBe("running");
    expect(state.tokens).toBe("Hello");
    expect(state.nodes.model!.tokens).toBe("Hello");
    expect(state.order).toEqual(["start", "model"]);

    state = applyRunEvent(
      state,
      ev("node_completed", { nodeId: "model", type: "model", durationMs: 42, output: { message: "Hello" } }),
    );
    state = applyRunEvent(state, ev("run_completed", result("completed", "Hello")));
    expect(state.phase).toBe("completed");
    expect(state.nodes.model).toMatchObject({ status: "completed", durationMs: 42, output: { message: "Hello" } });
    expect(state.result?.output.message).toBe("Hello");
  });

  it("ignores replayed events (same or older sequence number)", () => {
    seq = 0;
    const token = ev("token", { text: "x", nodeId: "m" });
    const once = applyRunEvent(IDLE_RUN, token);
    expect(applyRunEvent(once, token)).toBe(once);
    expect(once.tokens).toBe("x");
  });

  it("pauses at a human node with its question and resumes on the next events", () => {
    seq = 0;
    let state: RunState = startingRun();
    state = applyRunEvent(state, ev("node_started", { nodeId: "ask", type: "human", attempt: 1 }));
    state = applyRunEvent(state, ev("interrupt", { nodeId: "ask", question: "Ship it?", mode: "approval" }));
    state = applyRunEvent(
      state,
      ev("run_completed", {
        ...result("paused"),
        interrupt: { nodeId: "ask", question: "Ship it?", mode: "approval" },
      }),
    );
    expect(state.phase).toBe("paused");
    expect(state.interrupt).toEqual({ nodeId: "ask", question: "Ship it?", mode: "approval" });
    state = applyRunEvent(state, ev("run_started", { workflowType: "CUSTOM", resumed: true }));
    expect(state.phase).toBe("running");
    expect(state.interrupt).toBeNull();
  });

  it("marks a cancelled run's running nodes cancelled (not failed), and a failed node failed with its error", () => {
    seq = 0;
    let state = startingRun();
    state = applyRunEvent(state, ev("node_started", { nodeId: "a", type: "http", attempt: 1 }));
    state = applyRunEvent(
      state,
      ev("node_failed", { nodeId: "a", type: "http", durationMs: 3, error: "refused", attempts: 2, handled: false }),
    );
    state = applyRunEvent(state, ev("node_started", { nodeId: "b", type: "model", attempt: 1 }));
    state = applyRunEvent(state, ev("run_cancelled", result("cancelled")));
    expect(state.phase).toBe("cancelled");
    expect(state.nodes.a).toMatchObject({ status: "failed", error: "refused", attempt: 2 });
    expect(state.nodes.b!.status).toBe("cancelled");
    expect(failRun(startingRun(), "offline")).toMatchObject({ phase: "failed", error: "offline" });
  });
});

describe("SSE parser", () => {
  it("parses the engine's own serialization back into the same events, however the chunks split", () => {
    seq = 0;
    const events = [
      ev("run_started", { workflowType: "CUSTOM", resumed: false }),
      ev("token", { text: "multi\nline: with colons", nodeId: "m" }),
      ev("run_completed", result("completed", "ok")),
    ];
    const wire = `: keep-alive\n\n${events.map(toSse).join("")}`;
    for (const size of [1, 3, 7, wire.length]) {
      const received: SseMessage[] = [];
      const parser = createSseParser((message) => received.push(message));
      for (let i = 0; i < wire.length; i += size) parser.push(wire.slice(i, i + size));
      expect(received.map((m) => m.event)).toEqual(["run_started", "token", "run_completed"]);
      expect(received.map((m) => parseExecutionEvent(JSON.parse(m.data)))).toEqual(events);
      expect(received[1]!.id).toBe("2");
    }
  });

  it("handles CRLF split across chunks, multi-line data and drops an unterminated event", () => {
    const received: SseMessage[] = [];
    const parser = createSseParser((message) => received.push(message));
    parser.push("event: a\r");
    parser.push("\ndata: one\r\ndata: two\r\n\r\n");
    parser.push("data: never finished");
    parser.end();
    expect(received).toEqual([{ id: undefined, event: "a", data: "one\ntwo" }]);
  });
});
