/**
 * The monitor's view of a run, folded from its events: spans per node run (loops add spans, retries do
 * not), streamed tokens, logs, pauses and the end — and replayed events change nothing.
 */
import { describe, expect, it } from "vitest";
import {
  applyMonitorEvent,
  displayStatus,
  EMPTY_RUN,
  endedRunText,
  spansOf,
  type MonitorRun,
} from "@/components/monitor/run-model";
import { applyRunEvent, IDLE_RUN } from "@/components/editor/model/run-state";
import type { ExecutionEvent } from "@/lib/contracts/events";

const T0 = Date.parse("2026-01-01T10:00:00.000Z");
let seq = 0;
function ev(type: ExecutionEvent["type"], data: unknown, ms: number, nodeId?: string): ExecutionEvent {
  seq += 1;
  return {
    seq,
    type,
    executionId: "01JEXECUTION0000000000000000",
    at: new Date(T0 + ms).toISOString(),
    data,
    ...(nodeId ? { nodeId } : {}),
  } as ExecutionEvent;
}
const result = (status: string, extra: Record<string, unknown> = {}) => ({
  executionId: "01JEXECUTION0000000000000000",
  status,
  output: { message: "", variables: {} },
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  cost: 0,
  durationMs: 100,
  history: [],
  ...extra,
});
const fold = (events: ExecutionEvent[], from: MonitorRun = EMPTY_RUN) => events.reduce(applyMonitorEvent, from);

