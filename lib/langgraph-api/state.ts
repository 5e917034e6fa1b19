/**
 * A LangGraph thread's state, derived from Lattice's own stored state: the checkpoints of the executions
 * the thread's runs started (each execution is a LangGraph thread of its own in the checkpoint tables,
 * `thread_id` = its execution id). The thread's state is its last execution's latest checkpoint; its
 * history is every checkpoint of its executions, newest first. Values are the workflow state a client
 * may read — messages (LangChain's dict form, as the SDK parses them), variables, retrieval context,
 * summary, loop and branch state — never the run's internals (owner, snapshot, usage).
 *
 * Reads the saver directly; nothing here compiles or runs a graph.
 */
import "server-only";
import type { BaseMessage } from "@langchain/core/messages";
import { INTERRUPT } from "@langchain/langgraph";
import type { CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { getCheckpointSaver } from "@/lib/db/checkpointer";
import { nextNodesOf } from "@/lib/engine/time-travel";

/** The state keys a client sees (LangGraph's `values`). */
const VISIBLE_KEYS = [
  "messages",
  "variables",
  "retrieval_context",
  "conversation_summary",
  "tool_call_count",
  "loop_state",
  "error_state",
  "conditional_results",
] as const;

export interface LgCheckpoint {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string | null;
  checkpoint_map: Record<string, unknown> | null;
}

export interface LgInterrupt {
  value: unknown;
  id: string;
  when?: string;
  resumable?: boolean;
  ns?: string[];
}

export interface LgTask {
  id: string;
  name: string;
  error: string | null;
  interrupts: LgInterrupt[];
  checkpoint: LgCheckpoint | null;
  state: null;
  result: unknown;
}

export interface LgThreadState {
  values: Record<string, unknown>;
  next: string[];
  checkpoint: LgCheckpoint;
  metadata: Record<string, unknown> | null;
  created_at: string | null;
  parent_checkpoint: LgCheckpoint | null;
  tasks: LgTask[];
  interrupts: LgInterrupt[];
}

function isMessage(value: unknown): value is BaseMessage {
  return typeof value === "object" && value !== null && typeof (value as BaseMessage).toDict === "function";
}

/** One message as LangGraph's server sends it: the LangChain dict's fields with its `type`. */
export function serializeMessage(message: unknown, fallbackId: string, chunk = false): Record<string, unknown> {
  if (!isMessage(message)) return typeof message === "object" && message ? (message as Record<string, unknown>) : {};
  const { type, data } = message.toDict() as unknown as { type: string; data: Record<string, unknown> };
  const fields: Record<string, unknown> = { ...data, type: chunk && type === "ai" ? "AIMessageChunk" : type };
  if (!fields.id) fields.id = fallbackId;
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields;
}

/** The values a client sees of a checkpoint's channel values (messages without an id get a stable one). */
export function visibleValues(channelValues: Record<string, unknown>, idPrefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of VISIBLE_KEYS) {
    if (!(key in channelValues)) continue;
    const value = channelValues[key];
    values[key] =
      key === "messages" && Array.isArray(value)
        ? value.map((message, index) => serializeMessage(message, `${idPrefix}-${index}`))
        : value;
  }
  return values;
}

function lgCheckpoint(threadId: string, checkpointId: string | null): LgCheckpoint {
  return { thread_id: threadId, checkpoint_ns: "", checkpoint_id: checkpointId, checkpoint_map: null };
}

/** The interrupts a checkpoint's pending writes hold, each with the task that raised it. */
function interruptsOf(tuple: CheckpointTuple): Array<{ taskId: string; interrupt: LgInterrupt }> {
  const found: Array<{ taskId: string; interrupt: LgInterrupt }> = [];
  for (const [taskId, channel, value] of tuple.pendingWrites ?? []) {
    if (channel !== INTERRUPT) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const raw = (item ?? {}) as { value?: unknown; id?: unknown; interrupt_id?: unknown };
      const id = typeof raw.id === "string" ? raw.id : typeof raw.interrupt_id === "string" ? raw.interrupt_id : taskId;
      found.push({ taskId, interrupt: { value: raw.value, id, when: "during", resumable: true, ns: [] } });
    }
  }
  return found;
}

/** A checkpoint of one of the thread's executions as LangGraph's ThreadState. */
export function toThreadState(threadId: string, executionId: string, tuple: CheckpointTuple): LgThreadState {
  const next = nextNodesOf(tuple.checkpoint);
  const interrupts = interruptsOf(tuple);
  const tasks: LgTask[] = next.map((name, index) => {
    const own = interrupts.filter((_, i) => (next.length === 1 ? true : i === index));
    return {
      id: own[0]?.taskId ?? `${tuple.checkpoint.id}:${name}`,
      name,
      error: null,
      interrupts: own.map((i) => i.interrupt),
      checkpoint: null,
      state: null,
      result: null,
    };
  });
  const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
  const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
  return {
    values: visibleValues(tuple.checkpoint.channel_values as Record<string, unknown>, executionId),
    next,
    checkpoint: lgCheckpoint(threadId, tuple.checkpoint.id),
    metadata: {
      source: metadata.source ?? null,
      step: metadata.step ?? null,
      parents: metadata.parents ?? {},
      run_execution_id: executionId,
    },
    created_at: tuple.checkpoint.ts ?? null,
    parent_checkpoint: parentId ? lgCheckpoint(threadId, parentId) : null,
    tasks,
    interrupts: interrupts.map((i) => i.interrupt),
  };
}

/** The state of a thread that has run nothing yet. */
export function emptyThreadState(threadId: string): LgThreadState {
  return {
    values: {},
    next: [],
    checkpoint: lgCheckpoint(threadId, null),
    metadata: null,
    created_at: null,
    parent_checkpoint: null,
    tasks: [],
    interrupts: [],
  };
}

/** The latest checkpoint of an execution that belongs to `ownerId`, if it kept one. */
export async function latestTuple(executionId: string, ownerId: string): Promise<CheckpointTuple | undefined> {
  const tuple = await getCheckpointSaver().getTuple({ configurable: { thread_id: executionId, checkpoint_ns: "" } });
  const values = tuple?.checkpoint.channel_values as Record<string, unknown> | undefined;
  return tuple && values?.user_id === ownerId ? tuple : undefined;
}

/** Every checkpoint of an execution of `ownerId`, newest first. */
export async function executionTuples(executionId: string, ownerId: string): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of getCheckpointSaver().list({
    configurable: { thread_id: executionId, checkpoint_ns: "" },
  })) {
    const values = tuple.checkpoint.channel_values as Record<string, unknown>;
    if (values.user_id !== undefined && values.user_id !== ownerId) return [];
    tuples.push(tuple);
  }
  return tuples;
}

/** The checkpoint `checkpointId` of one of the executions, with the execution that holds it. */
export async function findCheckpoint(
  executionIds: string[],
  checkpointId: string,
  ownerId: string,
): Promise<{ executionId: string; tuple: CheckpointTuple } | undefined> {
  for (const executionId of executionIds) {
    const tuple = await getCheckpointSaver().getTuple({
      configurable: { thread_id: executionId, checkpoint_ns: "", checkpoint_id: checkpointId },
    });
    const values = tuple?.checkpoint.channel_values as Record<string, unknown> | undefined;
    if (tuple && values?.user_id === ownerId) return { executionId, tuple };
  }
  return undefined;
}
