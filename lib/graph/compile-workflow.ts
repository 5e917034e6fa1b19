/**
 * The graph builder: a workflow definition → a compiled LangGraph StateGraph. One graph node per
 * definition node, wrapping the node type's run function with what every node gets — timing (an
 * execution_history entry), retries with exponential backoff and a per-attempt time limit (`data.retry`),
 * progress signals on the "custom" stream (node_started, node_failed, tool_call, token), and, when it still fails,
 * routing along its `error` edge with `error_state` set (no error edge: the run fails).
 * Branching nodes (conditional, router, loop, human) and nodes with an error edge get conditional edges
 * with explicit path lists; the rest get plain edges.
 *
 * Only lib/engine (execute) calls this: no other module builds or runs a graph.
 */
import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { END, isGraphBubbleUp, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ExecutionResources } from "@/lib/engine/context";
import type { EventData, ExecutionEventType } from "@/lib/engine/events";
import type { ExecutionInput } from "@/lib/engine/request";
import type { ExecutionResult, HistoryEntry } from "@/lib/engine/result";
import { AppError, issuesFromZod } from "@/lib/errors";
import type { ChatModelSpec } from "@/lib/models";
import { getNodeDefinition, resolveSourceHandle, type NodeType } from "@/lib/nodes/registry";
import { getNodeRunFunction, type NodeRuntime } from "@/lib/nodes/runtime";
import { ERROR_HANDLE, OUTPUT_HANDLE, type AnyNodeDefinition } from "@/lib/nodes/types";
import { retryPolicySchema, type RetryPolicy, type WorkflowGraph, type WorkflowNode } from "@/lib/workflow/definition";
import { errorMessage, NodeAttemptTimeoutError, NodeFailedError } from "./errors";
import { buildExpressionScope } from "./scope";
import { WorkflowNodeContext, type WorkflowState, type WorkflowUpdate } from "./state";

/**
 * What the engine lends one run of a compiled workflow. A compiled graph depends only on its definition
 * (and whether it checkpoints), so the engine compiles it once and many runs share it: each run passes its
 * runtime in the LangGraph config, under `configurable[RUN_CONFIG_KEY]` (see `runConfigurable`).
 */
export interface WorkflowRuntime {
  executionId: string;
  userId: string;
  depth: number;
  resources: ExecutionResources;
  runWorkflow(args: { definitionId: string; version?: number; input: ExecutionInput }): Promise<ExecutionResult>;
  /** Chat models made for this run, by node and spec: a scripted model keeps its place across loop passes and retries. */
  models: Map<string, BaseChatModel>;
}

/** Not one of LangGraph's own keys, and not copied into checkpoint metadata (LangGraph copies only its own). */
export const RUN_CONFIG_KEY = "lattice_run";

/** The `configurable` entries that hand a run its runtime. */
export function runConfigurable(runtime: WorkflowRuntime): Record<string, unknown> {
  return { [RUN_CONFIG_KEY]: runtime };
}

function runtimeOf(graphConfig: LangGraphRunnableConfig): WorkflowRuntime {
  const runtime = graphConfig.configurable?.[RUN_CONFIG_KEY] as WorkflowRuntime | undefined;
  if (!runtime) throw new Error("A workflow graph was run without its runtime (configurable.lattice_run).");
  return runtime;
}

/** A progress signal a node writes to LangGraph's "custom" stream; the engine turns it into an event. */
export type NodeSignal = {
  [T in ExecutionEventType]: { event: T; nodeId: string; data: EventData<T> };
}["node_started" | "node_failed" | "tool_call" | "token"];

const MAX_BACKOFF_MS = 30_000;
const MAX_RECURSION_LIMIT = 10_000;

