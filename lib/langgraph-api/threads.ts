/**
 * Threads: a LangGraph thread is a row of ours (metadata, status, the conversation its chat turns are kept
 * in, its last execution) whose state is read from Lattice's checkpoints (state.ts). Owner-scoped: another
 * user's thread is a 404, like one that does not exist.
 */
import "server-only";
import { AppError } from "@/lib/errors";
import {
  countThreads,
  deleteThread as deleteThreadRow,
  getThread,
  insertThread,
  listThreadExecutions,
  searchThreads,
  threadIdTaken,
  updateThread,
} from "@/lib/db/queries/langgraph";
import type { LanggraphThread } from "@/lib/db/schema";
import { updateExecutionState } from "@/lib/services/executions";
import { parseStateUpdate } from "@/lib/workflow/state";
import { notFound } from "./http";
import {
  emptyThreadState,
  executionTuples,
  findCheckpoint,
  latestTuple,
  type LgInterrupt,
  type LgThreadState,
  toThreadState,
} from "./state";

export async function requireThread(ownerId: string, threadId: string): Promise<LanggraphThread> {
  const row = await getThread({ id: threadId, ownerId });
  if (!row) throw notFound(`Thread '${threadId}'`);
  return row;
}

/** The thread's current state: its last execution's latest checkpoint. */
export async function currentState(thread: LanggraphThread): Promise<LgThreadState> {
  if (!thread.lastExecutionId) return emptyThreadState(thread.id);
  const tuple = await latestTuple(thread.lastExecutionId, thread.ownerId);
  return tuple ? toThreadState(thread.id, thread.lastExecutionId, tuple) : emptyThreadState(thread.id);
}

