import { describe, expect, it } from "vitest";
import { diffDefinitions, differingPaths, isEmptyDiff, summarizeDiff } from "@/components/editor/model/diff";
import type { DefinitionLike } from "@/components/editor/model/document";

const v1: DefinitionLike = {
  name: "Support bot",
  description: "",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
    {
      id: "model",
      type: "model",
      position: { x: 300, y: 0 },
      data: { label: "Model", config: { provider: "local", model: "echo" } },
    },
    { id: "end", type: "end", position: { x: 600, y: 0 }, data: { label: "End", config: {} } },
  ],
  edges: [
    { id: "e1", source: "start", target: "model" },
    { id: "e2", source: "model", target: "end" },
  ],
};

describe("diffDefinitions", () => {
  it("finds nothing between a definition and itself", () => {
    const diff = diffDefinitions(v1, structuredClone(v1));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(summarizeDiff(diff)).toBe("No changes");
  });

  it("reports added, removed and changed nodes with the settings that changed", () => {
    const v2: DefinitionLike = {
      ...v1,
      nodes: [
        v1.nodes[0]!,
        { id: "memory", type: "memory", position: { x: 150, y: 0 }, data: { label: "Memory", config: {} } },
        { ...v1.nodes[1]!, data: { label: "Answer", config: { provider: "local", model: "scripted" } } },
      ],
      edges: [
        { id: "e-start-memory", source: "start", target: "memory" },
        { id: "e-memory-model", source: "memory", target: "model" },
      ],
    };
    const diff = diffDefinitions(v1, v2);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(["memory"]);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(["end"]);
    expect(diff.nodes.changed).toEqual([
      { id: "model", label: "Answer", type: "model", fields: ["label", "config.model"] },
    ]);
    expect(diff.edges.added.map((e) => e.description)).toEqual(["Start → Memory", "Memory → Answer"]);
    expect(diff.edges.removed.map((e) => e.description)).toEqual(["Start → Answer", "Answer → End"]);
    expect(summarizeDiff(diff)).toBe(
      "Added 1 node (Memory); removed 1 node (End); changed Answer; added 2 connections; removed 2 connections",
    );
  });

  it("keeps moves apart from real changes", () => {
    const moved = structuredClone(v1) as { nodes: Array<{ position: { x: number; y: number } }> } & DefinitionLike;
    moved.nodes[2]!.position = { x: 640, y: 80 };
    const diff = diffDefinitions(v1, moved);
    expect(diff.nodes.changed).toEqual([]);
    expect(diff.nodes.moved.map((n) => n.id)).toEqual(["end"]);
    expect(summarizeDiff(diff)).toBe("Moved 1 node");
  });

  it("matches edges by what they connect, not by id", () => {
    const renamed = { ...v1, edges: v1.edges.map((edge, i) => ({ ...edge, id: `x${i}` })) };
    expect(isEmptyDiff(diffDefinitions(v1, renamed))).toBe(true);
  });

  it("tells a branch edge apart from another branch between the same nodes", () => {
    const a: DefinitionLike = { ...v1, edges: [{ id: "e", source: "start", target: "model", sourceHandle: "yes" }] };
    const b: DefinitionLike = {
      ...v1,
      edges: [{ id: "e", source: "start", target: "model", sourceHandle: "default" }],
    };
    const diff = diffDefinitions(a, b);
    expect(diff.edges.added.map((e) => e.description)).toEqual(["Start (default) → Model"]);
    expect(diff.edges.removed.map((e) => e.description)).toEqual(["Start (yes) → Model"]);
  });

  it("notes a rename", () => {
    expect(summarizeDiff(diffDefinitions(v1, { ...v1, name: "Helpdesk" }))).toBe("Renamed to “Helpdesk”");
  });
});

describe("differingPaths", () => {
  it("walks objects and arrays down to the leaves that differ", () => {
    expect(
      differingPaths(
        { branches: [{ key: "yes", expression: "a" }], n: 1 },
        { branches: [{ key: "yes", expression: "b" }, { key: "no" }], n: 1 },
      ),
    ).toEqual(["branches.0.expression", "branches.1"]);
  });
});
