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
import type { BaseMessage } from "@langchain/core/messages";
import { END, isGraphBubbleUp, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ExecutionResources } from "@/lib/nodes/resources";
import type { EventData, ExecutionEventType } from "@/lib/contracts/events";
import type { ExecutionInput } from "@/lib/contracts/execution-request";
import type { ExecutionResult, HistoryEntry, UsageByModel } from "@/lib/contracts/execution-result";
import { AppError, issuesFromZod } from "@/lib/errors";
import type { ChatModelSpec } from "@/lib/models";
import { getNodeDefinition, resolveSourceHandle, type NodeType } from "@/lib/nodes/registry";
import { getNodeRunFunction, type NodeRuntime } from "@/lib/nodes/runtime";
import { ERROR_HANDLE, OUTPUT_HANDLE, type AnyNodeDefinition } from "@/lib/nodes/types";
import { retryPolicySchema, type RetryPolicy, type WorkflowGraph, type WorkflowNode } from "@/lib/workflow/definition";
import { errorMessage, NodeAttemptTimeoutError, NodeFailedError } from "./errors";
import { buildExpressionScope } from "@/lib/workflow/scope";
import {
  applyUpdate,
  mergeUpdates,
  totalUsage,
  WorkflowNodeContext,
  type WorkflowState,
  type WorkflowUpdate,
} from "@/lib/workflow/state";

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
  /** `parentNodeId`: the node that starts the child (its place in this run's events). */
  runWorkflow(args: {
    definitionId: string;
    version?: number;
    input: ExecutionInput;
    parentNodeId?: string;
  }): Promise<ExecutionResult>;
  /** Chat models made for this run, by node and spec: a scripted model keeps its place across loop passes and retries. */
  models: Map<string, { model: BaseChatModel; spec: ChatModelSpec }>;
  /** "provider:model" each node's model resolved to, so its streamed tokens count against the right price. */
  usageKeys: Map<string, string>;
  /** Resolves once the run has started (its row exists); side effects wait for it (see NodeRuntime.started). */
  started: Promise<void>;
  /** See NodeRuntime.modelCallsBeforeStart. */
  modelCallsBeforeStart: boolean;
  /**
   * Takes the nodes' progress signals (node_started, tokens, node_completed, node_failed) as they happen.
   * Without it they go on LangGraph's "custom" stream, which drops what a step wrote when the step throws
   * before the stream is read (a node failing at once lost its node_started and node_failed).
   */
  signal?: (item: NodeSignal) => void;
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

/**
 * A progress signal a node writes to LangGraph's "custom" stream; the engine turns it into an event. A
 * node's end comes with its history entry and the usage it reports (the engine's running totals), so the
 * engine needs no "updates" stream for it.
 */
export type NodeSignal =
  | { [T in ExecutionEventType]: { event: T; nodeId: string; data: EventData<T> } }[
      | "node_started"
      | "tool_call"
      | "token"]
  | {
      event: "node_completed";
      nodeId: string;
      data: EventData<"node_completed">;
      entry: HistoryEntry;
      usage: UsageByModel;
    }
  | { event: "node_failed"; nodeId: string; data: EventData<"node_failed">; entry: HistoryEntry };

const MAX_BACKOFF_MS = 30_000;
const MAX_RECURSION_LIMIT = 10_000;

