/**
 * The compiled graph, streamed: its nodes' signals and LangGraph's chunks mapped to run events, the context kept current (state,
 * usage, node history, interrupts), and the run's token and cost budgets enforced as tokens arrive.
 */
import "server-only";
import { ensureConfig } from "@langchain/core/runnables";
import { abortable } from "@/lib/abortable";
import { type Command, INTERRUPT } from "@langchain/langgraph";
import { FRESH_THREAD_KEY, type FreshThreadMark } from "@/lib/db/checkpointer";
import {
  type CompiledWorkflow,
  type NodeSignal,
  recursionLimitFor,
  runConfigurable,
  type WorkflowRuntime,
} from "@/lib/graph/compile-workflow";
import { addUsage, totalUsage, type WorkflowState, type WorkflowUpdate } from "@/lib/workflow/state";
import { computeCost } from "@/lib/models";
import { DEFAULT_MODEL, DEFAULT_PROVIDER } from "@/lib/nodes/fields";
import { getNodeDefinition } from "@/lib/nodes/registry";
import type { WorkflowGraph } from "@/lib/workflow/definition";
import { compiledWorkflow } from "./compiled-workflows";
import type { ExecutionContext } from "./context";
import type { ExecutionEvent } from "@/lib/contracts/events";
import "./langchain-context";
import type { ExecutionInput } from "@/lib/contracts/execution-request";
import { interruptInfoSchema, type ExecutionResult } from "@/lib/contracts/execution-result";
import { breakpointPause, breakpointsOf } from "./breakpoints";

/** Runs another workflow one level deeper (a subworkflow node, the run_workflow tool): `execute`'s child path. */
export type RunChildWorkflow = (
  ctx: ExecutionContext,
  args: { definitionId: string; version?: number; input: ExecutionInput; parentNodeId?: string },
) => Promise<ExecutionResult>;

/** Streams the compiled graph, mapping LangGraph's chunks to events and keeping the context current. */
export async function streamGraph(
  ctx: ExecutionContext,
  graphInput: WorkflowUpdate | Command | null,
  publish: (event: ExecutionEvent) => void,
  started: Promise<void>,
  existingThread: boolean,
  runChild: RunChildWorkflow,
) {
  const checkpoints = keepsCheckpoints(ctx, existingThread);
  const breakpoints = breakpointsOf(ctx.options);
  const compiled = compiledWorkflow(ctx.definition, { checkpoints });
  const runtime: WorkflowRuntime = {
    executionId: ctx.executionId,
    userId: ctx.userId,
    depth: ctx.depth,
    resources: ctx.resources,
    runWorkflow: (args) => runChild(ctx, args),
    models: new Map(),
    usageKeys: new Map(),
    started,
    modelCallsBeforeStart: ctx.admittedAtLoad,
    // Node progress and tokens reach the run's events at once, not through LangGraph's stream.
    signal: (signal) => onSignal(signal),
  };
  const usageKeys = usageKeysByNode(ctx.definition);
  /** A node's progress signal as the run's event, the context kept current and the budgets enforced. */
  const onSignal = (signal: NodeSignal) => {
    if (signal.event === "token") {
      const { nodeId } = signal;
      const inFlight = ctx.inFlight.get(nodeId) ?? {
        usageKey: runtime.usageKeys.get(nodeId) ?? usageKeys.get(nodeId) ?? "unknown:unknown",
        outputTokens: 0,
      };
      // Providers stream about one token per chunk; the exact count arrives with the node's final message.
      inFlight.outputTokens += 1;
      ctx.inFlight.set(nodeId, inFlight);
      publish(ctx.event("token", signal.data, nodeId));
      enforceBudgets(ctx);
      return;
    }
    if (signal.event === "node_completed") {
      ctx.inFlight.delete(signal.nodeId);
      ctx.usageByModel = addUsage(ctx.usageByModel, signal.usage);
      ctx.history.push(signal.entry);
      publish(ctx.event("node_completed", signal.data, signal.nodeId));
      enforceBudgets(ctx);
      return;
    }
    if (signal.event === "node_failed") {
      ctx.inFlight.delete(signal.nodeId);
      ctx.history.push(signal.entry);
    }
    publish(ctx.event(signal.event, signal.data as never, signal.nodeId));
  };
  const stream = graphStream(compiled, graphInput, ctx.signal, {
    configurable: {
      thread_id: ctx.threadId,
      ...runConfigurable(runtime),
      // A new execution's thread is empty: its opening read is skipped (a resume or a time-travel copy reads it).
      ...(checkpoints && !ctx.resumed && !existingThread
        ? { [FRESH_THREAD_KEY]: { written: false } satisfies FreshThreadMark }
        : {}),
    },
    // The state comes on "values"; "updates" only carries interrupts (node progress: runtime.signal).
    streamMode: breakpoints || canPause(ctx.definition) ? ["updates", "values"] : ["values"],
    ...breakpoints,
    durability: ctx.durability,
    recursionLimit: recursionLimitFor(ctx.definition),
  });

  let atBreakpoint = false;
  for await (const chunk of stream) {
    const [mode, payload] = chunk;
    if (mode === "values") {
      ctx.state = payload as WorkflowState;
    } else if (mode === "updates") {
      // Asked for only when the graph can pause (or has breakpoints): what LangGraph reports of an interrupt.
      const interrupts = (payload as Record<string, unknown>)[INTERRUPT] as Array<{ value?: unknown }> | undefined;
      // A breakpoint is an interrupt with no value.
      if (breakpoints && interrupts?.length === 0) atBreakpoint = true;
      for (const item of interrupts ?? []) {
        const info = interruptInfoSchema.safeParse(item.value);
        if (!info.success) continue;
        ctx.interrupt = info.data;
        publish(ctx.event("interrupt", info.data, info.data.nodeId));
      }
    }
  }
  if (atBreakpoint && breakpoints && !ctx.interrupt) {
    ctx.interrupt = await breakpointPause(ctx, breakpoints);
    if (ctx.interrupt) publish(ctx.event("interrupt", ctx.interrupt, ctx.interrupt.nodeId));
  }
}

