/**
 * Workflow definitions the live suites run, and the stream-cutting scenario (Node and browser alike: no
 * imports of Node's).
 * Local models only, so no network: `echo` answers at once, `slow` streams token by token.
 */
import type { ExecutionEvent, ExecutionRequest, LatticeClient } from "../src/index.js";

type GraphNode = {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: { config: Record<string, unknown> };
};
export type Graph = {
  nodes: GraphNode[];
  edges: Array<{ id: string; source: string; target: string; sourceHandle?: string }>;
  metadata: Record<string, unknown>;
};

export const node = (id: string, type: string, config: Record<string, unknown> = {}): GraphNode => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { config },
});
export const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? "out"}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});
/** start → model → end with the local model. */
export const modelGraph = (config: Record<string, unknown>): Graph => ({
  nodes: [node("start", "start"), node("model", "model", { provider: "local", ...config }), node("end", "end")],
  edges: [edge("start", "model"), edge("model", "end")],
  metadata: {},
});
export const custom = (definition: Graph, message: string): ExecutionRequest => ({
  type: "CUSTOM",
  definition,
  input: { message },
});
export const echo = (message: string) => custom(modelGraph({ model: "echo" }), message);
export const slow = (message: string, latencyMs: number) => custom(modelGraph({ model: "slow", latencyMs }), message);
/** A human approval step: `approved` ends "shipped", `rejected` "held back". */
export const approval: Graph = {
  nodes: [
    node("start", "start"),
    node("review", "human", { mode: "approval", question: "Ship it?", variable: "ok" }),
    node("yes", "end", { outputTemplate: "shipped" }),
    node("no", "end", { outputTemplate: "held back" }),
  ],
  edges: [edge("start", "review"), edge("review", "yes", "approved"), edge("review", "no", "rejected")],
  metadata: {},
};

export const tokensOf = (events: ExecutionEvent[]) =>
  events.flatMap((e) => (e.type === "token" ? [e.data.text] : [])).join("");

/**
 * Streams a slow run and cuts every connection (`cut`) once five tokens are in: the events delivered, the
 * last one before the cut, and the Last-Event-ID of each reconnect.
 */
export async function streamCutMidRun(client: LatticeClient, message: string, cut: () => unknown) {
  const reconnectedAfter: number[] = [];
  const stream = await client.executions.stream(slow(message, 8), {
    onReconnect: (info) => reconnectedAfter.push(info.lastSeq),
  });
  const events: ExecutionEvent[] = [];
  let cutAt: number | undefined;
  for await (const event of stream) {
    events.push(event);
    if (cutAt === undefined && event.type === "token" && events.filter((e) => e.type === "token").length === 5) {
      cutAt = event.seq;
      await cut();
    }
  }
  return { stream, events, cutAt, reconnectedAfter };
}