export function compileWorkflow(
  definition: WorkflowGraph,
  { checkpointer }: { checkpointer?: BaseCheckpointSaver } = {},
) {
  const builder = new StateGraph(WorkflowNodeContext) as unknown as StateGraph<
    typeof WorkflowNodeContext.spec,
    WorkflowState,
    WorkflowUpdate,
    string
  >;
  const prepared = definition.nodes.map((node) => prepareNode(node));
  const outgoing = outgoingEdges(definition, prepared);

  // Without a checkpointer nothing needs a step boundary between the nodes of a straight run: they run as
  // one LangGraph node (see stepsOf). With one, every node is its own step (checkpoints, time travel).
  const steps = checkpointer ? prepared.map((item) => [item]) : stepsOf(prepared, outgoing);
  const stepName = new Map<string, string>();
  for (const step of steps) for (const item of step) stepName.set(item.node.id, step[0]!.node.id);

  for (const step of steps) {
    const runs = step.map((item) => {
      const edges = outgoing.get(item.node.id) ?? [];
      const routed = item.def.branching || edges.some((e) => e.handle === ERROR_HANDLE);
      return wrapNode(item, { routed, hasErrorEdge: edges.some((e) => e.handle === ERROR_HANDLE) });
    });
    builder.addNode(step[0]!.node.id, runs.length === 1 ? runs[0]! : runInTurn(runs));
  }

  for (const step of steps) {
    const name = step[0]!.node.id;
    if (step[0]!.def.entry) builder.addEdge(START, name);
    // A step's way out is its last node's.
    const { node, def, config } = step[step.length - 1]!;
    const edges = (outgoing.get(node.id) ?? []).map((edge) => ({
      ...edge,
      target: stepName.get(edge.target) ?? edge.target,
    }));
    if (def.terminal || edges.length === 0) {
      builder.addEdge(name, END);
      continue;
    }
    const routed = def.branching || edges.some((e) => e.handle === ERROR_HANDLE);
    if (!routed) {
      for (const target of new Set(edges.map((e) => e.target))) builder.addEdge(name, target);
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
    builder.addConditionalEdges(name, route, [...new Set(edges.map((e) => e.target)), END]);
  }

  return builder.compile(checkpointer ? { checkpointer } : {});
}

type NodeRun = (state: WorkflowState, graphConfig: LangGraphRunnableConfig) => Promise<WorkflowUpdate>;

/** The node ids of each LangGraph step of a graph compiled without a checkpointer (see stepsOf). */
export function stepGroups(definition: WorkflowGraph): string[][] {
  const prepared = definition.nodes.map((node) => prepareNode(node));
  return stepsOf(prepared, outgoingEdges(definition, prepared)).map((step) => step.map((item) => item.node.id));
}

/** Each node's edges out, by resolved handle (edges from handles the node does not have are dropped). */
function outgoingEdges(
  definition: WorkflowGraph,
  prepared: PreparedNode[],
): Map<string, Array<{ handle: string; target: string }>> {
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
  return outgoing;
}

/**
 * The graph's steps: straight runs of nodes — each but the last with exactly one plain edge out, to a node
 * nothing else leads to — and single nodes. A LangGraph step costs ~0.4 ms of CPU whatever its node does
 * (task, config, channel writes, a checkpoint object), as much as a start or end node's own work, so a
 * chat graph (start → memory → model → end) runs as one step. Nodes that branch, have an error edge or
 * can pause end a run; every node still reports its own start, end, history entry and usage.
 */
function stepsOf(
  prepared: PreparedNode[],
  outgoing: Map<string, Array<{ handle: string; target: string }>>,
): PreparedNode[][] {
  const byId = new Map(prepared.map((item) => [item.node.id, item]));
  const incoming = new Map<string, number>();
  for (const edges of outgoing.values())
    for (const { target } of edges) incoming.set(target, (incoming.get(target) ?? 0) + 1);
  /** The one node this node always goes on to, when the two can share a step. */
  const successor = (item: PreparedNode): PreparedNode | undefined => {
    const edges = outgoing.get(item.node.id) ?? [];
    if (item.def.branching || item.def.pauses || edges.length !== 1 || edges[0]!.handle === ERROR_HANDLE)
      return undefined;
    const next = byId.get(edges[0]!.target);
    if (!next || next === item || next.def.entry || next.def.pauses || incoming.get(next.node.id) !== 1)
      return undefined;
    return next;
  };
  const continued = new Set<string>();
  for (const item of prepared) {
    const next = successor(item);
    if (next) continued.add(next.node.id);
  }
  const steps: PreparedNode[][] = [];
  const placed = new Set<string>();
  for (const head of prepared) {
    if (continued.has(head.node.id)) continue;
    const step = [head];
    placed.add(head.node.id);
    for (let next = successor(head); next && !placed.has(next.node.id); next = successor(next)) {
      step.push(next);
      placed.add(next.node.id);
    }
    steps.push(step);
  }
  // A cycle of such nodes has no head (the validator lets no unbounded cycle through): one step each.
  for (const item of prepared) if (!placed.has(item.node.id)) steps.push([item]);
  return steps;
}

/** Several nodes as one LangGraph node: each sees the state its predecessors left; one merged update. */
function runInTurn(runs: NodeRun[]): NodeRun {
  return async function runNodesInTurn(state, graphConfig) {
    let current = state;
    let merged: WorkflowUpdate = {};
    for (const run of runs) {
      const update = await run(current, graphConfig);
      current = applyUpdate(current, update);
      merged = mergeUpdates(merged, update);
    }
    return merged;
  };
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
  return {
    node,
    def,
    type: node.type as NodeType,
    config: parsed.data,
    retry: retryPolicySchema.parse(node.data.retry ?? {}),
  };
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
    ...(last
      ? {
          lastMessage: {
            role: last.getType(),
            text: text.length > INPUT_TEXT ? `${text.slice(0, INPUT_TEXT)}…` : text,
          },
        }
      : {}),
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

  return async function runWorkflowNode(
    state: WorkflowState,
    graphConfig: LangGraphRunnableConfig,
  ): Promise<WorkflowUpdate> {
    const runtime = runtimeOf(graphConfig);
    const signal = graphConfig.signal ?? new AbortController().signal;
    const emit = runtime.signal ?? ((item: NodeSignal) => graphConfig.writer?.(item));
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
        data: {
          nodeId: node.id,
          type,
          ...(label ? { label } : {}),
          attempt: attempts,
          ...(attempts === 1 ? { input: summarizeInput(state) } : {}),
        },
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
            chatModel: async (spec: ChatModelSpec) => {
              const key = `${node.id}\u0000${JSON.stringify(spec)}`;
              let made = runtime.models.get(key);
              if (!made) {
                const resolved = await runtime.resources.resolveModel(spec, runtime.userId);
                made = { model: runtime.resources.getChatModel(resolved), spec: resolved };
                runtime.models.set(key, made);
                runtime.usageKeys.set(node.id, `${resolved.provider}:${resolved.model}`);
              }
              return made;
            },
            scope: (s) => buildExpressionScope(s),
            emitToolCall: (call) => emit({ event: "tool_call", nodeId: node.id, data: { ...call, nodeId: node.id } }),
            emitToken: (text) => emit({ event: "token", nodeId: node.id, data: { text, nodeId: node.id } }),
            runWorkflow: async (args) => {
              await runtime.started;
              return runtime.runWorkflow({ ...args, parentNodeId: node.id });
            },
            started: runtime.started,
            modelCallsBeforeStart: runtime.modelCallsBeforeStart,
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
        const usage = (update.usage_metadata ?? {}) as UsageByModel;
        const { inputTokens, outputTokens } = totalUsage(usage);
        emit({
          event: "node_completed",
          nodeId: node.id,
          data: {
            nodeId: node.id,
            type,
            durationMs: entry.durationMs,
            output: summarizeUpdate(node.id, withHistory),
            ...(inputTokens + outputTokens > 0 ? { usage: { inputTokens, outputTokens } } : {}),
          },
          entry,
          usage,
        });
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
    const entry: HistoryEntry = {
      nodeId: node.id,
      type,
      status: "failed",
      startedAt: startedAt.toISOString(),
      durationMs,
      attempts,
      error: message,
    };
    emit({
      event: "node_failed",
      nodeId: node.id,
      data: { nodeId: node.id, type, durationMs, error: message, attempts, handled: hasErrorEdge },
      entry,
    });
    if (!hasErrorEdge) throw new NodeFailedError(node.id, type, attempts, lastError);
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

const SUMMARY_TEXT = 300;
const clip = (text: string) => (text.length > SUMMARY_TEXT ? `${text.slice(0, SUMMARY_TEXT)}…` : text);

/** A display-sized account of what a node changed (the node_completed `output`). */
function summarizeUpdate(nodeId: string, update: WorkflowUpdate): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  const messages = Array.isArray(update.messages) ? (update.messages as BaseMessage[]) : [];
  const last = messages.filter((m) => m.getType() !== "remove").at(-1);
  if (last) summary.message = clip(last.text);
  const removed = messages.filter((m) => m.getType() === "remove").length;
  if (removed) summary.trimmedMessages = removed;
  const variables = update.variables as Record<string, unknown> | undefined;
  if (variables && Object.keys(variables).length) summary.variables = Object.keys(variables);
  const handle = (update.conditional_results as Record<string, string> | undefined)?.[nodeId];
  if (handle) summary.handle = handle;
  if (Array.isArray(update.sources)) summary.sources = update.sources.length;
  if (typeof update.tool_call_count === "number" && update.tool_call_count > 0)
    summary.toolCalls = update.tool_call_count;
  if (typeof update.conversation_summary === "string") summary.summary = clip(update.conversation_summary);
  const output = (update.metadata as { output?: unknown } | undefined)?.output;
  if (typeof output === "string") summary.output = clip(output);
  return summary;
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
  const timer = timeoutMs
    ? setTimeout(() => controller.abort(new NodeAttemptTimeoutError(nodeId, timeoutMs)), timeoutMs)
    : undefined;
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
