import { describe, expect, it } from "vitest";
import { emptyDocument, toDefinition, type WorkflowDocument } from "@/components/editor/model/document";
import { createEditorStore, documentOf, isDirty, selectedNodes } from "@/components/editor/model/editor-store";
import { COALESCE_MS } from "@/components/editor/model/history";
import { layoutPositions } from "@/components/editor/model/layout";
import { validateWorkflow } from "@/lib/validation";

/** A store with a controllable clock, so coalescing is deterministic. */
function makeStore(doc: WorkflowDocument = emptyDocument(), workflowId: string | null = null) {
  let time = 1_000_000;
  const store = createEditorStore({ doc, workflowId, version: workflowId ? 1 : null, now: () => time });
  return {
    store,
    s: () => store.getState(),
    tick: (ms = COALESCE_MS + 1) => {
      time += ms;
    },
  };
}

/** start → memory → model → end, built the way a user does: add four nodes, connect them. */
function buildChat() {
  const t = makeStore();
  const start = t.s().addNode("start", { x: 0, y: 0 })!;
  const memory = t.s().addNode("memory", { x: 300, y: 0 })!;
  const model = t.s().addNode("model", { x: 600, y: 0 })!;
  const end = t.s().addNode("end", { x: 900, y: 0 })!;
  for (const [source, target] of [
    [start, memory],
    [memory, model],
    [model, end],
  ] as const) {
    const verdict = t.s().connect({ source, target, sourceHandle: null, targetHandle: null });
    expect(verdict.ok).toBe(true);
  }
  return { ...t, ids: { start, memory, model, end } };
}

describe("editor store: building a workflow", () => {
  it("builds a valid start → memory → model → end workflow from the palette types", () => {
    const { s, ids } = buildChat();
    expect(s().nodes.map((node) => node.id)).toEqual([ids.start, ids.memory, ids.model, ids.end]);
    expect(s().edges).toHaveLength(3);
    // Edges always name their source handle, even where React Flow left it empty.
    expect(s().edges.every((edge) => edge.sourceHandle === "out")).toBe(true);
    const result = validateWorkflow(toDefinition(documentOf(s())), { id: "u1" });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("gives each new node a readable unique id, its type's label and default config, and selects only it", () => {
    const { s } = makeStore();
    const first = s().addNode("model", { x: 0, y: 0 });
    const second = s().addNode("model", { x: 10, y: 10 });
    expect([first, second]).toEqual(["model", "model_2"]);
    const node = s().nodes[1]!;
    expect(node.data.label).toBe("Model");
    // A new model node answers with its user's default model.
    expect(node.data.config).toMatchObject({ provider: "default", model: "default" });
    expect(selectedNodes(s()).map((n) => n.id)).toEqual(["model_2"]);
  });

  it("refuses unknown node types", () => {
    const { s } = makeStore();
    expect(s().addNode("teleport", { x: 0, y: 0 })).toBeNull();
    expect(s().nodes).toHaveLength(0);
  });

  it("links a node added after a selected one (keyboard add) when that node has one output", () => {
    const { s } = makeStore();
    const start = s().addNode("start", { x: 0, y: 0 })!;
    const model = s().addNode("model", { x: 300, y: 0 }, { connectFrom: start })!;
    expect(s().edges).toEqual([expect.objectContaining({ source: start, target: model, sourceHandle: "out" })]);
  });

  it("refuses invalid connections with a reason and leaves the graph unchanged", () => {
    const { s, ids } = buildChat();
    const before = s().edges;
    const intoStart = s().connect({ source: ids.model, target: ids.start, sourceHandle: null, targetHandle: null });
    expect(intoStart).toEqual({ ok: false, reason: expect.stringMatching(/where runs begin/) });
    const duplicate = s().connect({ source: ids.model, target: ids.end, sourceHandle: "out", targetHandle: null });
    expect(duplicate).toEqual({ ok: false, reason: expect.stringMatching(/already connected/) });
    const cycle = s().connect({ source: ids.model, target: ids.memory, sourceHandle: "out", targetHandle: null });
    expect(cycle).toEqual({ ok: false, reason: expect.stringMatching(/cycle/) });
    const self = s().connect({ source: ids.model, target: ids.model, sourceHandle: null, targetHandle: null });
    expect(self.ok).toBe(false);
    expect(s().edges).toBe(before);
  });
});

describe("editor store: undo and redo", () => {
  it("undoes and redoes every kind of edit, one step each", () => {
    const { s, ids, tick } = buildChat();
    tick();
    s().updateConfig(ids.model, "model", "scripted");
    tick();
    s().updateLabel(ids.model, "Answer");
    tick();
    s().deleteElements({ edgeIds: [s().edges[2]!.id] });
    expect(s().edges).toHaveLength(2);

    s().undo();
    expect(s().edges).toHaveLength(3);
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.model)!.data.label).toBe("Model");
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.model)!.data.config.model).toBe("default");

    s().redo();
    expect(s().nodes.find((n) => n.id === ids.model)!.data.config.model).toBe("scripted");
    s().redo();
    s().redo();
    expect(s().edges).toHaveLength(2);
    s().redo(); // nothing left to redo
    expect(s().edges).toHaveLength(2);
  });

  it("merges typing into one field into one undo step, but not edits after a pause or to another field", () => {
    const { s, ids, tick } = buildChat();
    tick();
    for (const text of ["H", "He", "Hel", "Hello"]) {
      s().updateConfig(ids.model, "systemPrompt", text);
      tick(100);
    }
    tick();
    s().updateConfig(ids.model, "systemPrompt", "Hello!");
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.model)!.data.config.systemPrompt).toBe("Hello");
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.model)!.data.config.systemPrompt).toBe("You are a helpful assistant.");
  });

  it("records a whole drag as one step and ignores selection and measurement", () => {
    const { s, ids, tick } = buildChat();
    tick();
    const pastBefore = s().history.past.length;
    s().onNodesChange([{ type: "select", id: ids.end, selected: true }]);
    s().onNodesChange([{ type: "dimensions", id: ids.end, dimensions: { width: 240, height: 80 } }]);
    expect(s().history.past.length).toBe(pastBefore);

    for (let x = 910; x <= 1000; x += 10) {
      s().onNodesChange([{ type: "position", id: ids.end, position: { x, y: 5 }, dragging: true }]);
    }
    s().onNodesChange([{ type: "position", id: ids.end, position: { x: 1000, y: 5 }, dragging: false }]);
    expect(s().history.past.length).toBe(pastBefore + 1);
    expect(s().dragging).toBe(false);

    s().undo();
    const end = s().nodes.find((n) => n.id === ids.end)!;
    expect(end.position).toEqual({ x: 900, y: 0 });
    // What is not part of the document survives the undo.
    expect(end.selected).toBe(true);
    expect(end.measured).toEqual({ width: 240, height: 80 });
  });

  it("clears the redo stack on a new edit", () => {
    const { s, ids, tick } = buildChat();
    tick();
    s().updateLabel(ids.end, "Done");
    s().undo();
    expect(s().history.future).toHaveLength(1);
    tick();
    s().updateLabel(ids.start, "Begin");
    expect(s().history.future).toHaveLength(0);
  });
});

