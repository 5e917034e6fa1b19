/**
 * "Run this node" in the inspector (issue 14, item 17): which nodes can run alone, the input offered,
 * the JSON read back, the request, the refusal's fields, the pin in the store, and one run followed at a time.
 */
import { describe, expect, it } from "vitest";
import { documentFromDefinition } from "@/components/editor/model/document";
import { createEditorStore, documentOf } from "@/components/editor/model/editor-store";
import { applyRunEvent, IDLE_RUN, startingRun, type RunState } from "@/components/editor/model/run-state";
import {
  nodeOutputOf,
  parseInput,
  proposeInput,
  refusalText,
  requestIssues,
  singleNodeRequest,
  singleRunSupport,
} from "@/components/editor/model/single-node";
import { runFollower } from "@/components/editor/run-follow";
import { customRequestSchema } from "@/lib/contracts/execution-request";
import { parseExecutionEvent } from "@/lib/contracts/events";
import { AppError } from "@/lib/errors";
import type { PinnedInput } from "@/lib/workflow/definition";

function doc() {
  return documentFromDefinition({
    nodes: [
      { id: "start", type: "start", data: { config: { variables: { lang: "en" } } } },
      { id: "route", type: "conditional", data: { config: {} } },
      { id: "model", type: "model", data: { label: "Answer", config: { provider: "local", model: "echo" } } },
      { id: "end", type: "end", data: { config: {} } },
    ],
    edges: [],
  });
}

const PINNED: PinnedInput = { message: "hi", messages: [{ role: "user", content: "hi" }], variables: { a: 1 } };

describe("singleRunSupport", () => {
  it("runs steps alone, says what a branching step does alone, and says why the others cannot", () => {
    expect(singleRunSupport("model")).toEqual({ ok: true });
    expect(singleRunSupport("conditional")).toMatchObject({ ok: true, note: expect.stringContaining("branch") });
    for (const type of ["start", "end", "loop", "human", "error", "no-such-type"]) {
      const support = singleRunSupport(type);
      expect(support.ok, type).toBe(false);
      if (!support.ok) expect(support.reason.length, type).toBeGreaterThan(20);
    }
  });
});

describe("proposeInput", () => {
  it("offers the pin first, then what the node saw in the last run, then a skeleton with the Start variables", () => {
    const document = doc();
    expect(proposeInput(document, "model", IDLE_RUN)).toEqual({
      source: "skeleton",
      input: { message: "Hello!", messages: [{ role: "user", content: "Hello!" }], variables: { lang: "en" } },
    });

    const run: RunState = applyRunEvent(
      { ...startingRun({ message: "question" }) },
      parseExecutionEvent({
        seq: 1,
        type: "node_started",
        executionId: "x",
        at: "2026-12-07T00:00:00.000Z",
        data: {
          nodeId: "model",
          type: "model",
          attempt: 1,
          input: { messageCount: 3, lastMessage: { role: "ai", text: "so far" }, variables: { lang: "fr" } },
        },
      }),
    );
    const fromRun = proposeInput(document, "model", run);
    expect(fromRun).toMatchObject({
      source: "last-run",
      input: { message: "question", messages: [{ role: "assistant", content: "so far" }], variables: { lang: "fr" } },
    });
    expect(fromRun.note).toContain("2 earlier ones are left out");

    document.nodes[2]!.data.pinnedInput = PINNED;
    expect(proposeInput(document, "model", run)).toEqual({ source: "pinned", input: PINNED });
  });
});

