/**
 * validateWorkflow must return a result for anything — hostile, broken or huge — and stay fast enough for
 * the editor to run it on every change.
 */
import { describe, expect, it } from "vitest";
import { NODE_TYPES } from "@/lib/nodes/registry";
import { defaultValidationContext, validateWorkflow, VALIDATION_CODES, type ValidationResult } from "@/lib/validation";
import { edge, fullWorkflow, node } from "./fixtures";

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectWellFormed(result: ValidationResult) {
  expect(typeof result.isValid).toBe("boolean");
  expect(result.isValid).toBe(result.errors.length === 0);
  for (const issue of [...result.errors, ...result.warnings]) {
    expect(Object.keys(VALIDATION_CODES)).toContain(issue.code);
    expect(typeof issue.message).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
  }
  // An internal error means a stage threw: that is a bug, whatever the input.
  expect(result.errors.map((issue) => issue.code)).not.toContain("validation.internal");
}

function nestedArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

function nestedObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

const strangeValues = (random: () => number): unknown[] => [
  null,
  undefined,
  0,
  -1,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  " ",
  "x".repeat(Math.floor(random() * 5000)),
  "{{",
  "{{ input.message }}",
  "$eval('1')",
  "http://127.0.0.1/",
  "__proto__",
  "constructor",
  true,
  [],
  [1, "two", null],
  {},
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  Object.create(null),
  nestedArray(200),
  nestedObject(200),
  10n,
  new Date(0),
  NODE_TYPES[Math.floor(random() * NODE_TYPES.length)],
  "default",
  "error",
  "body",
];

type Json = Record<string, unknown> | unknown[];

/** Every container inside a value, with the keys that lead to it. */
function containers(value: unknown, found: Json[] = [], depth = 0): Json[] {
  if (depth > 8 || value === null || typeof value !== "object") return found;
  found.push(value as Json);
  for (const child of Object.values(value)) containers(child, found, depth + 1);
  return found;
}

