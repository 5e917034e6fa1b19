import { describe, expect, it } from "vitest";
import { readImport } from "@/components/workflows/import-file";
import { validateWorkflow } from "@/lib/validation";

const validate = (definition: unknown) => validateWorkflow(definition, { id: "u1" });
const graph = {
  name: "Chat",
  nodes: [
    { id: "s", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
    { id: "m", type: "model", position: { x: 200, y: 0 }, data: { config: {} } },
    { id: "e", type: "end", position: { x: 400, y: 0 }, data: { config: {} } },
  ],
  edges: [
    { id: "e1", source: "s", target: "m" },
    { id: "e2", source: "m", target: "e" },
  ],
};

describe("readImport", () => {
  it("reads an export file and validates its workflow", () => {
    const text = JSON.stringify({ format: "lattice.workflow", formatVersion: 1, kind: "definition", workflow: graph });
    const reading = readImport(text, validate);
    expect(reading).toMatchObject({ ok: true, wrapped: false, validation: { isValid: true } });
  });

  it("wraps a bare definition into an export file", () => {
    const reading = readImport(JSON.stringify(graph), validate);
    expect(reading.ok && reading.wrapped).toBe(true);
    expect(reading.ok && reading.file.workflow.nodes).toHaveLength(3);
  });

  it("reports validation errors without blocking the import", () => {
    const broken = { ...graph, edges: [graph.edges[0]] };
    const reading = readImport(JSON.stringify(broken), validate);
    expect(reading.ok).toBe(true);
    expect(reading.ok && reading.validation.errors.map((issue) => issue.code)).toContain("graph.no_reachable_end");
  });

  it("blocks what is not a workflow, saying why", () => {
    expect(readImport("", validate)).toEqual({ ok: false, problems: ["The file is empty."] });
    expect(readImport("{nope", validate)).toMatchObject({ ok: false, problems: [expect.stringMatching(/not JSON/)] });
    const wrongFormat = readImport(JSON.stringify({ format: "other", workflow: graph }), validate);
    expect(wrongFormat).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([expect.stringMatching(/^format:/)]),
    });
    const noNodes = readImport(JSON.stringify({ name: "x" }), validate);
    expect(noNodes).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.stringMatching(/^nodes:/)]) });
  });
});
