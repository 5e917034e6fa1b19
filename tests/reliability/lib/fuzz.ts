/**
 * Seeded generators for the fuzz suite: random JSON, and workflow definitions mutated from valid ones
 * (removed and retyped fields, duplicated or dangling ids, unknown types, hostile strings, deep nesting,
 * prototype keys, huge values). The same seed gives the same cases, so a failure reproduces.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Random = ReturnType<typeof prng>;

const HOSTILE_STRINGS = [
  "",
  " ",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "{{input.message}}",
  "{{",
  "}}{{constructor.constructor('return process')()}}",
  "$eval('1')",
  "$sum([1..100])",
  "(((((",
  "'; drop table users; --",
  "\u0000",
  "\u202e\u202dreversed",
  "🦜🔥".repeat(20),
  "a".repeat(5000),
  "__proto__",
  "constructor",
  "http://169.254.169.254/latest/meta-data/",
  "file:///etc/passwd",
  "NaN",
  "-1",
  "1e309",
  "null",
  "\n\r\t",
  "%00%0a",
  "../../../../etc/passwd",
];

const NODE_TYPES = [
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
] as const;

export function randomScalar(r: Random): Json {
  switch (r.int(9)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.int(2000) - 1000;
    case 3:
      return r.pick([0, -0, 1.5, -1, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e308, -1e-300]);
    case 4:
      return r.pick(HOSTILE_STRINGS);
    case 5:
      return r.pick(NODE_TYPES);
    case 6:
      return `s${r.int(1e6).toString(36)}`;
    case 7:
      return r.pick(["start", "end", "n1", "n2", "model", "e1", "body", "done", "default", "error", "approved"]);
    default:
      return "x".repeat(r.int(40));
  }
}

export function randomJson(r: Random, depth = 0): Json {
  if (depth > 4 || r.chance(0.45)) return randomScalar(r);
  if (r.chance(0.5)) return Array.from({ length: r.int(5) }, () => randomJson(r, depth + 1));
  // No prototype: "__proto__" becomes an ordinary key (sent as such), not the object's prototype.
  const out: { [key: string]: Json } = Object.create(null) as { [key: string]: Json };
  for (let i = r.int(5); i > 0; i--)
    out[
      r.pick([
        "id",
        "type",
        "nodes",
        "edges",
        "data",
        "config",
        "source",
        "target",
        "sourceHandle",
        "position",
        "label",
        "metadata",
        "__proto__",
        "constructor",
        `k${r.int(9)}`,
      ])
    ] = randomJson(r, depth + 1);
  return out;
}

/** A string (key or value) with U+0000 or a lone surrogate half: PostgreSQL cannot store it, the API refuses it. */
export function hasUnstorableString(value: Json): boolean {
  const bad = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  if (typeof value === "string") return bad.test(value);
  if (Array.isArray(value)) return value.some(hasUnstorableString);
  if (value && typeof value === "object")
    return Object.entries(value).some(([k, v]) => bad.test(k) || hasUnstorableString(v));
  return false;
}

/** JSON nested `depth` levels deep (the API refuses more than 64). */
export function deepJson(depth: number): Json {
  let value: Json = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nest: value };
  return value;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every (parent, key) pair inside a JSON value, so a mutation can reach any field. */
function slots(value: Json): Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }> {
  const out: Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }> = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item);
      });
    } else if (v && typeof v === "object") {
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        walk(v[k]!);
      }
    }
  };
  walk(value);
  return out;
}

type Definition = { nodes: Array<Record<string, Json>>; edges: Array<Record<string, Json>>; [key: string]: Json };