describe("editor store: saved state", () => {
  it("is dirty after an edit, clean after save, and dirty again after undoing past the save", () => {
    const { s, ids, tick } = buildChat();
    expect(isDirty(s())).toBe(true);
    s().markSaved({ workflowId: "01JABCDEFGHJKMNPQRSTVWXYZ0", version: 1, revision: s().revision });
    expect(isDirty(s())).toBe(false);
    tick();
    s().updateLabel(ids.end, "Finish");
    expect(isDirty(s())).toBe(true);
    s().undo();
    expect(isDirty(s())).toBe(false);
    s().undo();
    expect(isDirty(s())).toBe(true);
  });

  it("stays dirty when the user edits while a save is in flight", () => {
    const { s, ids, tick } = buildChat();
    const sentRevision = s().revision;
    tick();
    s().updateLabel(ids.end, "Typed during the save");
    s().markSaved({ workflowId: "01JABCDEFGHJKMNPQRSTVWXYZ0", version: 2, revision: sentRevision });
    expect(isDirty(s())).toBe(true);
  });

  it("restores a version as one undoable step and marks it saved", () => {
    const { s, ids, tick } = buildChat();
    tick();
    const restored = { ...emptyDocument("Old"), nodes: [], edges: [] };
    s().replaceDocument(restored, { workflowId: "01JABCDEFGHJKMNPQRSTVWXYZ0", version: 3 });
    expect(s().nodes).toHaveLength(0);
    expect(s().name).toBe("Old");
    expect(isDirty(s())).toBe(false);
    expect(s().savedVersion).toBe(3);
    s().undo();
    expect(s().nodes.map((n) => n.id)).toContain(ids.model);
  });
});

