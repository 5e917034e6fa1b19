/**
 * Issue 14, item 3: the Test panel showed the model's raw streamed text while the chat, the monitor and the
 * API showed the End node's output ("YES branch: …"). The answer a settled run shows is its result's.
 */
import { describe, expect, it } from "vitest";
import { applyRunEvent, runAnswer, startingRun, type RunState } from "@/components/editor/model/run-state";
import { parseExecutionEvent, type ExecutionEvent } from "@/lib/contracts/events";

const EXECUTION = "01JABCDEFGHJKMNPQRSTVWXYZ0";
const at = "2025-01-01T00:00:00.000Z";

function stream(...events: Array<[ExecutionEvent["type"], unknown]>): RunState {
  return events
    .map(([type, data], i) => parseExecutionEvent({ seq: i + 1, type, executionId: EXECUTION, at, data }))
    .reduce(applyRunEvent, startingRun());
}

function result(status: "completed" | "failed" | "cancelled" | "paused", message: string) {
  return {
    executionId: EXECUTION,
    status,
    output: { message, variables: {} },
    usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    cost: 0,
    durationMs: 5,
    history: [],
    ...(status === "failed" ? { error: { code: "node:failed", message: "The model failed." } } : {}),
  };
}

const streamed: Array<[ExecutionEvent["type"], unknown]> = [
  ["run_started", { workflowType: "CUSTOM", resumed: false }],
  ["node_started", { nodeId: "classify", type: "model", attempt: 1 }],
  ["token", { text: "YES", nodeId: "classify" }],
  ["node_completed", { nodeId: "classify", type: "model", durationMs: 3, output: { message: "YES" } }],
  ["node_started", { nodeId: "answer", type: "model", attempt: 1 }],
  ["token", { text: "Sure, ", nodeId: "answer" }],
  ["token", { text: "here it is.", nodeId: "answer" }],
];

describe("the Test panel's answer (issue 14, item 3)", () => {
  it("shows the tokens while the run streams", () => {
    expect(runAnswer(stream(...streamed))).toBe("YESSure, here it is.");
  });

  it("settles on the result's output (the End node's template), as the chat, the monitor and the API show it", () => {
    const run = stream(
      ...streamed,
      ["node_completed", { nodeId: "answer", type: "model", durationMs: 3, output: { message: "Sure, here it is." } }],
      ["run_completed", result("completed", "YES branch: Sure, here it is.")],
    );
    expect(run.tokens).toBe("YESSure, here it is.");
    expect(runAnswer(run)).toBe("YES branch: Sure, here it is.");
  });

  it("shows an empty answer when the completed run's End node answered nothing, not the raw tokens", () => {
    const run = stream(...streamed, ["run_completed", result("completed", "")]);
    expect(runAnswer(run)).toBe("");
  });

  it("keeps what streamed when a failed run has no message (the chat does the same)", () => {
    const run = stream(...streamed, ["run_failed", result("failed", "")]);
    expect(runAnswer(run)).toBe("YESSure, here it is.");
  });
});
