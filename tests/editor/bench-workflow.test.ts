import { describe, expect, it } from "vitest";
import { generateWorkflow } from "@/scripts/bench-editor";
import { initialFitOptions } from "@/components/editor/canvas/workflow-canvas";
import { documentFromDefinition } from "@/components/editor/model/document";
import { validateWorkflow } from "@/lib/validation";

describe("the editor benchmark's workflow", () => {
  it("is a valid 500-node workflow (so the benchmark measures a real, runnable graph)", () => {
    const definition = generateWorkflow(500);
    expect(definition.nodes).toHaveLength(500);
    const result = validateWorkflow(definition, { id: "u1" });
    expect(result.errors).toEqual([]);
  });
});

describe("initial framing", () => {
  it("frames a small workflow whole, and a large one from its Start node at a readable zoom", () => {
    const small = documentFromDefinition(generateWorkflow(10));
    expect(initialFitOptions(small.nodes, small.edges)).not.toHaveProperty("nodes");
    const large = documentFromDefinition(generateWorkflow(500));
    const options = initialFitOptions(large.nodes, large.edges);
    expect(options.minZoom).toBe(0.7);
    expect(options.nodes?.map((node) => node.id)).toEqual(["start", "n1", "n2"]);
  });
});
