/**
 * The benchmark's two workflows, each in two forms: as a Lattice definition (run by `execute`) and as a
 * raw LangGraph graph compiled by hand — the limit an engine can approach. Both forms do the same steps with
 * the same instant `local` model; the raw forms use plain JavaScript where Lattice evaluates JSONata and
 * templates, because that is what a hand-written graph would do.
 *
 * 1. chat (3 nodes): memory (window of 20) → model (local echo) → end.
 * 2. branching (12 nodes): start → memory → variable → conditional (long / default) → one of two prompts →
 *    loop (3 passes through a transform) → model → transform → variable → end.
 *
 * Raw LangGraph graphs are built here, outside lib/graph, on purpose: they are the baseline, not Lattice
 * (the one-path source scan covers lib, app, components and scripts, not bench).
 */
import { AIMessage, HumanMessage, RemoveMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { LocalChatModel } from "@/lib/models/local";

export const BENCH_MESSAGE = "Hello there, could you tell me how the benchmark is going today?";

type Node = { id: string; type: string; position: { x: number; y: number }; data: { label: string; config: Record<string, unknown> } };
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
  nodes: [node("start", "start"), node("memory", "memory", { strategy: "window", maxMessages: 20 }, 240), node("model", "model", MODEL, 480), node("end", "end", {}, 720)],
  edges: [edge("start", "memory"), edge("memory", "model"), edge("model", "end")],
  metadata: {},
};

/** The Lattice form of the 12-node graph. */
export const branchingDefinition = {
  nodes: [
    node("start", "start"),
    node("memory", "memory", { strategy: "window", maxMessages: 20 }),
    node("setup", "variable", { assignments: [{ name: "topic", expression: "input.message" }, { name: "passes", value: 0 }] }),
    node("size", "conditional", { branches: [{ key: "long", label: "Long", expression: "$length(input.message) > 40" }] }),
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
export const definitions: Record<GraphName, typeof chatDefinition> = { chat: chatDefinition, branching: branchingDefinition };

// ---------------------------------------------------------------------------------------------------------
// Raw LangGraph
// ---------------------------------------------------------------------------------------------------------

const model = () => new LocalChatModel({ model: "echo" });

/** Keeps the last 20 non-system messages, as Lattice's window memory does. */
function trimWindow(messages: BaseMessage[]): { messages?: BaseMessage[] } {
  const conversation = messages.filter((m) => m.getType() !== "system");
  const drop = conversation.slice(0, Math.max(0, conversation.length - 20));
  return drop.length ? { messages: drop.filter((m) => m.id).map((m) => new RemoveMessage({ id: m.id! })) } : {};
}

async function answer(chat: LocalChatModel, messages: BaseMessage[]): Promise<{ messages: BaseMessage[] }> {
  const reply = await chat.invoke([new SystemMessage("You are a helpful assistant."), ...messages]);
  return { messages: [new AIMessage({ content: reply.content, usage_metadata: reply.usage_metadata })] };
}

export function rawChatGraph(checkpointer?: BaseCheckpointSaver) {
  const chat = model();
  return new StateGraph(MessagesAnnotation)
    .addNode("memory", ({ messages }) => trimWindow(messages))
    .addNode("model", ({ messages }) => answer(chat, messages))
    .addNode("end", () => ({}))
    .addEdge(START, "memory")
    .addEdge("memory", "model")
    .addEdge("model", "end")
    .addEdge("end", END)
    .compile(checkpointer ? { checkpointer } : {});
}

const BranchingState = Annotation.Root({
  ...MessagesAnnotation.spec,
  variables: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  passes: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
});

export function rawBranchingGraph(checkpointer?: BaseCheckpointSaver) {
  const chat = model();
  const inputOf = (messages: BaseMessage[]) => messages.filter((m) => m.getType() === "human").at(-1)?.text ?? "";
  return new StateGraph(BranchingState)
    .addNode("start", () => ({}))
    .addNode("memory", ({ messages }) => trimWindow(messages))
    .addNode("setup", ({ messages }) => ({ variables: { topic: inputOf(messages), passes: 0 } }))
    .addNode("size", () => ({}))
    .addNode("promptLong", ({ messages }) => ({ messages: [new SystemMessage(`Keep it short. ${inputOf(messages)}`)] }))
    .addNode("promptShort", ({ messages }) => ({ messages: [new SystemMessage(`Take your time. ${inputOf(messages)}`)] }))
    .addNode("loop", () => ({}))
    .addNode("count", ({ variables, passes }) => ({ variables: { passes: Number(variables.passes) + 1 }, passes: passes + 1 }))
    .addNode("model", ({ messages }) => answer(chat, messages))
    .addNode("shape", ({ variables }) => ({ variables: { shouted: String(variables.topic).toUpperCase() } }))
    .addNode("finish", () => ({ variables: { done: true } }))
    .addNode("end", () => ({}))
    .addEdge(START, "start")
    .addEdge("start", "memory")
    .addEdge("memory", "setup")
    .addEdge("setup", "size")
    .addConditionalEdges("size", ({ messages }) => (inputOf(messages).length > 40 ? "promptLong" : "promptShort"), ["promptLong", "promptShort"])
    .addEdge("promptLong", "loop")
    .addEdge("promptShort", "loop")
    .addConditionalEdges("loop", ({ passes }) => (passes < 3 ? "count" : "model"), ["count", "model"])
    .addEdge("count", "loop")
    .addEdge("model", "shape")
    .addEdge("shape", "finish")
    .addEdge("finish", "end")
    .addEdge("end", END)
    .compile(checkpointer ? { checkpointer } : {});
}

export const rawGraphs: Record<GraphName, (checkpointer?: BaseCheckpointSaver) => ReturnType<typeof rawChatGraph> | ReturnType<typeof rawBranchingGraph>> = {
  chat: rawChatGraph,
  branching: rawBranchingGraph,
};

export const benchInput = () => ({ messages: [new HumanMessage(BENCH_MESSAGE)] });