describe("monitor run model", () => {
  it("turns node events into timed spans with their output, tokens and logs", () => {
    seq = 0;
    const events = [
      ev("run_started", { workflowType: "CUSTOM", resumed: false }, 0),
      ev("node_started", { nodeId: "start", type: "start", attempt: 1 }, 1, "start"),
      ev("node_completed", { nodeId: "start", type: "start", durationMs: 2, output: {} }, 3, "start"),
      ev(
        "node_started",
        {
          nodeId: "model",
          type: "model",
          label: "Answer",
          attempt: 1,
          input: { messageCount: 1, variables: { topic: "cats" } },
        },
        5,
        "model",
      ),
      ev("token", { nodeId: "model", text: "Hel" }, 20, "model"),
      ev("token", { nodeId: "model", text: "lo" }, 30, "model"),
      ev(
        "node_completed",
        {
          nodeId: "model",
          type: "model",
          durationMs: 40,
          output: { message: "Hello" },
          usage: { inputTokens: 7, outputTokens: 2 },
        },
        45,
        "model",
      ),
      ev("run_completed", result("completed"), 50),
    ];
    const run = fold(events);
    expect(run.phase).toBe("completed");
    expect(run.spans.map((s) => [s.nodeId, s.status, s.startedAt - T0, s.durationMs])).toEqual([
      ["start", "completed", 1, 2],
      ["model", "completed", 5, 40],
    ]);
    const model = spansOf(run, "model")[0]!;
    expect(model).toMatchObject({
      label: "Answer",
      input: { messageCount: 1, variables: { topic: "cats" } },
      tokens: "Hello",
      tokenCount: 2,
      firstTokenAt: T0 + 20,
      output: { message: "Hello" },
      usage: { inputTokens: 7, outputTokens: 2 },
    });
    expect(model.logs.map((l) => l.text)).toEqual(["Started", "Completed in 40 ms"]);
    expect(run.tokens).toBe("Hello");
    expect([run.startedAt! - T0, run.endedAt! - T0, run.lastSeq]).toEqual([0, 50, 8]);
    // A reconnect that replays what was seen changes nothing.
    expect(fold(events, run)).toBe(run);
  });

  it("keeps a retry in its span and gives each pass of a loop its own", () => {
    seq = 0;
    const run = fold([
      ev("run_started", { workflowType: "CUSTOM", resumed: false }, 0),
      ev("node_started", { nodeId: "http", type: "http", attempt: 1 }, 1),
      ev("node_started", { nodeId: "http", type: "http", attempt: 2 }, 10),
      ev("node_completed", { nodeId: "http", type: "http", durationMs: 15, output: {} }, 16),
      ev("node_started", { nodeId: "body", type: "transform", attempt: 1 }, 17),
      ev("node_completed", { nodeId: "body", type: "transform", durationMs: 1, output: {} }, 18),
      ev("node_started", { nodeId: "body", type: "transform", attempt: 1 }, 19),
      ev(
        "node_failed",
        { nodeId: "body", type: "transform", durationMs: 2, error: "bad input", attempts: 1, handled: true },
        21,
      ),
    ]);
    expect(spansOf(run, "http")).toHaveLength(1);
    expect(spansOf(run, "http")[0]).toMatchObject({ attempts: 2, status: "completed" });
    expect(spansOf(run, "body").map((s) => s.status)).toEqual(["completed", "failed"]);
    expect(spansOf(run, "body")[1]).toMatchObject({ error: "bad input", handled: true });
    expect(spansOf(run, "http")[0]!.logs.map((l) => l.text)).toContain("Attempt 2 started");
  });

  it("pauses at a human node, continues when answered, and a cancel ends what was running", () => {
    seq = 0;
    const question = { nodeId: "review", question: "Ship it?", mode: "approval" };
    let run = fold([
      ev("run_started", { workflowType: "CUSTOM", resumed: false }, 0),
      ev("node_started", { nodeId: "review", type: "human", attempt: 1 }, 1),
      ev("interrupt", question, 2),
      ev("run_completed", result("paused", { interrupt: question }), 3),
    ]);
    expect(run.phase).toBe("paused");
    expect(run.interrupt).toEqual(question);
    expect(run.endedAt).toBeNull();

    run = fold(
      [
        ev("run_started", { workflowType: "CUSTOM", resumed: true }, 1000),
        ev("node_started", { nodeId: "slow", type: "model", attempt: 1 }, 1001),
        ev("token", { nodeId: "slow", text: "a" }, 1002),
        ev("run_cancelled", result("cancelled"), 1100),
      ],
      run,
    );
    expect(run.phase).toBe("cancelled");
    expect(run.interrupt).toBeNull();
    // Stopped on purpose: cancelled, not failed (issue 14, item 7).
    expect(spansOf(run, "slow")[0]).toMatchObject({ status: "cancelled", durationMs: 99 });
    expect(run.logs.map((l) => l.text)).toEqual([
      "Run started",
      "Waiting for a person: Ship it?",
      "Paused",
      "Resumed with the answer",
      "Run cancelled",
    ]);
  });

  it("a cancel leaves the node it stopped cancelled — on the timeline and on the canvas — and a real failure failed", () => {
    seq = 0;
    const events = [
      ev("run_started", { workflowType: "CUSTOM", resumed: false }, 0),
      ev("node_started", { nodeId: "check", type: "transform", attempt: 1 }, 1, "check"),
      ev(
        "node_failed",
        { nodeId: "check", type: "transform", durationMs: 4, error: "no", attempts: 1, handled: true },
        5,
        "check",
      ),
      ev("node_started", { nodeId: "model", type: "model", attempt: 1 }, 6, "model"),
      ev("token", { nodeId: "model", text: "a" }, 7, "model"),
      ev("run_cancelled", result("cancelled"), 50),
    ];
    const run = fold(events);
    expect(spansOf(run, "check")[0]?.status).toBe("failed");
    expect(spansOf(run, "model")[0]?.status).toBe("cancelled");
    // The run page's canvas colours its nodes from the editor's run state, folded from the same events.
    const canvas = events.reduce(applyRunEvent, IDLE_RUN);
    expect(canvas.phase).toBe("cancelled");
    expect(canvas.nodes.check?.status).toBe("failed");
    expect(canvas.nodes.model?.status).toBe("cancelled");
  });

  it("shows a finished run as finished while its history replays, and a live one as its stream says", () => {
    seq = 0;
    const replay = [
      ev("run_started", { workflowType: "CUSTOM", resumed: false }, 0),
      ev("node_started", { nodeId: "start", type: "start", attempt: 1 }, 1),
    ];
    let run = EMPTY_RUN;
    const seen: string[] = [displayStatus("completed", run.phase)];
    for (const event of replay) {
      run = applyMonitorEvent(run, event);
      seen.push(displayStatus("completed", run.phase));
    }
    // Before: the page flickered to "running" here, hiding the run's actions and resetting an open dialog.
    expect(seen).toEqual(["completed", "completed", "completed"]);
    expect(displayStatus("interrupted", "failed")).toBe("interrupted");

    expect(displayStatus("running", "waiting")).toBe("running");
    expect(displayStatus("pending", "running")).toBe("running");
    expect(displayStatus("running", "completed")).toBe("completed");
    expect(displayStatus("running", "cancelled")).toBe("cancelled");
    // A paused run that was answered goes on: its stream leads.
    expect(displayStatus("paused", "running")).toBe("running");
    expect(displayStatus("paused", "waiting")).toBe("paused");
  });
});

describe("a run that did not complete, in words", () => {
  it("says a cancel once: the detail is left out when it repeats the heading (issue 14, item 11)", () => {
    expect(endedRunText("cancelled", "The run was cancelled.")).toEqual({ heading: "This run was cancelled" });
    expect(endedRunText("cancelled", "The client stopped reading the run's stream.")).toEqual({
      heading: "This run was cancelled",
      detail: "The client stopped reading the run's stream.",
    });
    expect(endedRunText("failed", "The model server answered 500.")).toEqual({
      heading: "This run failed",
      detail: "The model server answered 500.",
    });
  });
});
