/**
 * WorkflowNodeContext — the LangGraph state every compiled workflow shares, declared once; the types
 * node functions read and return are derived from it. Reducers decide how updates from several nodes
 * (parallel branches, loops, retries) combine, so a node returns only the keys it changes.
 */
import "server-only";
import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, messagesStateReducer, type Messages } from "@langchain/langgraph";
import { z } from "zod";
import type { HistoryEntry, Source, UsageByModel } from "@/lib/contracts/execution-result";
import { AppError } from "@/lib/errors";

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

const lastWins = <T>(_current: T, update: T): T => update;
const merge = <T extends Record<string, unknown>>(current: T, update: T): T => ({ ...current, ...update });

/**
 * How each channel combines a node's update with the state — declared once: the LangGraph annotation is
 * built from it, and `applyUpdate` / `mergeUpdates` (nodes run one after another inside one graph step)
 * use the same functions.
 */
const CHANNELS = {
  messages: {
    reducer: messagesStateReducer as (current: BaseMessage[], update: Messages) => BaseMessage[],
    default: (): BaseMessage[] => [],
  },
  user_id: { reducer: lastWins<string>, default: () => "" },
  conversation_id: { reducer: lastWins<string | null>, default: (): string | null => null },
  retrieval_context: { reducer: lastWins<string>, default: () => "" },
  conversation_summary: { reducer: lastWins<string>, default: () => "" },
  /** Updates are increments (each tools node reports the calls it made). */
  tool_call_count: { reducer: (current: number, delta: number) => current + delta, default: () => 0 },
  metadata: { reducer: merge<RunMetadata>, default: (): RunMetadata => ({}) },
  variables: { reducer: merge<Record<string, unknown>>, default: (): Record<string, unknown> => ({}) },
  /** Per loop node id. */
  loop_state: { reducer: merge<Record<string, LoopState>>, default: (): Record<string, LoopState> => ({}) },
  /** The last failure that was routed to an error edge (what `error.*` reads in expressions and templates). */
  error_state: { reducer: lastWins<ErrorState | null>, default: (): ErrorState | null => null },
  /** The handle each branching node (and each failed node) took last, by node id. */
  conditional_results: { reducer: merge<Record<string, string>>, default: (): Record<string, string> => ({}) },
  execution_history: {
    reducer: (current: HistoryEntry[], update: HistoryEntry[]) => current.concat(update),
    default: (): HistoryEntry[] => [],
  },
  /** Tokens per "provider:model"; updates are increments. */
  usage_metadata: {
    reducer: (current: UsageByModel, update: UsageByModel) => addUsage(current, update),
    default: (): UsageByModel => ({}),
  },
  /** Passages cited by the answer; later retrievals add to earlier ones (deduplicated by chunk). */
  sources: {
    reducer: (current: Source[], update: Source[]) => {
      const seen = new Set(current.map((s) => s.chunkId));
      return current.concat(update.filter((s) => !seen.has(s.chunkId)));
    },
    default: (): Source[] => [],
  },
};

// Every channel has a reducer: last write wins and several writers in one step do not conflict (unlike
// LangGraph's LastValue).
export const WorkflowNodeContext = Annotation.Root({
  messages: Annotation<BaseMessage[], Messages>(CHANNELS.messages),
  user_id: Annotation<string>(CHANNELS.user_id),
  conversation_id: Annotation<string | null>(CHANNELS.conversation_id),
  retrieval_context: Annotation<string>(CHANNELS.retrieval_context),
  conversation_summary: Annotation<string>(CHANNELS.conversation_summary),
  tool_call_count: Annotation<number>(CHANNELS.tool_call_count),
  metadata: Annotation<RunMetadata>(CHANNELS.metadata),
  variables: Annotation<Record<string, unknown>>(CHANNELS.variables),
  loop_state: Annotation<Record<string, LoopState>>(CHANNELS.loop_state),
  error_state: Annotation<ErrorState | null>(CHANNELS.error_state),
  conditional_results: Annotation<Record<string, string>>(CHANNELS.conditional_results),
  execution_history: Annotation<HistoryEntry[]>(CHANNELS.execution_history),
  usage_metadata: Annotation<UsageByModel>(CHANNELS.usage_metadata),
  sources: Annotation<Source[]>(CHANNELS.sources),
});

type Channel = keyof typeof CHANNELS;
type AnyReducer = (current: unknown, update: unknown) => unknown;
const reducerOf = (key: string): AnyReducer | undefined =>
  (CHANNELS as Record<string, { reducer: AnyReducer } | undefined>)[key]?.reducer;

