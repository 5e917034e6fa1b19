/**
 * Nodes that share a LangGraph step (compiled without a checkpointer): straight runs of nodes become one
 * step, and running them in turn inside it must leave exactly the state LangGraph's steps would have.
 */
import { AIMessage, HumanMessage, RemoveMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { execute } from "@/lib/engine/execute";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { stepGroups } from "@/lib/graph/compile-workflow";
import {
  applyUpdate,
  mergeUpdates,
  WorkflowNodeContext,
  type WorkflowState,
  type WorkflowUpdate,
} from "@/lib/workflow/state";
import { graphSchema } from "@/lib/workflow/definition";
import { createTestUser } from "../helpers/db";
import { chain, edge, graph, node } from "../engine/helpers";

const parse = (g: ReturnType<typeof graph>) => graphSchema.parse(g);
const echo = (id: string) => node(id, "model", { provider: "local", model: "echo" });

describe("steps of a graph", () => {
  it("runs a straight chat graph as one step", () => {
    const g = graph(
      [node("start", "start"), node("memory", "memory", {}), echo("model"), node("end", "end")],
      chain("start", "memory", "model", "end"),
    );
    expect(stepGroups(parse(g))).toEqual([["start", "memory", "model", "end"]]);
  });

  it("ends a step at a branch, and starts one where paths join", () => {
    const g = graph(
      [
        node("start", "start"),
        node("check", "conditional", { branches: [{ key: "long", expression: "$length(input.message) > 5" }] }),
        echo("a"),
        echo("b"),
        node("join", "transform", { expression: "'x'", outputVariable: "x" }),
        node("end", "end"),
      ],
      [
        edge("start", "check"),
        edge("check", "a", "long"),
        edge("check", "b", "default"),
        edge("a", "join"),
        edge("b", "join"),
        edge("join", "end"),
      ],
    );
    expect(stepGroups(parse(g))).toEqual([["start", "check"], ["a"], ["b"], ["join", "end"]]);
  });

  it("keeps a node with an error edge last in its step", () => {
    const g = graph(
      [node("start", "start"), echo("risky"), node("fallback", "error", {}), node("end", "end")],
      [edge("start", "risky"), edge("risky", "end"), edge("risky", "fallback", "error"), edge("fallback", "end")],
    );
    expect(stepGroups(parse(g))).toEqual([["start", "risky"], ["fallback"], ["end"]]);
  });
});

describe("nodes run in turn inside one step", () => {
  const initial = (): WorkflowState =>
    applyUpdate(
      {} as WorkflowState,
      {
        messages: [
          new HumanMessage({ content: "one", id: "m1" }),
          new AIMessage({ content: "two", id: "m2" }),
          new HumanMessage({ content: "three", id: "m3" }),
        ],
        variables: { a: 1 },
        usage_metadata: { "local:echo": { inputTokens: 1, outputTokens: 1 } },
        sources: [{ chunkId: "c1", documentId: "d", title: "t", score: 1 }],
      } as WorkflowUpdate,
    );
  const first: WorkflowUpdate = {
    messages: [new RemoveMessage({ id: "m1" })],
    variables: { b: 2 },
    tool_call_count: 1,
    usage_metadata: { "local:echo": { inputTokens: 2, outputTokens: 3 } },
    conversation_summary: "first",
    sources: [{ chunkId: "c2", documentId: "d", title: "t", score: 1 }],
    execution_history: [
      {
        nodeId: "n1",
        type: "memory",
        status: "completed",
        startedAt: "2026-01-01T00:00:00.000Z",
        durationMs: 1,
        attempts: 1,
      },
    ],
  };
  const second: WorkflowUpdate = {
    messages: [new AIMessage({ content: "four", id: "m4" })],
    variables: { a: 3 },
    tool_call_count: 2,
    usage_metadata: {
      "local:echo": { inputTokens: 5, outputTokens: 8 },
      "openai:x": { inputTokens: 1, outputTokens: 0 },
    },
    conversation_summary: "second",
    sources: [
      { chunkId: "c2", documentId: "d", title: "t", score: 1 },
      { chunkId: "c3", documentId: "d", title: "t", score: 1 },
    ],
    execution_history: [
      {
        nodeId: "n2",
        type: "model",
        status: "completed",
        startedAt: "2026-01-01T00:00:00.001Z",
        durationMs: 2,
        attempts: 1,
      },
    ],
  };
  const comparable = (state: WorkflowState) => ({
    ...state,
    messages: state.messages.map((m) => [m.id, m.getType(), m.content]),
  });

  it("merged updates leave the state that applying them one after the other leaves", () => {
    const inTurn = applyUpdate(applyUpdate(initial(), first), second);
    const merged = applyUpdate(initial(), mergeUpdates(first, second));
    expect(comparable(merged)).toEqual(comparable(inTurn));
    expect(inTurn.messages.map((m) => m.id)).toEqual(["m2", "m3", "m4"]);
    expect(inTurn.sources.map((s) => s.chunkId)).toEqual(["c1", "c2", "c3"]);
    expect(inTurn.tool_call_count).toBe(3);
  });

  it("apply equals the LangGraph annotation's reducers", () => {
    const state = initial();
    for (const [key, channel] of Object.entries(WorkflowNodeContext.spec)) {
      const value = (first as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const { operator, initialValueFactory } = channel as unknown as {
        operator: (a: unknown, b: unknown) => unknown;
        initialValueFactory?: () => unknown;
      };
      const expected = operator((state as Record<string, unknown>)[key] ?? initialValueFactory?.(), value);
      expect([key, (applyUpdate(state, { [key]: value } as WorkflowUpdate) as Record<string, unknown>)[key]]).toEqual([
        key,
        expected,
      ]);
    }
  });

  it("every node of a shared step still reports its start, end and history entry, in order", async () => {
    const user = await createTestUser();
    const tracker = new InMemoryTracker();
    const g = graph(
      [node("start", "start"), node("memory", "memory", {}), echo("model"), node("end", "end")],
      chain("start", "memory", "model", "end"),
    );
    const result = await execute(
      { type: "CUSTOM", definition: g, input: { message: "hi" } },
      { userId: user.id, tracker },
    );
    expect(result.status).toBe("completed");
    const progress = tracker
      .eventsFor(result.executionId)
      .filter((e) => e.type === "node_started" || e.type === "node_completed")
      .map((e) => `${e.type}:${e.nodeId}`);
    expect(progress).toEqual(
      ["start", "memory", "model", "end"].flatMap((id) => [`node_started:${id}`, `node_completed:${id}`]),
    );
    expect(result.history.map((h) => h.nodeId)).toEqual(["start", "memory", "model", "end"]);
    expect(result.output.message).toContain("hi");
  });
});
