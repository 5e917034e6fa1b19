/**
 * The benchmark workflows as Lattice definitions (plain data: the HTTP benchmarks import them without the
 * app's server modules). bench/lib/graphs.ts builds the same graphs by hand with raw LangGraph.
 */
export const BENCH_MESSAGE = "Hello there, could you tell me how the benchmark is going today?";

type Node = {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: { label: string; config: Record<string, unknown> };
};
const node = (id: string, type: string, config: Record<string, unknown> = {}, x = 0): Node => ({
  id,
  type,
  position: { x, y: 0 },
  data: { label: id, config },
});
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? "out"}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

const MODEL = { provider: "local", model: "echo", systemPrompt: "You are a helpful assistant." };

/** The Lattice form of the chat graph (Lattice needs its start node; it does nothing). */
export const chatDefinition = {
  nodes: [
    node("start", "start"),
    node("memory", "memory", { strategy: "window", maxMessages: 20 }, 240),
    node("model", "model", MODEL, 480),
    node("end", "end", {}, 720),
  ],
  edges: [edge("start", "memory"), edge("memory", "model"), edge("model", "end")],
  metadata: {},
};

/** The Lattice form of the 12-node graph. */
export const branchingDefinition = {
  nodes: [
    node("start", "start"),
    node("memory", "memory", { strategy: "window", maxMessages: 20 }),
    node("setup", "variable", {
      assignments: [
        { name: "topic", expression: "input.message" },
        { name: "passes", value: 0 },
      ],
    }),
    node("size", "conditional", {
      branches: [{ key: "long", label: "Long", expression: "$length(input.message) > 40" }],
    }),
    node("promptLong", "prompt", { template: "Keep it short. {{input.message}}", role: "system" }),
    node("promptShort", "prompt", { template: "Take your time. {{input.message}}", role: "system" }),
    node("loop", "loop", { maxIterations: 3 }),
    node("count", "transform", { expression: "variables.passes + 1", target: "variable", variable: "passes" }),
    node("model", "model", MODEL),
    node("shape", "transform", { expression: "$uppercase(variables.topic)", target: "variable", variable: "shouted" }),
    node("finish", "variable", { assignments: [{ name: "done", value: true }] }),
    node("end", "end"),
  ],
  edges: [
    edge("start", "memory"),
    edge("memory", "setup"),
    edge("setup", "size"),
    edge("size", "promptLong", "long"),
    edge("size", "promptShort", "default"),
    edge("promptLong", "loop"),
    edge("promptShort", "loop"),
    edge("loop", "count", "body"),
    edge("count", "loop"),
    edge("loop", "model", "done"),
    edge("model", "shape"),
    edge("shape", "finish"),
    edge("finish", "end"),
  ],
  metadata: {},
};

export type GraphName = "chat" | "branching";
export const definitions: Record<GraphName, typeof chatDefinition> = {
  chat: chatDefinition,
  branching: branchingDefinition,
};