describe("parseInput", () => {
  it("reads a valid input and says what is wrong and where otherwise", () => {
    expect(parseInput(JSON.stringify(PINNED))).toEqual({ ok: true, input: PINNED });
    expect(parseInput('{"messages": [')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
    expect(parseInput('{"messages": [{"role": "bot", "content": ""}]}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^messages\.0\.role: /),
    });
    expect(parseInput('{"vars": {}}')).toMatchObject({
      ok: false,
      error: expect.stringContaining("unknown key “vars”"),
    });
  });
});

describe("singleNodeRequest", () => {
  it("is a valid CUSTOM request of Start → the node → End starting from the pinned state", () => {
    const document = doc();
    document.nodes[2]!.data.pinnedInput = PINNED;
    const request = customRequestSchema.parse(singleNodeRequest(document, "model", PINNED));
    expect(request.definition.nodes.map((node) => [node.id, node.type])).toEqual([
      ["start", "start"],
      ["model", "model"],
      ["end", "end"],
    ]);
    expect(request.definition.nodes[0]!.data.config).toEqual({});
    // The pin travels as the state, not inside the node.
    expect(request.definition.nodes[1]!.data).toEqual({
      label: "Answer",
      config: { provider: "local", model: "echo" },
    });
    expect(request.input).toEqual({ message: "hi" });
    expect(request.state).toEqual({ messages: [{ role: "user", content: "hi" }], variables: { a: 1 } });
  });

  it("leads every branch to End and never clashes with the node's own id", () => {
    const document = documentFromDefinition({
      nodes: [{ id: "start", type: "conditional", data: { config: {} } }],
      edges: [],
    });
    const request = singleNodeRequest(document, "start", { messages: [], variables: {} });
    const ids = request.definition.nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(3);
    const handles = request.definition.edges
      .filter((edge) => edge.source === "start")
      .map((edge) => ("sourceHandle" in edge ? edge.sourceHandle : undefined));
    expect(handles).toEqual(["yes", "default"]);
  });
});

describe("requestIssues and nodeOutputOf", () => {
  it("points a refusal at the node's field, or at the place in the typed input", () => {
    const error = new AppError("validation:workflow", "The workflow is not valid, so it cannot run.", {
      issues: [
        { path: "nodes.1.data.config.systemPrompt", message: "Answer: System prompt — too long." },
        { path: "state.messages.0.role", message: "Invalid option" },
        { path: "nodes.1", message: "Answer is not connected." },
      ],
    });
    expect(requestIssues(error)).toEqual([
      { field: "systemPrompt", message: "Answer: System prompt — too long." },
      { field: null, message: "messages.0.role: Invalid option" },
      { field: null, message: "Answer is not connected." },
    ]);
    expect(refusalText(error)).toBe("This node’s settings are not valid, so it cannot run.");
    expect(refusalText(new AppError("rate_limit:runs", "Too many runs at once."))).toBe("Too many runs at once.");
  });

  it("shows the values of the variables the node set", () => {
    const run: RunState = {
      ...IDLE_RUN,
      nodes: {
        look: {
          nodeId: "look",
          type: "transform",
          status: "completed",
          attempt: 1,
          startedAt: "",
          tokens: "",
          toolCalls: [],
          output: { variables: ["seen"] },
        },
      },
      result: {
        executionId: "x",
        status: "completed",
        output: { message: "", variables: { seen: 3, other: 1 } },
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        cost: 0,
        durationMs: 1,
        history: [],
      },
    };
    expect(nodeOutputOf(run, "look")).toEqual({ variables: { seen: 3 } });
    expect(nodeOutputOf(run, "other")).toBeNull();
  });
});

describe("the pin in the editor store", () => {
  it("is one undo step, kept in the saved document, and can be cleared", () => {
    const store = createEditorStore({ doc: doc() });
    store.getState().setPinnedInput("model", PINNED);
    expect(documentOf(store.getState()).nodes[2]!.data.pinnedInput).toEqual(PINNED);
    // The same pin again (a second click) is no edit.
    const revision = store.getState().revision;
    store.getState().setPinnedInput("model", structuredClone(PINNED));
    expect(store.getState().revision).toBe(revision);
    store.getState().setPinnedInput("model", undefined);
    expect("pinnedInput" in store.getState().nodes[2]!.data).toBe(false);
    store.getState().undo();
    expect(store.getState().nodes[2]!.data.pinnedInput).toEqual(PINNED);
  });
});

describe("runFollower", () => {
  it("leaves a newer run alone when it replaces an older run's stream", async () => {
    let run: RunState = startingRun();
    const target = {
      get: () => run,
      apply: () => {},
      update: (change: (current: RunState) => RunState) => {
        run = change(run);
      },
    };
    // A server that answers nothing until the request is aborted.
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const follower = runFollower(target, hanging);
    const first = follower.follow("/api/executions", {});
    const second = follower.follow("/api/executions", {});
    await first;
    expect(run.phase).toBe("starting");
    await follower.cancel();
    await second;
    expect(run.phase).toBe("cancelled");
  });
});
