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

export { BENCH_MESSAGE, branchingDefinition, chatDefinition, definitions, type GraphName } from "./definitions";
import { BENCH_MESSAGE, type GraphName } from "./definitions";

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
    .addNode("promptShort", ({ messages }) => ({
      messages: [new SystemMessage(`Take your time. ${inputOf(messages)}`)],
    }))
    .addNode("loop", () => ({}))
    .addNode("count", ({ variables, passes }) => ({
      variables: { passes: Number(variables.passes) + 1 },
      passes: passes + 1,
    }))
    .addNode("model", ({ messages }) => answer(chat, messages))
    .addNode("shape", ({ variables }) => ({ variables: { shouted: String(variables.topic).toUpperCase() } }))
    .addNode("finish", () => ({ variables: { done: true } }))
    .addNode("end", () => ({}))
    .addEdge(START, "start")
    .addEdge("start", "memory")
    .addEdge("memory", "setup")
    .addEdge("setup", "size")
    .addConditionalEdges("size", ({ messages }) => (inputOf(messages).length > 40 ? "promptLong" : "promptShort"), [
      "promptLong",
      "promptShort",
    ])
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

export const rawGraphs: Record<
  GraphName,
  (checkpointer?: BaseCheckpointSaver) => ReturnType<typeof rawChatGraph> | ReturnType<typeof rawBranchingGraph>
> = {
  chat: rawChatGraph,
  branching: rawBranchingGraph,
};

export const benchInput = () => ({ messages: [new HumanMessage(BENCH_MESSAGE)] });