export function recordOf(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export async function toLgThread(thread: LanggraphThread, state?: LgThreadState) {
  const current = state ?? (await currentState(thread));
  const interrupts: Record<string, LgInterrupt[]> = {};
  for (const task of current.tasks) if (task.interrupts.length) interrupts[task.id] = task.interrupts;
  return {
    thread_id: thread.id,
    created_at: thread.createdAt.toISOString(),
    updated_at: thread.updatedAt.toISOString(),
    state_updated_at: thread.stateUpdatedAt.toISOString(),
    metadata: recordOf(thread.metadata),
    status: thread.status,
    values: current.values,
    interrupts,
    config: { configurable: { thread_id: thread.id } },
    error: thread.error,
  };
}

export async function createThread(
  ownerId: string,
  body: {
    thread_id?: string | null | undefined;
    metadata?: Record<string, unknown> | null | undefined;
    if_exists?: string | null | undefined;
  },
  { temporary = false }: { temporary?: boolean } = {},
): Promise<LanggraphThread> {
  const id = body.thread_id ?? crypto.randomUUID();
  const metadata = Object.fromEntries(
    Object.entries(body.metadata ?? {}).filter(([, v]) => v !== undefined && v !== null),
  );
  const inserted = await insertThread({ id, ownerId, metadata, temporary });
  if (inserted) return inserted;
  const existing = await getThread({ id, ownerId });
  if (existing && body.if_exists === "do_nothing") return existing;
  if (existing || (await threadIdTaken(id)))
    throw new AppError("conflict:langgraph_thread", `Thread '${id}' already exists`);
  throw new AppError("internal:langgraph_thread", "The thread could not be created.");
}

export async function patchThread(
  ownerId: string,
  threadId: string,
  metadata: Record<string, unknown> | null | undefined,
) {
  const thread = await requireThread(ownerId, threadId);
  const merged = { ...recordOf(thread.metadata), ...(metadata ?? {}) };
  const updated = await updateThread({ id: threadId, ownerId }, { metadata: merged });
  if (!updated) throw notFound(`Thread '${threadId}'`);
  return updated;
}

export async function removeThread(ownerId: string, threadId: string): Promise<void> {
  if (!(await deleteThreadRow({ id: threadId, ownerId }))) throw notFound(`Thread '${threadId}'`);
}

export async function searchLgThreads(
  ownerId: string,
  query: {
    metadata?: Record<string, unknown> | null | undefined;
    ids?: string[] | null | undefined;
    status?: string | null | undefined;
    values?: Record<string, unknown> | null | undefined;
    limit?: number | null | undefined;
    offset?: number | null | undefined;
    sort_by?: "thread_id" | "status" | "created_at" | "updated_at" | "state_updated_at" | null | undefined;
    sort_order?: "asc" | "desc" | null | undefined;
    select?: string[] | null | undefined;
  },
) {
  const rows = await searchThreads({
    ownerId,
    ...(query.metadata ? { metadata: query.metadata } : {}),
    ...(query.ids ? { ids: query.ids } : {}),
    ...(query.status ? { status: query.status } : {}),
    limit: query.limit ?? 10,
    offset: query.offset ?? 0,
    sortBy: query.sort_by ?? "created_at",
    sortOrder: query.sort_order ?? "desc",
  });
  const threads = await Promise.all(rows.map((row) => toLgThread(row)));
  const matching = query.values
    ? threads.filter((t) =>
        Object.entries(query.values!).every(([k, v]) => JSON.stringify(t.values[k]) === JSON.stringify(v)),
      )
    : threads;
  if (!query.select?.length) return matching;
  return matching.map((t) =>
    Object.fromEntries(query.select!.filter((k) => k in t).map((k) => [k, t[k as keyof typeof t]])),
  );
}

export async function countLgThreads(
  ownerId: string,
  query: { metadata?: Record<string, unknown> | null | undefined; status?: string | null | undefined },
) {
  return countThreads({
    ownerId,
    ...(query.metadata ? { metadata: query.metadata } : {}),
    ...(query.status ? { status: query.status } : {}),
  });
}

/**
 * POST /threads/{id}/copy: a new thread with the same metadata and state (its last execution's
 * checkpoints, read-only). Its next chat turn starts a conversation of its own.
 */
export async function copyThread(ownerId: string, threadId: string) {
  const source = await requireThread(ownerId, threadId);
  const copy = await createThread(ownerId, { metadata: recordOf(source.metadata) });
  return (
    (await updateThread(
      { id: copy.id, ownerId },
      { lastExecutionId: source.lastExecutionId, status: source.status === "busy" ? "idle" : source.status },
    )) ?? copy
  );
}

/** The state at one checkpoint of any of the thread's executions. */
export async function stateAt(ownerId: string, threadId: string, checkpointId: string): Promise<LgThreadState> {
  const thread = await requireThread(ownerId, threadId);
  const executions = await threadExecutions(thread);
  const found = await findCheckpoint(executions, checkpointId, ownerId);
  if (!found) throw notFound(`Checkpoint '${checkpointId}'`);
  return toThreadState(thread.id, found.executionId, found.tuple);
}

/** The executions whose checkpoints are the thread's, newest first (a copy's source included). */
export async function threadExecutions(thread: LanggraphThread): Promise<string[]> {
  const own = await listThreadExecutions({ ownerId: thread.ownerId, threadId: thread.id });
  return thread.lastExecutionId && !own.includes(thread.lastExecutionId) ? [thread.lastExecutionId, ...own] : own;
}

/** POST /threads/{id}/history: every checkpoint of the thread's executions, newest first. */
export async function threadHistory(
  ownerId: string,
  threadId: string,
  {
    limit,
    before,
  }: { limit?: number | null | undefined; before?: string | Record<string, unknown> | null | undefined },
): Promise<LgThreadState[]> {
  const thread = await requireThread(ownerId, threadId);
  const beforeId =
    typeof before === "string"
      ? before
      : ((recordOf(recordOf(before).configurable).checkpoint_id as string | undefined) ??
        (recordOf(before).checkpoint_id as string | undefined));
  const max = limit ?? 10;
  const states: LgThreadState[] = [];
  let skipping = Boolean(beforeId);
  const executions = await threadExecutions(thread);
  let tuples = executions.length ? await executionTuples(executions[0]!, ownerId) : [];
  for (const [i, executionId] of executions.entries()) {
    // Each execution's first checkpoint follows the previous execution's last: one line of history.
    const older = i + 1 < executions.length ? await executionTuples(executions[i + 1]!, ownerId) : [];
    for (const [j, tuple] of tuples.entries()) {
      if (skipping) {
        if (tuple.checkpoint.id === beforeId) skipping = false;
        continue;
      }
      const state = toThreadState(thread.id, executionId, tuple);
      if (j === tuples.length - 1 && !state.parent_checkpoint && older[0])
        state.parent_checkpoint = { ...state.checkpoint, checkpoint_id: older[0].checkpoint.id };
      states.push(state);
      if (states.length >= max) return states;
    }
    tuples = older;
  }
  return states;
}

/**
 * POST /threads/{id}/state: writes the thread's state as a node (LangGraph's updateState, through
 * lib/services/executions → lib/engine/update-state.ts): at its last execution's latest checkpoint, or at
 * `checkpoint_id` of any of its executions (a fork on that execution). Values are checked against the
 * workflow state and `as_node` against the workflow (422s that name the key or node). A paused run
 * continued afterwards (input null, or command.resume) continues from the written state.
 */
export async function updateThreadState(
  ownerId: string,
  threadId: string,
  body: {
    values?: unknown;
    as_node?: string | null | undefined;
    checkpoint_id?: string | null | undefined;
    checkpoint?: Record<string, unknown> | null | undefined;
  },
) {
  const thread = await requireThread(ownerId, threadId);
  parseStateUpdate(body.values ?? {}, "values");
  if (thread.status === "busy")
    throw new AppError("conflict:langgraph_thread_busy", "Thread is running a task: update its state once it ends.");
  const checkpointId =
    body.checkpoint_id ?? (recordOf(body.checkpoint).checkpoint_id as string | undefined) ?? undefined;
  let executionId = thread.lastExecutionId;
  if (checkpointId) {
    const found = await findCheckpoint(await threadExecutions(thread), checkpointId, ownerId);
    if (!found) throw notFound(`Checkpoint '${checkpointId}'`);
    executionId = found.executionId;
  }
  if (!executionId)
    throw new AppError("conflict:langgraph_state", "The thread has no state yet: run it first, then update it.");
  const written = await updateExecutionState({
    userId: ownerId,
    executionId,
    values: body.values ?? {},
    asNode: body.as_node ?? undefined,
    checkpointId,
  });
  await updateThread({ id: thread.id, ownerId }, { lastExecutionId: executionId, stateUpdatedAt: new Date() });
  return {
    checkpoint: { thread_id: thread.id, checkpoint_ns: "", checkpoint_id: written.checkpointId, checkpoint_map: null },
  };
}