/**
 * The graph's chunks, from LangGraph's own iterator: `stream()` puts two web streams, an extra abort
 * controller and an async-context hop per chunk around it (LangChain's `Runnable.stream` and Pregel's
 * override), which cost a run ~0.2 ms of CPU before its model request — a tenth of a chat turn's time to first
 * token. What they did that matters is done here: the config completed as `stream` completes it, and a stop
 * (cancel, time budget) ends the iteration at once even while a node still runs (LangGraph aborts its tasks
 * through the same signal). Every engine test runs through it; tests/engine/budgets-and-cancel.test.ts stops runs
 * mid-node.
 */
async function* graphStream(
  compiled: CompiledWorkflow,
  input: WorkflowUpdate | Command | null,
  signal: AbortSignal,
  options: Omit<GraphStreamOptions, "signal">,
): AsyncGenerator<[string, unknown]> {
  // The run's signal stops LangGraph's tasks and this iteration alike.
  const config = ensureConfig({ ...options, signal });
  const iterator = (compiled as unknown as GraphIterator)._streamIterator(input, config);
  let done = false;
  try {
    for (;;) {
      const step = await abortable(iterator.next(), signal);
      if (step.done) {
        done = true;
        return;
      }
      yield step.value as [string, unknown];
    }
  } finally {
    // Stopped (or left) mid-run: LangGraph ends its loop on the aborted signal; its last step is not awaited.
    if (!done) void iterator.return(undefined).catch(() => {});
  }
}

/** LangGraph's iterator under `stream()` (internal to it, but the method every stream goes through). */
interface GraphIterator {
  _streamIterator(input: unknown, config: GraphStreamOptions): AsyncGenerator<unknown>;
}

type GraphStreamOptions = NonNullable<Parameters<CompiledWorkflow["stream"]>[1]>;

/**
 * Whether the run writes LangGraph checkpoints. A run that cannot pause (no human node) and keeps no step
 * checkpoints (durability "sync"/"async", for time travel) has nothing to continue from later: its
 * conversation is in the messages table and its outcome in its row and events, so it runs without a
 * checkpointer — the checkpoint write was a third of a chat turn's database work. Resumed runs and
 * time-travel copies continue from their thread's checkpoint.
 */
export function keepsCheckpoints(ctx: ExecutionContext, existingThread: boolean): boolean {
  if (ctx.resumed || existingThread || breakpointsOf(ctx.options)) return true;
  if (ctx.durability !== "exit") return true;
  return canPause(ctx.definition);
}

/** The graph has a node that may pause the run (a LangGraph interrupt). */
function canPause(definition: WorkflowGraph): boolean {
  return definition.nodes.some((node) => getNodeDefinition(node.type)?.pauses === true);
}

/**
 * Stops a run over its token or cost budget, counting its child runs' usage (live), and each run above it
 * whose budget this run's usage pushes over (a child's usage counts against every ancestor's budget).
 */
function enforceBudgets(ctx: ExecutionContext) {
  for (let run: ExecutionContext | undefined = ctx; run; run = run.parentRun) {
    const { maxTokens, maxCostUsd } = run.options;
    if (maxTokens === undefined && maxCostUsd === undefined) continue;
    const usage = run.budgetUsage();
    const who = run.hasChildRuns ? "The run and its child runs" : "The run";
    const tokens = totalUsage(usage).totalTokens;
    if (maxTokens !== undefined && tokens > maxTokens) {
      run.stop({
        kind: "budget",
        code: "budget:tokens",
        message: `${who} used ${tokens} tokens, over its budget of ${maxTokens}.`,
      });
    }
    const cost = computeCost(usage);
    if (maxCostUsd !== undefined && cost > maxCostUsd) {
      run.stop({
        kind: "budget",
        code: "budget:cost",
        message: `${who} cost $${cost.toFixed(6)}, over its budget of $${maxCostUsd}.`,
      });
    }
  }
}

/** "provider:model" of each node that calls a model, so streamed tokens count against the right price. */
function usageKeysByNode(definition: WorkflowGraph): Map<string, string> {
  const keys = new Map<string, string>();
  for (const node of definition.nodes) {
    if (!["model", "tools", "router", "memory"].includes(node.type)) continue;
    const config = node.data.config as { provider?: unknown; model?: unknown };
    const provider = typeof config.provider === "string" ? config.provider : DEFAULT_PROVIDER;
    const model = typeof config.model === "string" ? config.model : DEFAULT_MODEL;
    keys.set(node.id, `${provider}:${model}`);
  }
  return keys;
}
