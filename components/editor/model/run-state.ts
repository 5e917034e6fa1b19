/**
 * A test run as the editor shows it, folded from the run's event stream (lib/contracts/events.ts): which nodes
 * are running, done or failed, the tokens streamed so far, each node's output and duration, a human node's
 * question, and the final result. A pure reducer, so a replayed or duplicated event changes nothing.
 */
import type { ExecutionEvent, NodeInput } from "@/lib/contracts/events";
import type { ExecutionInput } from "@/lib/contracts/execution-request";
import type { ExecutionResult, InterruptInfo } from "@/lib/contracts/execution-result";

/** "cancelled": the node was running when the run was cancelled — stopped on purpose, not a failure. */
export type NodeRunStatus = "running" | "completed" | "failed" | "cancelled";

export interface ToolCallInfo {
  name: string;
  args: unknown;
  result?: string;
  error?: string;
}

export interface NodeRunInfo {
  nodeId: string;
  type: string;
  status: NodeRunStatus;
  attempt: number;
  startedAt: string;
  durationMs?: number;
  output?: Record<string, unknown>;
  error?: string;
  /** The failure went on along the node's error edge. */
  handled?: boolean;
  tokens: string;
  toolCalls: ToolCallInfo[];
  usage?: { inputTokens: number; outputTokens: number };
  /** The state it started from, display-sized (node_started's input). */
  input?: NodeInput;
}

export type RunPhase = "idle" | "starting" | "running" | "paused" | "completed" | "failed" | "cancelled";

export interface RunState {
  phase: RunPhase;
  executionId: string | null;
  nodes: Record<string, NodeRunInfo>;
  /** Node ids in the order they (first) started. */
  order: string[];
  /** Every token streamed, in order: the answer as it forms. */
  tokens: string;
  interrupt: InterruptInfo | null;
  result: ExecutionResult | null;
  /** A failure to start or to stream (network, HTTP error), as opposed to a failed run. */
  error: string | null;
  lastSeq: number;
  /** What the run was started with, when this editor started it. */
  input?: ExecutionInput;
}

export const IDLE_RUN: RunState = {
  phase: "idle",
  executionId: null,
  nodes: {},
  order: [],
  tokens: "",
  interrupt: null,
  result: null,
  error: null,
  lastSeq: 0,
};

export function startingRun(input?: ExecutionInput): RunState {
  return { ...IDLE_RUN, phase: "starting", ...(input ? { input } : {}) };
}

function withNode(state: RunState, nodeId: string, update: (node: NodeRunInfo | undefined) => NodeRunInfo): RunState {
  const next = update(state.nodes[nodeId]);
  return {
    ...state,
    nodes: { ...state.nodes, [nodeId]: next },
    order: state.order.includes(nodeId) ? state.order : [...state.order, nodeId],
  };
}

function blankNode(nodeId: string, type: string, at: string): NodeRunInfo {
  return { nodeId, type, status: "running", attempt: 1, startedAt: at, tokens: "", toolCalls: [] };
}

export function applyRunEvent(state: RunState, event: ExecutionEvent): RunState {
  if (event.seq <= state.lastSeq) return state;
  const base: RunState = { ...state, lastSeq: event.seq, executionId: state.executionId ?? event.executionId };
  switch (event.type) {
    case "run_started":
      return { ...base, phase: "running", interrupt: null };
    case "node_started":
      return withNode({ ...base, phase: "running" }, event.data.nodeId, (node) => ({
        ...(node ?? blankNode(event.data.nodeId, event.data.type, event.at)),
        status: "running",
        attempt: event.data.attempt,
        startedAt: node && event.data.attempt > 1 ? node.startedAt : event.at,
        error: undefined,
        ...(event.data.input ? { input: event.data.input } : {}),
      }));
    case "token":
      return withNode({ ...base, tokens: base.tokens + event.data.text }, event.data.nodeId, (node) => {
        const current = node ?? blankNode(event.data.nodeId, "", event.at);
        return { ...current, tokens: current.tokens + event.data.text };
      });
    case "tool_call":
      return withNode(base, event.data.nodeId, (node) => {
        const current = node ?? blankNode(event.data.nodeId, "", event.at);
        const call: ToolCallInfo = {
          name: event.data.name,
          args: event.data.args,
          result: event.data.result,
          error: event.data.error,
        };
        return { ...current, toolCalls: [...current.toolCalls, call] };
      });
    case "node_completed":
      return withNode(base, event.data.nodeId, (node) => ({
        ...(node ?? blankNode(event.data.nodeId, event.data.type, event.at)),
        type: event.data.type,
        status: "completed",
        durationMs: event.data.durationMs,
        output: event.data.output,
        usage: event.data.usage,
      }));
    case "node_failed":
      return withNode(base, event.data.nodeId, (node) => ({
        ...(node ?? blankNode(event.data.nodeId, event.data.type, event.at)),
        type: event.data.type,
        status: "failed",
        durationMs: event.data.durationMs,
        error: event.data.error,
        attempt: event.data.attempts,
        handled: event.data.handled,
      }));
    case "interrupt":
      return { ...base, phase: "paused", interrupt: event.data };
    case "run_completed":
      return {
        ...base,
        phase: event.data.status === "paused" ? "paused" : "completed",
        result: event.data,
        interrupt: event.data.status === "paused" ? (event.data.interrupt ?? base.interrupt) : null,
      };
    case "run_failed":
      return { ...settleRunning(base, "failed"), phase: "failed", result: event.data, interrupt: null };
    case "run_cancelled":
      return { ...settleRunning(base, "cancelled"), phase: "cancelled", result: event.data, interrupt: null };
    default:
      return base;
  }
}

/** A run that ended leaves no node spinning. */
function settleRunning(state: RunState, status: NodeRunStatus): RunState {
  let changed = false;
  const nodes: Record<string, NodeRunInfo> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    if (node.status === "running") {
      changed = true;
      nodes[id] = { ...node, status };
    } else nodes[id] = node;
  }
  return changed ? { ...state, nodes } : state;
}

/** A run that could not start or whose stream broke. */
export function failRun(state: RunState, message: string): RunState {
  return { ...settleRunning(state, "failed"), phase: state.phase === "paused" ? "paused" : "failed", error: message };
}

/**
 * The answer the run panel shows: the tokens as they stream in while the run goes, then the run's result
 * once it has one — the End node's output (its template applied), which is what the chat, the monitor and
 * the API show for the same run. The streamed text is only the model's raw text; it stays on screen only
 * when the result has no message at all (a run that failed or was stopped mid-answer), as in the chat.
 */
export function runAnswer(state: Pick<RunState, "tokens" | "result">): string {
  const result = state.result;
  if (result && (result.output.message || result.status === "completed")) return result.output.message;
  return state.tokens;
}

export function isRunActive(state: RunState): boolean {
  return state.phase === "starting" || state.phase === "running";
}