describe("editor store: selection, copy, paste, duplicate, delete", () => {
  it("deletes the selection and every edge touching it in one step", () => {
    const { s, ids, tick } = buildChat();
    tick();
    s().selectNode(ids.model);
    s().deleteSelection();
    expect(s().nodes.map((n) => n.id)).not.toContain(ids.model);
    expect(s().edges.map((e) => [e.source, e.target])).toEqual([[ids.start, ids.memory]]);
    s().undo();
    expect(s().edges).toHaveLength(3);
  });

  it("pastes copied nodes with fresh ids, keeping only the edges among them", () => {
    const { s, ids, tick } = buildChat();
    tick();
    s().onNodesChange([
      { type: "select", id: ids.start, selected: false },
      { type: "select", id: ids.end, selected: false },
      { type: "select", id: ids.memory, selected: true },
      { type: "select", id: ids.model, selected: true },
    ]);
    const payload = s().copySelection()!;
    expect(payload.nodes.map((n) => n.id)).toEqual([ids.memory, ids.model]);
    expect(payload.edges).toHaveLength(1);

    s().paste(payload, { x: 0, y: 400 });
    expect(s().nodes).toHaveLength(6);
    const pasted = selectedNodes(s());
    expect(pasted.map((n) => n.id)).toEqual(["memory_2", "model_2"]);
    expect(pasted[0]!.position).toEqual({ x: 0, y: 400 });
    expect(s().edges.at(-1)).toMatchObject({ source: "memory_2", target: "model_2" });
    // The copy is independent: editing it leaves the original alone.
    s().updateConfig("model_2", "model", "slow");
    expect(s().nodes.find((n) => n.id === ids.model)!.data.config.model).toBe("default");
  });

  it("pastes into another workflow (a second store) from the same payload", () => {
    const source = buildChat();
    source.s().selectAll();
    const payload = source.s().copySelection()!;
    const target = makeStore();
    target.s().paste(payload);
    const result = validateWorkflow(toDefinition(documentOf(target.s())), { id: "u1" });
    expect(result.isValid).toBe(true);
    expect(target.s().nodes).toHaveLength(4);
  });

  it("duplicates the selection offset from the original", () => {
    const { s, ids } = buildChat();
    s().selectNode(ids.model);
    s().duplicateSelection();
    const copy = s().nodes.at(-1)!;
    expect(copy.id).toBe("model_2");
    expect(copy.position).toEqual({ x: 640, y: 40 });
  });

  it("focuses a node's field when an issue is clicked", () => {
    const { s, ids } = buildChat();
    s().setPanel("issues");
    s().selectNode(ids.model, "systemPrompt");
    expect(s().panel).toBe("inspector");
    expect(s().focus).toMatchObject({ nodeId: ids.model, field: "systemPrompt" });
    expect(selectedNodes(s()).map((n) => n.id)).toEqual([ids.model]);
  });
});

describe("editor store: branch handles follow config edits", () => {
  function withConditional() {
    const t = makeStore();
    const start = t.s().addNode("start", { x: 0, y: 0 })!;
    const cond = t.s().addNode("conditional", { x: 300, y: 0 })!;
    const yes = t.s().addNode("end", { x: 600, y: 0 })!;
    const other = t.s().addNode("end", { x: 600, y: 200 })!;
    t.s().connect({ source: start, target: cond, sourceHandle: null, targetHandle: null });
    expect(t.s().connect({ source: cond, target: yes, sourceHandle: "yes", targetHandle: null }).ok).toBe(true);
    expect(t.s().connect({ source: cond, target: other, sourceHandle: "default", targetHandle: null }).ok).toBe(true);
    // A branching node with several outputs must be told which one.
    expect(t.s().connect({ source: cond, target: other, sourceHandle: null, targetHandle: null }).ok).toBe(false);
    return { ...t, cond };
  }

  it("renaming a branch key moves its connection to the new handle", () => {
    const { s, cond } = withConditional();
    const branches = s().nodes.find((n) => n.id === cond)!.data.config.branches as Array<Record<string, unknown>>;
    s().updateConfig(cond, "branches", [{ ...branches[0], key: "approved" }]);
    expect(
      s()
        .edges.filter((e) => e.source === cond)
        .map((e) => e.sourceHandle),
    ).toEqual(["approved", "default"]);
    expect(validateWorkflow(toDefinition(documentOf(s())), { id: "u1" }).isValid).toBe(true);
  });

  it("removing a branch removes its connection", () => {
    const { s, cond } = withConditional();
    const branches = s().nodes.find((n) => n.id === cond)!.data.config.branches as Array<Record<string, unknown>>;
    s().updateConfig(cond, "branches", [...branches, { key: "maybe", expression: "true" }]);
    s().updateConfig(cond, "branches", branches);
    expect(
      s()
        .edges.filter((e) => e.source === cond)
        .map((e) => e.sourceHandle),
    ).toEqual(["yes", "default"]);
    s().updateConfig(cond, "branches", []);
    expect(
      s()
        .edges.filter((e) => e.source === cond)
        .map((e) => e.sourceHandle),
    ).toEqual(["default"]);
  });
});

describe("editor store: tidy up", () => {
  it("lays a scrambled chain out left to right as one undoable step", () => {
    const { s, ids, tick } = buildChat();
    tick();
    s().onNodesChange([
      { type: "position", id: ids.end, position: { x: -500, y: 700 } },
      { type: "position", id: ids.memory, position: { x: 2000, y: -300 } },
    ]);
    tick();
    s().applyPositions(layoutPositions(s().nodes, s().edges));
    const x = (id: string) => s().nodes.find((n) => n.id === id)!.position.x;
    const y = (id: string) => s().nodes.find((n) => n.id === id)!.position.y;
    expect(x(ids.start)).toBeLessThan(x(ids.memory));
    expect(x(ids.memory)).toBeLessThan(x(ids.model));
    expect(x(ids.model)).toBeLessThan(x(ids.end));
    expect(new Set([ids.start, ids.memory, ids.model, ids.end].map(y)).size).toBe(1);
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.end)!.position).toEqual({ x: -500, y: 700 });
  });
});