export function compileWorkflow(definition: WorkflowGraph, { checkpointer }: { checkpointer?: BaseCheckpointSaver } = {}) {
  const builder = new StateGraph(WorkflowNodeContext) as unknown as StateGraph<
    typeof WorkflowNodeContext.spec,
    WorkflowState,
    WorkflowUpdate,
    string
  >;
  const prepared = definition.nodes.map((node) => prepareNode(node));
  const outgoing = new Map<string, Array<{ handle: string; target: string }>>();
  for (const { node, def, config } of prepared) {
    const outputs = def.outputs(config as never);
    const edges = definition.edges
      .filter((edge) => edge.source === node.id)
      .map((edge) => ({
        handle: edge.sourceHandle === ERROR_HANDLE ? ERROR_HANDLE : resolveSourceHandle(outputs, edge.sourceHandle),
        target: edge.target,
      }))
      .filter((edge): edge is { handle: string; target: string } => edge.handle !== null);
    outgoing.set(node.id, edges);
  }

  for (const item of prepared) {
    const edges = outgoing.get(item.node.id) ?? [];
    const routed = item.def.branching || edges.some((e) => e.handle === ERROR_HANDLE);
    builder.addNode(item.node.id, wrapNode(item, { routed, hasErrorEdge: edges.some((e) => e.handle === ERROR_HANDLE) }));
  }

  for (const { node, def, config } of prepared) {
    if (def.entry) builder.addEdge(START, node.id);
    const edges = outgoing.get(node.id) ?? [];
    if (def.terminal || edges.length === 0) {
      builder.addEdge(node.id, END);
      continue;
    }
    const routed = def.branching || edges.some((e) => e.handle === ERROR_HANDLE);
    if (!routed) {
      for (const target of new Set(edges.map((e) => e.target))) builder.addEdge(node.id, target);
      continue;
    }
    const byHandle = new Map<string, string[]>();
    for (const { handle, target } of edges) byHandle.set(handle, [...(byHandle.get(handle) ?? []), target]);
    const fallback = defaultHandle(def.outputs(config as never));
    const route = (state: WorkflowState): string | string[] => {
      const handle = state.conditional_results[node.id] ?? fallback;
      const targets = byHandle.get(handle) ?? [];
      return targets.length === 0 ? END : targets.length === 1 ? targets[0]! : targets;
    };
    builder.addConditionalEdges(node.id, route, [...new Set(edges.map((e) => e.target)), END]);
  }

  return builder.compile(checkpointer ? { checkpointer } : {});
}

export type CompiledWorkflow = ReturnType<typeof compileWorkflow>;

/**
 * LangGraph's step limit for this graph: enough for every loop to run its maximum passes through the whole
 * graph, so the loop node's own bound is the one that stops a loop.
 */
export function recursionLimitFor(definition: WorkflowGraph): number {
  let passes = 1;
  for (const node of definition.nodes) {
    if (node.type !== "loop") continue;
    const max = Number((node.data.config as { maxIterations?: unknown }).maxIterations ?? 5);
    passes += Number.isFinite(max) ? max : 5;
  }
  return Math.min(MAX_RECURSION_LIMIT, 25 + definition.nodes.length * passes * 2);
}

interface PreparedNode {
  node: WorkflowNode;
  def: AnyNodeDefinition;
  type: NodeType;
  config: unknown;
  retry: RetryPolicy;
}

function prepareNode(node: WorkflowNode): PreparedNode {
  const def = getNodeDefinition(node.type);
  if (!def) throw new AppError("validation:workflow", `Node "${node.id}" has an unknown type "${node.type}".`);
  const parsed = def.configSchema.safeParse(node.data.config ?? {});
  if (!parsed.success) {
    throw new AppError("validation:workflow", `Node "${node.id}" has an invalid configuration.`, {
      issues: issuesFromZod(parsed.error.issues).map((i) => ({ ...i, path: `nodes.${node.id}.data.config.${i.path}` })),
    });
  }
  return { node, def, type: node.type as NodeType, config: parsed.data, retry: retryPolicySchema.parse(node.data.retry ?? {}) };
}

const INPUT_TEXT = 300;
const INPUT_VALUE = 500;
const INPUT_VARIABLES = 40;

/**
 * The state a node starts from, display-sized (node_started's `input`, shown by the monitor): the last
 * message clipped, and each variable as it is unless its JSON is long (then a clipped string).
 */
function summarizeInput(state: WorkflowState): EventData<"node_started">["input"] {
  const messages = state.messages ?? [];
  const last = messages[messages.length - 1];
  const text = last?.text ?? "";
  const variables: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state.variables ?? {}).slice(0, INPUT_VARIABLES)) {
    const json = JSON.stringify(value) ?? "null";
    variables[key] = json.length > INPUT_VALUE ? `${json.slice(0, INPUT_VALUE)}…` : value;
  }
  return {
    messageCount: messages.length,
    ...(last ? { lastMessage: { role: last.getType(), text: text.length > INPUT_TEXT ? `${text.slice(0, INPUT_TEXT)}…` : text } } : {}),
    variables,
  };
}

function defaultHandle(outputs: string[]): string {
  if (outputs.includes("default")) return "default";
  return outputs.includes(OUTPUT_HANDLE) ? OUTPUT_HANDLE : (outputs[0] ?? OUTPUT_HANDLE);
}

