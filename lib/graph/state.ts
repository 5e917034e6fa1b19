/**
 * WorkflowNodeContext — the LangGraph state every compiled workflow shares, declared once; the types
 * node functions read and return are derived from it. Reducers decide how updates from several nodes
 * (parallel branches, loops, retries) combine, so a node returns only the keys it changes.
 */
import "server-only";
import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, messagesStateReducer, type Messages } from "@langchain/langgraph";
import type { HistoryEntry, Source, UsageByModel } from "@/lib/engine/result";

/** Set by the engine when a run starts; read by nodes and expressions (as `metadata` and `input`). */
export interface RunMetadata {
  executionId?: string;
  workflowType?: string;
  workflowId?: string;
  definitionId?: string;
  templateId?: string;
  /** The run's input (`input.message`, `input.variables` in expressions and templates). */
  input?: { message?: string; variables?: Record<string, unknown> };
  /** Subworkflow nesting depth: 0 for a top-level run. */
  depth?: number;
  [key: string]: unknown;
}

export interface LoopState {
  /** Passes completed through the loop's body (0 before the first). */
  iteration: number;
  done: boolean;
}

export interface ErrorState {
  nodeId: string;
  nodeType: string;
  message: string;
  code?: string;
  attempts: number;
  at: string;
}

/** Last write wins, and several writers in one step do not conflict (unlike LangGraph's LastValue). */
const lastValue = <T>(initial: () => T) =>
  Annotation<T>({
    reducer: (_current: T, update: T) => update,
    default: initial,
  });

const shallowMerge = <T extends Record<string, unknown>>() =>
  Annotation<T>({
    reducer: (current: T, update: T) => ({ ...current, ...update }),
    default: () => ({}) as T,
  });

export const WorkflowNodeContext = Annotation.Root({
  messages: Annotation<BaseMessage[], Messages>({
    reducer: messagesStateReducer,
    default: () => [],
  }),
  user_id: lastValue<string>(() => ""),
  conversation_id: lastValue<string | null>(() => null),
  retrieval_context: lastValue<string>(() => ""),
  conversation_summary: lastValue<string>(() => ""),
  /** Updates are increments (each tools node reports the calls it made). */
  tool_call_count: Annotation<number>({
    reducer: (current: number, delta: number) => current + delta,
    default: () => 0,
  }),
  metadata: shallowMerge<RunMetadata>(),
  variables: shallowMerge<Record<string, unknown>>(),
  /** Per loop node id. */
  loop_state: shallowMerge<Record<string, LoopState>>(),
  /** The last failure that was routed to an error edge (what `error.*` reads in expressions and templates). */
  error_state: lastValue<ErrorState | null>(() => null),
  /** The handle each branching node (and each failed node) took last, by node id. */
  conditional_results: shallowMerge<Record<string, string>>(),
  execution_history: Annotation<HistoryEntry[]>({
    reducer: (current: HistoryEntry[], update: HistoryEntry[]) => current.concat(update),
    default: () => [],
  }),
  /** Tokens per "provider:model"; updates are increments. */
  usage_metadata: Annotation<UsageByModel>({
    reducer: (current: UsageByModel, update: UsageByModel) => addUsage(current, update),
    default: () => ({}),
  }),
  /** Passages cited by the answer; later retrievals add to earlier ones (deduplicated by chunk). */
  sources: Annotation<Source[]>({
    reducer: (current: Source[], update: Source[]) => {
      const seen = new Set(current.map((s) => s.chunkId));
      return current.concat(update.filter((s) => !seen.has(s.chunkId)));
    },
    default: () => [],
  }),
});

export type WorkflowState = typeof WorkflowNodeContext.State;
export type WorkflowUpdate = typeof WorkflowNodeContext.Update;

export function addUsage(a: UsageByModel, b: UsageByModel): UsageByModel {
  const sum: UsageByModel = { ...a };
  for (const [key, usage] of Object.entries(b)) {
    const prev = sum[key];
    sum[key] = {
      inputTokens: (prev?.inputTokens ?? 0) + usage.inputTokens,
      outputTokens: (prev?.outputTokens ?? 0) + usage.outputTokens,
    };
  }
  return sum;
}

export function totalUsage(usage: UsageByModel): { inputTokens: number; outputTokens: number; totalTokens: number } {
  let inputTokens = 0;
  let outputTokens = 0;
  for (const u of Object.values(usage)) {
    inputTokens += u.inputTokens;
    outputTokens += u.outputTokens;
  }
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}
