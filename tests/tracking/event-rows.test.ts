/**
 * The stored form of run events: consecutive token chunks of one node share a row, and reading rows back
 * gives the exact events (seq, text, node, time), from any sequence number.
 */
import { describe, expect, it } from "vitest";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { fromEventRows, toEventRows } from "@/lib/tracking/event-rows";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
let seq = 0;
function ev(type: ExecutionEvent["type"], data: unknown, nodeId?: string, executionId = "E1"): ExecutionEvent {
  seq += 1;
  return {
    seq,
    type,
    executionId,
    ...(nodeId ? { nodeId } : {}),
    at: new Date(T0 + seq * 7).toISOString(),
    data,
  } as ExecutionEvent;
}
const token = (text: string, nodeId = "m1") => ev("token", { text, nodeId }, nodeId);

function sample(): ExecutionEvent[] {
  seq = 0;
  return [
    ev("run_started", { workflowType: "CUSTOM", resumed: false }),
    ev("node_started", { nodeId: "m1", type: "model", attempt: 1 }, "m1"),
    token("Hel"),
    token("lo"),
    token(" wörld 🌍"),
    token("\u0000nul"),
    ev("tool_call", { name: "calculator", args: { expression: "1+1" }, result: "2", nodeId: "m1" }, "m1"),
    token("after"),
    token("other node", "m2"),
    token("again", "m2"),
    ev("node_completed", { nodeId: "m1", type: "model", durationMs: 12, output: { message: "Hello" } }, "m1"),
  ];
}

describe("event rows", () => {
  it("stores a run of tokens from one node as one row, and reads back the very events", () => {
    const events = sample();
    const rows = toEventRows(events);
    expect(rows.map((r) => [r.seq, r.seqEnd, r.type])).toEqual([
      [1, null, "run_started"],
      [2, null, "node_started"],
      [3, 6, "token"],
      [7, null, "tool_call"],
      [8, null, "token"],
      [9, 10, "token"],
      [11, null, "node_completed"],
    ]);
    // Stored through JSON, as jsonb would.
    const stored = rows.map((r) => ({ ...r, data: JSON.parse(JSON.stringify(r.data)) as unknown }));
    const back = fromEventRows(stored);
    // jsonb cannot hold U+0000: it becomes U+FFFD, and nothing else changes.
    const expected = events.map((e) =>
      e.type === "token" ? { ...e, data: { ...e.data, text: e.data.text.replace("\u0000", "\uFFFD") } } : e,
    );
    expect(back).toEqual(expected);
  });

  it("reads back from any sequence number, including the middle of a token row", () => {
    const events = sample();
    const rows = toEventRows(events);
    for (let after = 0; after <= events.length; after++) {
      expect(fromEventRows(rows, after).map((e) => e.seq)).toEqual(
        events.filter((e) => e.seq > after).map((e) => e.seq),
      );
    }
  });

  it("keeps executions apart and does not join tokens across a gap in the numbering", () => {
    const at = (s: number) => ({ ...token("x"), seq: s });
    const a1 = at(1);
    const b1 = { ...at(1), executionId: "E2" } as ExecutionEvent;
    const a2 = at(2);
    const b2 = { ...at(2), executionId: "E2" } as ExecutionEvent;
    const a3 = at(11);
    const rows = toEventRows([a1, b1, a2, b2, a3]);
    expect(rows.map((r) => [r.executionId, r.seq, r.seqEnd])).toEqual([
      ["E1", 1, 2],
      ["E1", 11, null],
      ["E2", 1, 2],
    ]);
  });
});
