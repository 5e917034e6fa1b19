import { describe, expect, it } from "vitest";
import { summarizeDefinitionChange, summarizeNewDefinition } from "@/lib/services/definition-diff";

const node = (id: string, type: string, label: string, config: Record<string, unknown> = {}, x = 0) => ({
  id,
  type,
  position: { x, y: 0 },
  data: { label, config },
});
const base = () => ({
  name: "Flow",
  description: "",
  nodes: [
    node("a", "start", "Start"),
    node("b", "model", "Answer", { model: "echo", provider: "local" }, 200),
    node("c", "end", "End", {}, 400),
  ],
  edges: [
    { id: "e1", source: "a", target: "b" },
    { id: "e2", source: "b", target: "c" },
  ],
  metadata: {},
});

describe("version change summaries", () => {
  it("describes a new definition", () => {
    expect(summarizeNewDefinition(base())).toBe("Created with 3 nodes and 2 edges");
    expect(
      summarizeNewDefinition({ ...base(), nodes: [node("a", "start", "S")], edges: [] }, "imported from a file"),
    ).toBe("Created with 1 node and 0 edges (imported from a file)");
  });

  it("says nothing changed when only key order differs", () => {
    const next = base();
    next.nodes[1]!.data.config = { provider: "local", model: "echo" };
    expect(summarizeDefinitionChange(base(), next)).toBe("No changes");
  });

  it("names added, removed and changed nodes, edge changes, renames and settings, and counts moves apart", () => {
    const next = base();
    next.name = "Flow 2";
    next.description = "now with docs";
    next.nodes[1]!.data.config = { model: "slow", provider: "local" };
    next.nodes[2]!.position = { x: 999, y: 5 };
    next.nodes.push(node("d", "retrieval", "Search"));
    next.nodes.splice(0, 1);
    next.edges = [
      { id: "e2", source: "b", target: "c", label: "then" } as never,
      { id: "e3", source: "d", target: "b" },
    ];
    next.metadata = { tags: ["x"] };
    expect(summarizeDefinitionChange(base(), next)).toBe(
      'Renamed "Flow" to "Flow 2"; Changed the description; Added node "Search" (retrieval); Removed node "Start" (start); ' +
        'Changed node "Answer" (model); Edges: 1 added, 1 removed, 1 changed; Changed the settings; Moved 1 node',
    );
  });

  it("counts instead of naming when many nodes change at once", () => {
    const next = base();
    next.nodes.push(...Array.from({ length: 5 }, (_, i) => node(`n${i}`, "variable", `V${i}`)));
    expect(summarizeDefinitionChange(base(), next)).toBe("Added 5 nodes");
  });

  it("copes with stored graphs that are not well-formed", () => {
    const broken = { ...base(), nodes: [null, 3, { noId: true }] as unknown[], edges: "nope" as unknown as unknown[] };
    expect(() => summarizeDefinitionChange(broken, base())).not.toThrow();
  });
});