/** The state after `update`, as LangGraph computes it (a state without a channel starts from its default). */
export function applyUpdate(state: WorkflowState, update: WorkflowUpdate): WorkflowState {
  const next: Record<string, unknown> = { ...state };
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    const reducer = reducerOf(key);
    if (!reducer) continue;
    const current = key in next ? next[key] : CHANNELS[key as Channel].default();
    next[key] = reducer(current, value);
  }
  return next as WorkflowState;
}

/**
 * One update with the effect of `first` then `second` (applying it equals applying both in turn): what a
 * graph step that runs several nodes one after another returns. Messages are concatenated (the messages
 * reducer applies a list in order, removals included); every other channel's reducer combines two
 * updates as it combines state and update.
 */
export function mergeUpdates(first: WorkflowUpdate, second: WorkflowUpdate): WorkflowUpdate {
  const merged: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(second)) {
    if (value === undefined) continue;
    if (!(key in merged) || merged[key] === undefined) merged[key] = value;
    else if (key === "messages") merged[key] = [...asList(merged[key]), ...asList(value)];
    else merged[key] = reducerOf(key)?.(merged[key], value) ?? value;
  }
  return merged as WorkflowUpdate;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

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

const MESSAGE_ROLES = ["human", "user", "ai", "assistant", "system", "tool", "remove"] as const;
const messageText = z.union([z.string().max(100_000), z.array(z.unknown()).max(100)]);

/** A message as LangGraph's clients write one: a dict with `type` or `role` and `content`, [role, text], or text. */
const messageLikeSchema = z.union([
  z.string().max(100_000),
  z.tuple([z.enum(MESSAGE_ROLES), z.string().max(100_000)]),
  z
    .looseObject({
      type: z.enum(MESSAGE_ROLES).optional(),
      role: z.enum(MESSAGE_ROLES).optional(),
      content: messageText,
      id: z.string().max(200).optional(),
    })
    .refine((m) => m.type !== undefined || m.role !== undefined, { message: "needs a type or role" }),
]);

/**
 * The channels a client may write (LangGraph's `updateState`, `Command.update`), each checked against what
 * the nodes read: messages (appended or replaced by id, through the messages reducer), variables (merged),
 * retrieval context, summary, loop and branch state, the routed error. The run's own channels — owner,
 * conversation, run snapshot (metadata), node history, usage, tool-call count, sources — are not writable.
 */
const stateUpdateSchema = z.strictObject({
  messages: z.union([messageLikeSchema, z.array(messageLikeSchema).max(1000)]).optional(),
  variables: z.record(z.string().max(200), z.unknown()).optional(),
  retrieval_context: z.string().max(1_000_000).optional(),
  conversation_summary: z.string().max(1_000_000).optional(),
  loop_state: z
    .record(z.string(), z.strictObject({ iteration: z.number().int().min(0), done: z.boolean() }))
    .optional(),
  error_state: z
    .strictObject({
      nodeId: z.string(),
      nodeType: z.string(),
      message: z.string(),
      code: z.string().optional(),
      attempts: z.number().int().min(0),
      at: z.string(),
    })
    .nullable()
    .optional(),
  conditional_results: z.record(z.string(), z.string().max(200)).optional(),
});
export const WRITABLE_STATE_KEYS = Object.keys(stateUpdateSchema.shape);

/**
 * A client's state update, checked: a 422 whose message names the key (`<path>.<key>…`) that is not a
 * writable channel of the workflow state or holds the wrong shape.
 */
export function parseStateUpdate(value: unknown, path: string): WorkflowUpdate {
  const parsed = stateUpdateSchema.safeParse(value);
  if (parsed.success) return parsed.data as WorkflowUpdate;
  const issues = parsed.error.issues.flatMap((issue) => {
    const at = [path, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => ({
        path: [at, key].join("."),
        message:
          key in CHANNELS
            ? "is the run's own state, which a client cannot write"
            : `is not a key of the workflow state (writable: ${WRITABLE_STATE_KEYS.join(", ")})`,
      }));
    if (issue.path.length === 0 && issue.code === "invalid_type")
      return [{ path: at, message: "must be an object of state keys" }];
    return [{ path: at, message: issue.message }];
  });
  const first = issues[0]!;
  throw new AppError("validation:state", `Invalid state update: ${first.path}: ${first.message}`, { issues });
}