function wrapNode(
  { node, def, type, config: nodeConfig, retry }: PreparedNode,
  { routed, hasErrorEdge }: { routed: boolean; hasErrorEdge: boolean },
) {
  const run = getNodeRunFunction(type);
  const label = typeof node.data.label === "string" ? node.data.label : undefined;
  const rawConfig = (node.data.config ?? {}) as Record<string, unknown>;

  const handles = def.outputs(nodeConfig as never);

  return async function runWorkflowNode(state: WorkflowState, graphConfig: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
    const runtime = runtimeOf(graphConfig);
    const signal = graphConfig.signal ?? new AbortController().signal;
    const emit = (item: NodeSignal) => graphConfig.writer?.(item);
    const startedAt = new Date();
    const started = performance.now();
    let lastError: unknown;
    let attempts = 0;
    while (attempts < retry.maxAttempts) {
      attempts += 1;
      signal.throwIfAborted();
      emit({
        event: "node_started",
        nodeId: node.id,
        data: { nodeId: node.id, type, ...(label ? { label } : {}), attempt: attempts, ...(attempts === 1 ? { input: summarizeInput(state) } : {}) },
      });
      try {
        const update = await runAttempt(signal, node.id, retry.timeoutMs, (attemptSignal) => {
          const nodeRuntime: NodeRuntime = {
            node: { id: node.id, type, ...(label ? { label } : {}) },
            rawConfig,
            executionId: runtime.executionId,
            userId: runtime.userId,
            depth: runtime.depth,
            signal: attemptSignal,
            config: { ...graphConfig, signal: attemptSignal },
            resources: runtime.resources,
            chatModel: (spec: ChatModelSpec) => {
              const key = `${node.id}\u0000${JSON.stringify(spec)}`;
              let model = runtime.models.get(key);
              if (!model) {
                model = runtime.resources.getChatModel(spec);
                runtime.models.set(key, model);
              }
              return model;
            },
            scope: (s) => buildExpressionScope(s),
            emitToolCall: (call) => emit({ event: "tool_call", nodeId: node.id, data: { ...call, nodeId: node.id } }),
            emitToken: (text) => emit({ event: "token", nodeId: node.id, data: { text, nodeId: node.id } }),
            runWorkflow: (args) => runtime.runWorkflow(args),
          };
          return run(state, nodeConfig as never, nodeRuntime);
        });
        const entry: HistoryEntry = {
          nodeId: node.id,
          type,
          status: "completed",
          startedAt: startedAt.toISOString(),
          durationMs: performance.now() - started,
          attempts,
        };
        const withHistory: WorkflowUpdate = { ...update, execution_history: [entry] };
        if (routed) {
          const chosen = update.conditional_results as Record<string, string> | undefined;
          withHistory.conditional_results = { ...chosen, [node.id]: chosen?.[node.id] ?? defaultHandle(handles) };
        }
        return withHistory;
      } catch (error) {
        // An interrupt (human node) or a parent command is LangGraph control flow, not a failure.
        if (isGraphBubbleUp(error)) throw error;
        // A cancelled or over-budget run stops now: retrying would only spend more.
        if (signal.aborted) throw error;
        lastError = error;
        if (attempts < retry.maxAttempts) {
          await sleep(Math.min(MAX_BACKOFF_MS, retry.backoffMs * 2 ** (attempts - 1)), signal);
        }
      }
    }

    const durationMs = performance.now() - started;
    const message = errorMessage(lastError);
    emit({
      event: "node_failed",
      nodeId: node.id,
      data: { nodeId: node.id, type, durationMs, error: message, attempts, handled: hasErrorEdge },
    });
    if (!hasErrorEdge) throw new NodeFailedError(node.id, type, attempts, lastError);
    const entry: HistoryEntry = {
      nodeId: node.id,
      type,
      status: "failed",
      startedAt: startedAt.toISOString(),
      durationMs,
      attempts,
      error: message,
    };
    return {
      error_state: {
        nodeId: node.id,
        nodeType: type,
        message,
        ...(lastError instanceof NodeAttemptTimeoutError ? { code: "node:timeout" } : {}),
        attempts,
        at: new Date().toISOString(),
      },
      conditional_results: { [node.id]: ERROR_HANDLE },
      execution_history: [entry],
    };
  };
}

/**
 * One attempt: its own AbortSignal (aborted by the run's signal or by the time limit), and a race, so a node
 * that ignores its signal still cannot outlive its limit.
 */
async function runAttempt<T>(
  runSignal: AbortSignal,
  nodeId: string,
  timeoutMs: number | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(runSignal.reason);
  runSignal.addEventListener("abort", forward, { once: true });
  const timer = timeoutMs ? setTimeout(() => controller.abort(new NodeAttemptTimeoutError(nodeId, timeoutMs)), timeoutMs) : undefined;
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  try {
    const running = work(controller.signal);
    running.catch(() => {}); // it may settle after the race is lost
    return await Promise.race([running, aborted]);
  } finally {
    if (timer) clearTimeout(timer);
    runSignal.removeEventListener("abort", forward);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