/** One mutation of a definition (in place). */
function mutate(r: Random, d: Definition): void {
  const nodes = Array.isArray(d.nodes) ? d.nodes : [];
  const edges = Array.isArray(d.edges) ? d.edges : [];
  switch (r.int(16)) {
    case 0: {
      // delete any field
      const all = slots(d as unknown as Json);
      const s = all.length ? r.pick(all) : undefined;
      if (s) Array.isArray(s.parent) ? s.parent.splice(s.key as number, 1) : delete s.parent[s.key as string];
      break;
    }
    case 1: {
      // retype any field
      const all = slots(d as unknown as Json);
      const s = all.length ? r.pick(all) : undefined;
      if (s) (s.parent as Record<string | number, Json>)[s.key] = randomJson(r);
      break;
    }
    case 2:
      if (nodes.length) nodes.push(clone(r.pick(nodes)));
      break; // duplicate id
    case 3:
      edges.push({
        id: `e${r.int(100)}`,
        source: randomScalar(r),
        target: randomScalar(r),
        ...(r.chance(0.5) ? { sourceHandle: randomScalar(r) } : {}),
      });
      break;
    case 4:
      if (nodes.length) nodes.splice(r.int(nodes.length), 1);
      break; // dangling edges
    case 5:
      if (nodes.length) r.pick(nodes).type = r.chance(0.7) ? r.pick(NODE_TYPES) : randomScalar(r);
      break;
    case 6: {
      // config junk
      const n = nodes.length ? r.pick(nodes) : undefined;
      const data = n?.data as { config?: Record<string, Json> } | undefined;
      if (data && typeof data === "object")
        data.config = {
          ...(data.config && typeof data.config === "object" ? data.config : {}),
          [r.pick([
            "provider",
            "model",
            "expression",
            "template",
            "url",
            "maxIterations",
            "branches",
            "assignments",
            "mode",
            "definitionId",
            "tools",
            "routes",
            "strategy",
          ])]: randomJson(r),
        };
      break;
    }
    case 7:
      d.metadata = deepJson(10 + r.int(50));
      break;
    case 8:
      d.nodes = JSON.parse(
        `[{"__proto__": {"isValid": true}, "constructor": {"prototype": {"x": 1}}, "id": "p", "type": "start"}]`,
      );
      break;
    case 9: {
      // many nodes
      const count = r.pick([50, 200, 501, 1200]);
      d.nodes = Array.from({ length: count }, (_, i) => ({
        id: `n${i}`,
        type: r.pick(NODE_TYPES),
        position: { x: i, y: 0 },
        data: { config: {} },
      }));
      d.edges = Array.from({ length: Math.min(count - 1, 600) }, (_, i) => ({
        id: `e${i}`,
        source: `n${i}`,
        target: `n${i + 1}`,
      }));
      break;
    }
    case 10:
      if (nodes.length)
        (r.pick(nodes).data as Record<string, Json>) = {
          label: r.pick(HOSTILE_STRINGS),
          config: randomJson(r) as Json,
        };
      break;
    case 11:
      if (edges.length) {
        const e = r.pick(edges);
        e.target = e.source ?? null;
      }
      break; // self loop
    case 12: {
      // cycle without a loop node
      if (nodes.length > 2)
        edges.push({
          id: `back${r.int(99)}`,
          source: nodes[nodes.length - 1]!.id ?? null,
          target: nodes[1]!.id ?? null,
        });
      break;
    }
    case 13:
      if (nodes.length) (r.pick(nodes).data as Record<string, Json>).retry = randomJson(r);
      break;
    case 14:
      (d as Record<string, Json>)[r.pick(["nodes", "edges"])] = randomJson(r);
      break;
    default:
      if (nodes.length) r.pick(nodes).position = randomJson(r);
      break;
  }
}

/** A definition from one of the valid bases with 1–4 mutations (or, now and then, a wholly random value). */
export function mutatedDefinition(r: Random, bases: Definition[]): Json {
  if (r.chance(0.05)) return randomJson(r);
  const d = clone(r.pick(bases));
  for (let i = 1 + r.int(4); i > 0; i--) {
    try {
      mutate(r, d);
    } catch {
      // An earlier mutation changed the shape this one expects: it is skipped.
    }
  }
  return d as unknown as Json;
}
