import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { conditionalNode } from "@/lib/nodes/conditional/definition";
import { humanNode } from "@/lib/nodes/human/definition";
import { loopNode } from "@/lib/nodes/loop/definition";
import {
  getNodeDefinition,
  getSourceHandles,
  isNodeType,
  NODE_TYPES,
  nodeDefinitions,
  resolveSourceHandle,
} from "@/lib/nodes/registry";
import { routerNode } from "@/lib/nodes/router/definition";
import { FIELD_WIDGETS, getFieldMeta, NODE_CATEGORIES } from "@/lib/nodes/types";

const EXPECTED_TYPES = [
  "start",
  "end",
  "model",
  "prompt",
  "memory",
  "retrieval",
  "tools",
  "conditional",
  "router",
  "loop",
  "variable",
  "transform",
  "error",
  "human",
  "http",
  "subworkflow",
];

/** Node types whose config must point at something the user chooses, so their palette default is incomplete. */
const NEEDS_CHOICE: Record<string, string> = { retrieval: "knowledgeBaseId", http: "url", subworkflow: "definitionId" };

describe("node registry", () => {
  it("has the 16 node types, each once", () => {
    expect([...NODE_TYPES].sort()).toEqual([...EXPECTED_TYPES].sort());
    expect(new Set(NODE_TYPES).size).toBe(NODE_TYPES.length);
  });

  it("looks definitions up by type and rejects anything else", () => {
    expect(getNodeDefinition("model").label).toBe("Model");
    expect(getNodeDefinition("teleport")).toBeUndefined();
    expect(isNodeType("loop")).toBe(true);
    expect(isNodeType("__proto__")).toBe(false);
    expect(isNodeType("toString")).toBe(false);
    expect(isNodeType(3)).toBe(false);
  });

  it.each(nodeDefinitions.map((definition) => [definition.type, definition] as const))(
    "%s has palette metadata and an editor field for every config setting",
    (_type, definition) => {
      expect(definition.label.length).toBeGreaterThan(0);
      expect(definition.description.length).toBeGreaterThan(10);
      expect(NODE_CATEGORIES).toContain(definition.category);
      expect(definition.icon).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(definition.color).toMatch(/^#[0-9a-f]{6}$/);
      for (const [key, field] of Object.entries(definition.configSchema.shape)) {
        const meta = getFieldMeta(field as z.ZodType);
        expect(meta, `${definition.type}.${key}`).toBeDefined();
        expect(FIELD_WIDGETS).toContain(meta!.widget);
      }
    },
  );

  it.each(nodeDefinitions.map((definition) => [definition.type, definition] as const))(
    "%s's default config is valid, or asks only for the thing the user must choose",
    (type, definition) => {
      const parsed = definition.configSchema.safeParse(definition.defaultConfig());
      if (NEEDS_CHOICE[type]) {
        expect(parsed.success).toBe(false);
        expect(parsed.error!.issues.map((issue) => issue.path.join("."))).toEqual([NEEDS_CHOICE[type]]);
      } else {
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }
      // Each call returns a fresh object: editing one node's config never changes another's.
      expect(definition.defaultConfig()).not.toBe(definition.defaultConfig());
    },
  );

  it("gives every node one input except start, and no outputs to end", () => {
    for (const definition of nodeDefinitions) {
      expect(definition.inputs).toEqual(definition.type === "start" ? [] : ["in"]);
    }
    expect(getNodeDefinition("end").outputs({ outputTemplate: "" })).toEqual([]);
    expect(getNodeDefinition("end").terminal).toBe(true);
    expect(nodeDefinitions.filter((definition) => definition.terminal).map((d) => d.type)).toEqual(["end"]);
    expect(nodeDefinitions.filter((definition) => definition.entry).map((d) => d.type)).toEqual(["start"]);
  });

  it("gives plain nodes a single `out` handle, plus `error` like every node", () => {
    const model = getNodeDefinition("model");
    const config = model.configSchema.parse({});
    expect(model.outputs(config)).toEqual(["out"]);
    expect(getSourceHandles(model, config)).toEqual(["out", "error"]);
    expect(model.branching).toBe(false);
  });
});

describe("branching outputs", () => {
  it("conditional: one handle per branch key, then default", () => {
    const config = conditionalNode.configSchema.parse({
      branches: [
        { key: "positive", expression: "score > 0" },
        { key: "negative", label: "Negative", expression: "score < 0" },
      ],
    });
    expect(conditionalNode.outputs(config)).toEqual(["positive", "negative", "default"]);
    expect(conditionalNode.branching).toBe(true);
  });

  it("conditional: refuses duplicate and reserved branch keys", () => {
    const duplicate = conditionalNode.configSchema.safeParse({
      branches: [
        { key: "a", expression: "true" },
        { key: "a", expression: "false" },
      ],
    });
    expect(duplicate.error?.issues[0]?.path).toEqual(["branches", 1, "key"]);
    const reserved = conditionalNode.configSchema.safeParse({ branches: [{ key: "default", expression: "true" }] });
    expect(reserved.success).toBe(false);
  });

  it("router: one handle per route key, then default", () => {
    const config = routerNode.configSchema.parse({
      routes: [
        { key: "billing", description: "Invoices and payments" },
        { key: "tech", description: "Technical problems" },
      ],
    });
    expect(routerNode.outputs(config)).toEqual(["billing", "tech", "default"]);
  });

  it("loop: body and done", () => {
    expect(loopNode.outputs(loopNode.configSchema.parse({}))).toEqual(["body", "done"]);
    expect(loopNode.loops).toBe(true);
  });

  it("human: approved/rejected in approval mode, a single output in input mode", () => {
    expect(humanNode.outputs(humanNode.configSchema.parse({ mode: "approval" }))).toEqual(["approved", "rejected"]);
    expect(humanNode.outputs(humanNode.configSchema.parse({ mode: "input" }))).toEqual(["out"]);
  });

  it("resolves an edge without a handle to a node's only output, and refuses to guess between several", () => {
    expect(resolveSourceHandle(["out"], null)).toBe("out");
    expect(resolveSourceHandle(["approved", "rejected"], undefined)).toBeNull();
    expect(resolveSourceHandle(["approved", "rejected"], "rejected")).toBe("rejected");
    expect(resolveSourceHandle([], null)).toBeNull();
  });
});

describe("what configs declare to the validator", () => {
  it("lists models, tools, expressions, templates and references with their config paths", () => {
    const tools = getNodeDefinition("tools");
    const usage = tools.uses(
      tools.configSchema.parse({ tools: ["calculator", "http_get"], provider: "openai", model: "gpt-4o" }),
    );
    expect(usage.models).toEqual([{ provider: "openai", model: "gpt-4o", field: "provider" }]);
    expect(usage.tools).toEqual([
      { name: "calculator", field: "tools.0" },
      { name: "http_get", field: "tools.1" },
    ]);

    const variable = getNodeDefinition("variable");
    const assignments = variable.configSchema.parse({
      assignments: [
        { name: "a", value: 1 },
        { name: "b", expression: "variables.a + 1" },
      ],
    });
    expect(variable.uses(assignments).expressions).toEqual([
      { source: "variables.a + 1", field: "assignments.1.expression" },
    ]);

    const memory = getNodeDefinition("memory");
    expect(memory.uses(memory.configSchema.parse({ summarize: false })).models).toEqual([]);

    const retrieval = getNodeDefinition("retrieval");
    expect(retrieval.uses(retrieval.configSchema.parse({ knowledgeBaseId: "kb1" })).references).toEqual([
      { kind: "knowledgeBase", id: "kb1", field: "knowledgeBaseId" },
    ]);
  });

  it("declares the bounds loops, tools, models and subworkflows imply", () => {
    const loop = getNodeDefinition("loop");
    expect(loop.limits(loop.configSchema.parse({ maxIterations: 7 }))).toEqual({
      loopIterations: { value: 7, field: "maxIterations" },
    });
    const subworkflow = getNodeDefinition("subworkflow");
    expect(subworkflow.limits(subworkflow.configSchema.parse({ definitionId: "wf" })).nestsWorkflow).toBe(true);
  });

  it("requires exactly one of value and expression in a variable assignment", () => {
    const variable = getNodeDefinition("variable");
    expect(variable.configSchema.safeParse({ assignments: [{ name: "x" }] }).success).toBe(false);
    expect(variable.configSchema.safeParse({ assignments: [{ name: "x", value: 1, expression: "1" }] }).success).toBe(
      false,
    );
    expect(variable.configSchema.safeParse({ assignments: [{ name: "x", value: null }] }).success).toBe(true);
  });
});