function mutate(definition: Record<string, unknown>, random: () => number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const targets = containers(definition);
  const target = pick(targets);
  const keys = Object.keys(target);
  const operation = Math.floor(random() * 7);
  if (operation === 0 && keys.length > 0) {
    // delete a field or an element
    const key = pick(keys);
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else if (operation === 1 && keys.length > 0) {
    // replace a value with something strange
    const key = pick(keys);
    (target as Record<string, unknown>)[key] = pick(strangeValues(random));
  } else if (operation === 2) {
    // add an unexpected field
    (target as Record<string, unknown>)[pick(["__proto__", "constructor", "extra", "config", "sourceHandle", "0"])] =
      pick(strangeValues(random));
  } else if (operation === 3) {
    // rewire an edge
    const edges = definition.edges as Array<Record<string, unknown>> | undefined;
    const nodes = definition.nodes as Array<Record<string, unknown>> | undefined;
    if (Array.isArray(edges) && Array.isArray(nodes) && edges.length > 0 && nodes.length > 0) {
      const e = pick(edges);
      if (e && typeof e === "object") {
        const n = pick(nodes);
        const field = pick(["source", "target", "sourceHandle"]);
        e[field] =
          field === "sourceHandle"
            ? pick(["default", "body", "done", "approved", "x", "error", null])
            : (n as { id?: unknown })?.id;
      }
    }
  } else if (operation === 4) {
    // change a node's type
    const nodes = definition.nodes as Array<Record<string, unknown>> | undefined;
    if (Array.isArray(nodes) && nodes.length > 0) {
      const n = pick(nodes);
      if (n && typeof n === "object") n.type = pick([...NODE_TYPES, "unknown", ""]);
    }
  } else if (operation === 5) {
    // duplicate a node or an edge (same id)
    const list = definition[pick(["nodes", "edges"])];
    if (Array.isArray(list) && list.length > 0) list.push(structuredClone(pick(list)));
  } else {
    // add a new node and connect it somewhere
    const nodes = definition.nodes as unknown[] | undefined;
    const edges = definition.edges as unknown[] | undefined;
    if (Array.isArray(nodes) && Array.isArray(edges)) {
      const id = `fuzz${Math.floor(random() * 1e6)}`;
      nodes.push(node(id, pick(NODE_TYPES)));
      edges.push(
        edge(
          pick(["start", "model", "loop", "check", id]),
          id,
          random() < 0.5 ? undefined : pick(["default", "body", "out"]),
        ),
      );
    }
  }
}

describe("validateWorkflow robustness", () => {
  it("returns a well-formed result for 1,000 randomly mutated definitions", () => {
    const context = defaultValidationContext();
    let invalid = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const random = prng(seed);
      const definition = structuredClone(fullWorkflow()) as unknown as Record<string, unknown>;
      const mutations = 1 + Math.floor(random() * 5);
      for (let i = 0; i < mutations; i += 1) mutate(definition, random);
      let result: ValidationResult | undefined;
      expect(() => {
        result = validateWorkflow(definition, random() < 0.2 ? null : { id: "u" }, context);
      }, `seed ${seed}`).not.toThrow();
      try {
        expectWellFormed(result!);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
      if (!result!.isValid) invalid += 1;
    }
    // The mutations really do break things (the test would prove little if they did not).
    expect(invalid).toBeGreaterThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["NaN", Number.NaN],
    ["a boolean", true],
    ["a 10 MB string", "x".repeat(10 * 1024 * 1024)],
    ["an array", []],
    ["deeply nested arrays", nestedArray(100_000)],
    ["a function", () => 1],
    ["a symbol", Symbol("definition")],
    ["nodes as a deeply nested array", { nodes: nestedArray(100_000), edges: [] }],
    ["a million nodes", { nodes: new Array(1_000_000).fill(0), edges: [] }],
    ["a million edges", { nodes: [], edges: new Array(1_000_000).fill({}) }],
    ["a 10 MB name", { ...fullWorkflow(), name: "x".repeat(10 * 1024 * 1024) }],
    [
      "a config nested 10,000 deep",
      { nodes: [{ id: "s", type: "start", data: { config: { variables: nestedObject(10_000) } } }], edges: [] },
    ],
    [
      "prototype-pollution keys",
      JSON.parse(
        '{"__proto__": {"polluted": 1}, "nodes": [{"id": "s", "type": "start", "__proto__": {"polluted": 2}, "data": {"config": {"__proto__": {"polluted": 3}}}}], "edges": [], "constructor": {"prototype": {"polluted": 4}}}',
      ),
    ],
    ["a null-prototype object", Object.assign(Object.create(null), fullWorkflow())],
  ])("returns a result for %s", (_label, definition) => {
    const result = validateWorkflow(definition, { id: "u" }, defaultValidationContext());
    expectWellFormed(result);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("returns a result even when reading the input throws", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("gotcha");
        },
        ownKeys() {
          throw new Error("gotcha");
        },
      },
    );
    const result = validateWorkflow(hostile, { id: "u" }, defaultValidationContext());
    expect(result.isValid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it("validates a 500-node workflow without a pathological slow-down", () => {
    const nodes = [node("start", "start")];
    const edges = [];
    let previous = "start";
    for (let i = 0; i < 498; i += 1) {
      const id = `n${i}`;
      const type = ["prompt", "model", "transform", "variable", "memory"][i % 5]!;
      const config: Record<string, unknown> =
        type === "transform"
          ? { expression: `$uppercase(input.message) & "${i}"` }
          : type === "prompt"
            ? { template: `Step ${i}: {{input.message}}` }
            : {};
      nodes.push(node(id, type, config));
      edges.push(edge(previous, id));
      previous = id;
    }
    nodes.push(node("end", "end"));
    edges.push(edge(previous, "end"));
    const definition = { nodes, edges };
    const context = defaultValidationContext();
    expect(validateWorkflow(definition, { id: "u" }, context)).toEqual({ isValid: true, errors: [], warnings: [] });

    const timings: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const started = performance.now();
      validateWorkflow(definition, { id: "u" }, context);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    // Typically ~1–3 ms here. Not a benchmark (those are in bench/): a guard against a pathological
    // (quadratic or worse) validation, with room for a 2-core machine running the rest of the suite (48 ms
    // seen at a load average of 15).
    expect(timings[Math.floor(timings.length / 2)]).toBeLessThan(250);
  });
});
