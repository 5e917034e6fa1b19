/**
 * Runs: a LangGraph run is one engine call through Lattice's services (so through `execute`, the tracker,
 * the run limits, the monitor, analytics and conversations like any run):
 * - input with a human message: a CHAT turn of the assistant in the thread's conversation (its memory);
 *   other input keys (and `variables`) are the run's variables — without a message, a DEFINITION or
 *   TEMPLATE run with those variables;
 * - `command` (`resume`, `update`, `goto`), or input null on a thread whose last execution is paused (a human
 *   node, or a breakpoint): that execution continues as LangGraph's `Command({ resume, update, goto })` (or
 *   input null), with this run's own `interrupt_before`/`interrupt_after`;
 * - `interrupt_before` / `interrupt_after` (node ids or "*"): the run's breakpoints (execution options), node
 *   ids checked against the assistant's graph before a run row is written;
 * - `checkpoint_id`: time travel — a new execution from that checkpoint of one of the thread's executions.
 * A run's events are its execution's events after `start_seq` (events.ts maps them to stream modes).
 * Runs keep a checkpoint per step (durability "sync", unless the config names another) so the thread
 * has a history to travel in. Multitask strategies: reject (409), interrupt (cancel the run going, keep
 * what it did), rollback (cancel it and forget its run), enqueue (start when the thread is free).
 */
import "server-only";
import type { AuthUser } from "@/lib/auth/types";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { isTerminalEvent } from "@/lib/contracts/events";
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import { executionOptionsSchema, MAX_MESSAGE_LENGTH } from "@/lib/contracts/execution-request";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import {
  deleteRun,
  deleteThread,
  getRun,
  getThread,
  insertRun,
  listInflightRuns,
  listRuns,
  updateRun,
  updateThread,
} from "@/lib/db/queries/langgraph";
import type { LanggraphRun, LanggraphThread } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { cancelRun, rerunExecution, resumeRun, startRun, withCallerTrigger } from "@/lib/services/executions";
import { getExecutionStatus } from "@/lib/db/queries/executions";
import type { BreakpointList } from "@/lib/contracts/execution-request";
import { checkNodeIds } from "@/lib/engine/breakpoints";
import { parseStateUpdate } from "@/lib/workflow/state";
import { type AssistantTarget, assistantOf, graphOfTarget, resolveAssistant } from "./assistants";
import { FrameMapper, frameIdOf, isAfter, isAfterPlace, type LgFrame, parseFrameId } from "./events";
import { notFound } from "./http";
import type { RunCreate } from "./schemas";
import { latestTuple, toThreadState, visibleValues } from "./state";
import { ChildFrames, runEvents } from "./subgraphs";
import { createThread, currentState, recordOf, requireThread, threadExecutions } from "./threads";
import { executionTuples, findCheckpoint } from "./state";

type RunStatus = "pending" | "running" | "success" | "error" | "timeout" | "interrupted";
/** How long a stateless run's thread is kept after the run (its output can still be joined meanwhile). */
const TEMPORARY_THREAD_MS = 5 * 60_000;
const ENDED: ReadonlySet<string> = new Set(["success", "error", "timeout", "interrupted"]);

interface RunKwargs extends Omit<RunCreate, "assistant_id"> {
  /** How the caller signed in (what the run is recorded as started by). */
  _via?: AuthUser["via"];
  /** Why the run could not start. */
  _error?: { error: string; message: string };
}

export function kwargsOf(run: LanggraphRun): RunKwargs {
  return recordOf(run.kwargs) as RunKwargs;
}

export function toLgRun(run: LanggraphRun) {
  const { _via, _error, ...kwargs } = kwargsOf(run);
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.assistantId,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
    status: run.status,
    metadata: recordOf(run.metadata),
    multitask_strategy: run.multitaskStrategy,
    kwargs,
    ...(run.executionId ? { lattice_execution_id: run.executionId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Input → ExecutionRequest
// ---------------------------------------------------------------------------------------------------------

const HUMAN_TYPES = new Set(["human", "user"]);

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content
      .map((part) => (typeof part === "string" ? part : (recordOf(part).text as string | undefined)))
      .filter((t): t is string => typeof t === "string");
    return parts.length ? parts.join("") : undefined;
  }
  return undefined;
}

/** The last human message of `input.messages` (dicts, [role, text] pairs or strings), if any. */
function humanMessageOf(messages: unknown): string | undefined {
  const list = Array.isArray(messages) ? messages : messages === undefined ? [] : [messages];
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const item = list[i];
    if (typeof item === "string") return item;
    if (Array.isArray(item) && item.length === 2 && HUMAN_TYPES.has(String(item[0]))) return textOf(item[1]);
    const message = recordOf(item);
    const role = String(message.type ?? message.role ?? "");
    if (HUMAN_TYPES.has(role)) return textOf(message.content);
  }
  return undefined;
}

function invalidInput(path: string, message: string): AppError {
  return new AppError("validation:body", `Invalid body: ${path}: ${message}`, { issues: [{ path, message }] });
}

interface RunInput {
  message?: string;
  variables: Record<string, unknown>;
}

export function readInput(input: unknown): RunInput {
  if (input === undefined || input === null) return { variables: {} };
  if (typeof input !== "object" || Array.isArray(input)) throw invalidInput("input", "must be an object (or null)");
  const { messages, variables, ...rest } = input as Record<string, unknown>;
  if (variables !== undefined && (typeof variables !== "object" || variables === null || Array.isArray(variables)))
    throw invalidInput("input.variables", "must be an object");
  const message = humanMessageOf(messages);
  if (messages !== undefined && message === undefined)
    throw invalidInput("input.messages", "must hold a human message with text content");
  if (message !== undefined && (message.trim() === "" || message.length > MAX_MESSAGE_LENGTH))
    throw invalidInput("input.messages", `the message must have 1 to ${MAX_MESSAGE_LENGTH} characters`);
  return { ...(message !== undefined ? { message } : {}), variables: { ...rest, ...recordOf(variables) } };
}

/** The run options a LangGraph config may carry (`configurable.durability`, budgets); steps kept by default. */
function optionsOf(body: RunKwargs) {
  const configurable = recordOf(body.config?.configurable);
  const picked = {
    durability: body.durability ?? configurable.durability ?? "sync",
    ...(configurable.timeoutMs !== undefined ? { timeoutMs: configurable.timeoutMs } : {}),
    ...(configurable.maxTokens !== undefined ? { maxTokens: configurable.maxTokens } : {}),
    ...(configurable.maxCostUsd !== undefined ? { maxCostUsd: configurable.maxCostUsd } : {}),
    ...breakpointsOfRun(body),
  };
  const parsed = executionOptionsSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidInput(`config.configurable.${issue?.path.join(".") ?? ""}`, issue?.message ?? "is not valid");
  }
  return parsed.data;
}

function requestOf(
  target: AssistantTarget,
  thread: LanggraphThread,
  input: RunInput,
  body: RunKwargs,
): ExecutionRequest {
  const options = optionsOf(body);
  if (input.message !== undefined && Object.keys(input.variables).length === 0) {
    return {
      type: "CHAT",
      message: input.message,
      ...(thread.conversationId ? { conversationId: thread.conversationId } : {}),
      ...(target.kind === "workflow" ? { workflowId: target.id } : { templateId: target.id }),
      options,
    };
  }
  const runInput = { ...(input.message !== undefined ? { message: input.message } : {}), variables: input.variables };
  return target.kind === "workflow"
    ? { type: "DEFINITION", definitionId: target.id, input: runInput, options }
    : { type: "TEMPLATE", templateId: target.id, input: runInput, options };
}

/** The run's breakpoints (`interrupt_before`/`interrupt_after`: node ids or "*"), as execution options. */
function breakpointsOfRun(body: RunKwargs): { interruptBefore?: BreakpointList; interruptAfter?: BreakpointList } {
  const list = (v: RunKwargs["interrupt_before"]) => (v === "*" || (Array.isArray(v) && v.length > 0) ? v : undefined);
  const before = list(body.interrupt_before);
  const after = list(body.interrupt_after);
  return { ...(before ? { interruptBefore: before } : {}), ...(after ? { interruptAfter: after } : {}) };
}

/** `command.goto` as node ids (LangGraph's Send objects are not supported: a goto names nodes). */
function gotoOf(body: RunKwargs): string[] | undefined {
  const goto = body.command?.goto;
  if (goto === undefined || goto === null) return undefined;
  const list = Array.isArray(goto) ? goto : [goto];
  if (list.length === 0 || list.some((g) => typeof g !== "string" || g === ""))
    throw invalidInput("command.goto", "must be a node id or a list of node ids (Send is not supported by Lattice)");
  return list as string[];
}

/** The Command's parts a continued run takes (resume, update, goto), checked before a run row is written. */
function commandOf(body: RunKwargs) {
  const command = body.command;
  if (!command) return undefined;
  const goto = gotoOf(body);
  const hasUpdate = command.update !== undefined && command.update !== null;
  if (hasUpdate) parseStateUpdate(command.update, "command.update");
  if (command.resume === undefined && !hasUpdate && !goto)
    throw invalidInput("command", "needs resume, update or goto");
  return {
    answer: command.resume as boolean | string | { approved?: boolean; text?: string } | undefined,
    ...(hasUpdate ? { update: command.update } : {}),
    ...(goto ? { goto } : {}),
  };
}

/** Refuses what Lattice cannot do, and names the node ids the run's workflow lacks, before a run row is written. */
function checkSupported(body: RunKwargs, target?: AssistantTarget): void {
  commandOf(body);
  if (body.command && body.input !== undefined && body.input !== null)
    throw invalidInput("input", "give input or command, not both");
  if (!target) return;
  const graph = graphOfTarget(target) as { nodes: Array<{ id: string }> };
  const { interruptBefore, interruptAfter } = breakpointsOfRun(body);
  if (interruptBefore !== "*") checkNodeIds(graph, interruptBefore, "interrupt_before");
  if (interruptAfter !== "*") checkNodeIds(graph, interruptAfter, "interrupt_after");
  checkNodeIds(graph, gotoOf(body), "command.goto");
}

// ---------------------------------------------------------------------------------------------------------
// Starting and finishing
// ---------------------------------------------------------------------------------------------------------

/** Runs this process drains, by run id: resolves when the run has ended. */
const draining = new Map<string, Promise<void>>();

function checkpointIdOf(body: RunKwargs): string | undefined {
  return body.checkpoint_id ?? (recordOf(body.checkpoint).checkpoint_id as string | undefined) ?? undefined;
}

/** Starts the run's engine call; resolves with its events once it has started (its row exists). */
async function startEngine(run: LanggraphRun, thread: LanggraphThread, user: Pick<AuthUser, "id" | "via">) {
  const body = kwargsOf(run);
  const userId = user.id;
  const command = commandOf(body);
  const noInput = body.input === undefined || body.input === null;
  const asked = checkpointIdOf(body);
  // The thread's head, when the run may start from it: a checkpoint was named, or no input was given.
  const head = asked || noInput ? await currentState(thread) : undefined;
  // A checkpoint that is the thread's head is where a run starts anyway (useStream sends it with its input).
  const atHead = !asked || asked === head?.checkpoint.checkpoint_id;
  // A command, or no input on a thread whose run is paused: that run continues (LangGraph's input null
  // after a breakpoint), with this run's own breakpoints.
  if (command || (noInput && atHead && (await pausedRun(thread)))) {
    if (!thread.lastExecutionId)
      throw new AppError("conflict:langgraph_resume", "The thread has no paused run to resume");
    const { answer, ...rest } = command ?? {};
    const outcome = await resumeRun({
      userId,
      executionId: thread.lastExecutionId,
      answer,
      stream: true,
      command: { ...rest, breakpoints: breakpointsOfRun(body) },
    });
    return outcome.kind === "stream" ? outcome.events : undefined;
  }
  // No input at a head with nodes next (a state written after its run ended, a step that failed): a new
  // execution runs on from it, as LangGraph continues a thread.
  const checkpointId = !atHead
    ? asked
    : noInput && head?.next.length
      ? (head.checkpoint.checkpoint_id ?? undefined)
      : undefined;
  if (checkpointId) {
    if (body.input !== undefined && body.input !== null)
      throw invalidInput(
        "input",
        "a run from a checkpoint continues it: send input null (change the state first with POST /threads/{id}/state)",
      );
    const found = await findCheckpoint(await threadExecutions(thread), checkpointId, userId);
    if (!found) throw notFound(`Checkpoint '${checkpointId}'`);
    const outcome = await rerunExecution({
      userId,
      executionId: found.executionId,
      stream: true,
      fromStep: { checkpointId },
    });
    return outcome.kind === "stream" ? outcome.events : undefined;
  }
  const target = await resolveAssistant(userId, run.assistantId);
  const request = withCallerTrigger({ via: user.via }, requestOf(target, thread, readInput(body.input), body));
  const outcome = await startRun({ userId, request, stream: true });
  return outcome.kind === "stream" ? outcome.events : undefined;
}

function errorOf(error: unknown): { error: string; message: string } {
  if (isAppError(error)) return { error: error.code, message: error.message };
  return { error: "internal", message: "The run could not start." };
}

/**
 * Starts a run now: the engine call, then its row names the execution and the thread is busy; the rest of
 * its events are read here (so the run goes on whoever reads its stream) and its end recorded.
 */
export async function launchRun(run: LanggraphRun, user: Pick<AuthUser, "id" | "via">): Promise<LanggraphRun> {
  const thread = await requireThread(user.id, run.threadId);
  let events: AsyncIterable<ExecutionEvent> | undefined;
  try {
    events = await startEngine(run, thread, user);
    if (!events) throw new AppError("internal:langgraph_run", "The run did not stream.");
  } catch (error) {
    await updateRun(
      { id: run.id, ownerId: user.id },
      { status: "error", kwargs: { ...kwargsOf(run), _error: errorOf(error) } },
    );
    await startNextQueued(user, run.threadId);
    throw error;
  }
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new AppError("internal:langgraph_run", "The run ended before it started.");
  const executionId = first.value.executionId;
  const started =
    (await updateRun(
      { id: run.id, ownerId: user.id },
      { executionId, startSeq: first.value.seq - 1, status: "running" },
    )) ?? run;
  await updateThread(
    { id: thread.id, ownerId: user.id },
    { status: "busy", lastExecutionId: executionId, stateUpdatedAt: new Date(), error: null },
  );
  const done = (async () => {
    let last: ExecutionEvent = first.value;
    try {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) last = step.value;
    } catch (error) {
      console.error("[langgraph-api] a run's stream failed", error);
    }
    await finishRun(started, user, last);
  })();
  draining.set(run.id, done);
  void done.finally(() => draining.delete(run.id));
  return started;
}

async function finishRun(run: LanggraphRun, user: Pick<AuthUser, "id" | "via">, last: ExecutionEvent): Promise<void> {
  const result = isTerminalEvent(last) ? (last.data as ExecutionResult) : undefined;
  const status: RunStatus =
    !result || result.status === "failed"
      ? result?.error?.code?.startsWith("budget:time")
        ? "timeout"
        : "error"
      : result.status === "cancelled"
        ? "interrupted"
        : "success";
  try {
    const current = await getRun({ id: run.id, ownerId: user.id });
    if (current && !ENDED.has(current.status)) await updateRun({ id: run.id, ownerId: user.id }, { status });
    const thread = await getThread({ id: run.threadId, ownerId: user.id });
    if (thread) {
      const rolledBack = !current;
      const threadStatus = result?.status === "paused" ? "interrupted" : status === "error" ? "error" : "idle";
      if (thread.temporary && kwargsOf(run).on_completion !== "keep") {
        // A stateless run's thread goes once its caller has had time to read the output (it is never listed).
        setTimeout(
          () => void deleteThread({ id: thread.id, ownerId: user.id }).catch(() => {}),
          TEMPORARY_THREAD_MS,
        ).unref();
      }
      await updateThread(
        { id: thread.id, ownerId: user.id },
        {
          status: threadStatus,
          stateUpdatedAt: new Date(),
          error: status === "error" ? (result?.error?.message ?? "The run failed.") : null,
          ...(result?.conversationId && !rolledBack ? { conversationId: result.conversationId } : {}),
        },
      );
    }
  } catch (error) {
    console.error("[langgraph-api] could not record a run's end", error);
  }
  await startNextQueued(user, run.threadId);
}

/** The thread's oldest waiting run, started once nothing else of the thread runs. */
async function startNextQueued(user: Pick<AuthUser, "id" | "via">, threadId: string): Promise<void> {
  try {
    const inflight = await inflightRuns(user.id, threadId);
    if (inflight.some((r) => r.status === "running")) return;
    const next = inflight.find((r) => r.status === "pending" && !draining.has(r.id));
    if (!next) return;
    const via = kwargsOf(next)._via ?? user.via;
    await launchRun(next, { id: user.id, via }).catch(() => {});
  } catch (error) {
    console.error("[langgraph-api] could not start a queued run", error);
  }
}

/** Waits until the run has ended (polling its row: the run may be drained by another instance). */
export async function waitForEnd(ownerId: string, runId: string, signal?: AbortSignal): Promise<LanggraphRun | null> {
  for (let polls = 0; ; polls += 1) {
    const local = draining.get(runId);
    if (local) await local;
    let run = await getRun({ id: runId, ownerId });
    if (run && !ENDED.has(run.status) && polls % 20 === 19) run = await reconcileRun(run);
    if (!run || ENDED.has(run.status)) return run;
    if (signal?.aborted) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const RUN_STATUS_OF_EXECUTION: Record<string, RunStatus> = {
  completed: "success",
  paused: "success",
  failed: "error",
  cancelled: "interrupted",
  interrupted: "interrupted",
};

/**
 * A run still marked running whose execution has ended with no process reading it (the process that
 * started it died; the sweeper marked the execution interrupted): recorded as its execution ended, so the
 * thread is not busy forever. A run some process still reads is left to that process.
 */
export async function reconcileRun(run: LanggraphRun): Promise<LanggraphRun> {
  if (run.status !== "running" || !run.executionId || draining.has(run.id)) return run;
  const execution = await getExecutionStatus({ executionId: run.executionId, ownerId: run.ownerId });
  const status = execution ? RUN_STATUS_OF_EXECUTION[execution.status] : "error";
  if (!status) return run;
  // Give the process that reads it (maybe on another instance) a moment to record the end itself.
  const endedAt = execution?.completedAt?.getTime() ?? 0;
  if (execution && Date.now() - endedAt < 5_000) return run;
  const updated = (await updateRun({ id: run.id, ownerId: run.ownerId }, { status })) ?? run;
  await updateThread(
    { id: run.threadId, ownerId: run.ownerId },
    { status: execution?.status === "paused" ? "interrupted" : status === "error" ? "error" : "idle" },
  );
  return updated;
}

/** The thread's runs that have not ended, once any left running by a dead process are reconciled. */
async function inflightRuns(ownerId: string, threadId: string): Promise<LanggraphRun[]> {
  const runs = await listInflightRuns({ ownerId, threadId });
  const checked = await Promise.all(runs.map((run) => reconcileRun(run)));
  return checked.filter((run) => !ENDED.has(run.status));
}

async function stopInflight(
  user: Pick<AuthUser, "id" | "via">,
  runs: LanggraphRun[],
  action: "interrupt" | "rollback",
) {
  for (const run of runs) await cancelLgRun(user.id, run, action);
  for (const run of runs) await waitForEnd(user.id, run.id, AbortSignal.timeout(15_000));
}

/** Cancels a run: its execution is cancelled (it ends `cancelled`); `rollback` also forgets the run. */
export async function cancelLgRun(ownerId: string, run: LanggraphRun, action: "interrupt" | "rollback") {
  if (run.executionId && !ENDED.has(run.status)) {
    const status = await getExecutionStatus({ executionId: run.executionId, ownerId });
    if (status && (status.status === "running" || status.status === "pending" || status.status === "paused"))
      await cancelRun({ userId: ownerId, executionId: run.executionId }).catch(() => {});
  }
  if (!ENDED.has(run.status)) await updateRun({ id: run.id, ownerId }, { status: "interrupted" });
  if (action === "rollback") await deleteRun({ id: run.id, ownerId, threadId: run.threadId });
}

/** Whether the thread's last execution is paused (a human node or a breakpoint waits). */
async function pausedRun(thread: LanggraphThread): Promise<boolean> {
  if (!thread.lastExecutionId || thread.status !== "interrupted") return false;
  const status = await getExecutionStatus({ executionId: thread.lastExecutionId, ownerId: thread.ownerId });
  return status?.status === "paused";
}

/** What a resume or a run from a checkpoint needs of the thread, checked before a run row is written. */
async function checkStartable(ownerId: string, thread: LanggraphThread, body: RunKwargs): Promise<void> {
  if (body.command) {
    const status = thread.lastExecutionId
      ? await getExecutionStatus({ executionId: thread.lastExecutionId, ownerId })
      : null;
    if (status?.status !== "paused")
      throw new AppError("conflict:langgraph_resume", "The thread has no paused run to resume");
  }
  const asked = checkpointIdOf(body);
  if (asked && !(await findCheckpoint(await threadExecutions(thread), asked, ownerId)))
    throw notFound(`Checkpoint '${asked}'`);
}

/**
 * Creates a run on a thread (a new temporary one for a stateless run) and starts it, or queues it behind
 * the thread's run (enqueue). Refusals (unknown assistant, bad input, a busy thread) come before any row.
 */
export async function createLgRun(
  user: AuthUser,
  threadId: string | null,
  body: RunCreate,
): Promise<{ run: LanggraphRun; thread: LanggraphThread }> {
  checkSupported(body);
  if (!body.command) readInput(body.input);
  optionsOf(body);
  const target = await resolveAssistant(user.id, body.assistant_id);
  checkSupported(body, target);
  let thread: LanggraphThread;
  if (threadId === null) thread = await createThread(user.id, {}, { temporary: true });
  else {
    const found = await getThread({ id: threadId, ownerId: user.id });
    if (found) thread = found;
    else if (body.if_not_exists === "create") thread = await createThread(user.id, { thread_id: threadId });
    else throw notFound(`Thread '${threadId}'`);
  }
  await checkStartable(user.id, thread, body);
  const strategy = body.multitask_strategy ?? "reject";
  const inflight = await inflightRuns(user.id, thread.id);
  if (inflight.length > 0 && strategy === "reject")
    throw new AppError(
      "conflict:langgraph_thread_busy",
      "Thread is already running a task. Wait for it to finish or choose a different multitask strategy.",
    );
  // As LangGraph's server does: a thread names the assistant and graph it ran (chat UIs list threads by them).
  const metadata = recordOf(thread.metadata);
  const assistant = assistantOf(target);
  if (metadata.assistant_id !== assistant.assistant_id || metadata.graph_id !== assistant.graph_id)
    thread =
      (await updateThread(
        { id: thread.id, ownerId: user.id },
        { metadata: { ...metadata, assistant_id: assistant.assistant_id, graph_id: assistant.graph_id } },
      )) ?? thread;
  const { assistant_id, ...kwargs } = body;
  const run = await insertRun({
    ownerId: user.id,
    threadId: thread.id,
    assistantId: assistant_id,
    status: "pending",
    metadata: body.metadata ?? {},
    multitaskStrategy: strategy,
    kwargs: { ...kwargs, _via: user.via },
  });
  if (inflight.length > 0 && strategy === "enqueue") return { run, thread };
  if (inflight.length > 0) await stopInflight(user, inflight, strategy === "rollback" ? "rollback" : "interrupt");
  return { run: await launchRun(run, user), thread };
}

// ---------------------------------------------------------------------------------------------------------
// Reading a run: its frames, its end, its output
// ---------------------------------------------------------------------------------------------------------

function modesOf(run: LanggraphRun, override?: string[]): Set<string> {
  const asked = override?.length ? override : kwargsOf(run).stream_mode;
  const list = Array.isArray(asked) ? asked : asked ? [asked] : ["values"];
  return new Set(list.length ? list : ["values"]);
}

/** The state a run ended with (values, with `__interrupt__` when it paused). */
export async function finalValues(ownerId: string, threadId: string, executionId: string) {
  const tuple = await latestTuple(executionId, ownerId);
  if (!tuple) return {};
  const state = toThreadState(threadId, executionId, tuple);
  return state.interrupts.length ? { ...state.values, __interrupt__: state.interrupts } : state.values;
}

/**
 * The state at each step of a run for the `values` mode: as a node starts, the latest checkpoint written
 * before it (runs keep one per step), once per checkpoint — the same answer whenever the stream is read.
 */
class StepValues {
  private tuples: Awaited<ReturnType<typeof executionTuples>> = [];
  private lastId: string | undefined;

  constructor(
    private readonly ownerId: string,
    private readonly executionId: string,
  ) {}

  async valuesBefore(at: string): Promise<Record<string, unknown> | undefined> {
    const find = () => this.tuples.find((t) => (t.checkpoint.ts ?? "") <= at);
    let tuple = find();
    if (!tuple || this.tuples[0] === tuple) {
      this.tuples = await executionTuples(this.executionId, this.ownerId);
      tuple = find();
    }
    if (!tuple || tuple.checkpoint.id === this.lastId) return undefined;
    this.lastId = tuple.checkpoint.id;
    return toThreadState("", this.executionId, tuple).values;
  }
}

/** Waits until a queued run has an execution (or has ended without one). */
async function untilStarted(ownerId: string, runId: string, signal: AbortSignal): Promise<LanggraphRun | null> {
  for (;;) {
    const run = await getRun({ id: runId, ownerId });
    if (!run || run.executionId || ENDED.has(run.status) || signal.aborted) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The run's LangGraph events: `metadata` first (unless resuming), then the frames of its execution's
 * events after `start_seq` — stored ones, then live — past `lastEventId`, then `values` at the end,
 * and `end` (or `error`).
 */
export async function* runFrames({
  ownerId,
  runId,
  lastEventId,
  signal,
  streamMode,
}: {
  ownerId: string;
  runId: string;
  lastEventId?: string | null;
  signal: AbortSignal;
  streamMode?: string[];
}): AsyncGenerator<LgFrame> {
  const after = parseFrameId(lastEventId);
  const initial = await getRun({ id: runId, ownerId });
  if (!initial) return;
  if (!after) yield { event: "metadata", data: { run_id: runId, attempt: 1 } };
  const run = await untilStarted(ownerId, runId, signal);
  if (!run || signal.aborted) return;
  if (!run.executionId) {
    const error = kwargsOf(run)._error ?? { error: "interrupted", message: "The run was cancelled before it started." };
    yield { event: "error", data: error, id: "0-1" };
    return;
  }
  const executionId = run.executionId;
  const modes = modesOf(run, streamMode);
  const mapper = new FrameMapper({ runId, threadId: run.threadId, executionId, modes });
  const steps = new StepValues(ownerId, executionId);
  // stream_subgraphs: the child runs' events too, under their namespaces (subgraphs.ts).
  const children = new ChildFrames({ ownerId, runId, threadId: run.threadId, modes });
  const source = { ownerId, executionId, afterSeq: run.startSeq, signal };
  let last: ExecutionEvent | undefined;
  for await (const { path, event } of runEvents(source, { subgraphs: kwargsOf(run).stream_subgraphs === true })) {
    if (path.length) {
      for (const { frame, place } of await children.frames({ path, event }))
        if (isAfterPlace(place, after)) yield { ...frame, id: frameIdOf(place) };
      continue;
    }
    last = event;
    if (isTerminalEvent(event)) break;
    const frames = mapper.frames(event);
    if (event.type === "node_started" && modes.has("values")) {
      const values = await steps.valuesBefore(event.at);
      if (values) frames.push({ event: "values", data: values });
    }
    for (const [k, frame] of frames.entries())
      if (isAfter(event.seq, k, after)) yield { ...frame, id: `${event.seq}-${k}` };
  }
  if (signal.aborted || !last) return;
  // The stream ends once the run's end is recorded (its status, the thread's), as LangGraph's does.
  await waitForEnd(ownerId, runId, AbortSignal.any([signal, AbortSignal.timeout(10_000)]));
  const seq = last.seq;
  const result = isTerminalEvent(last) ? (last.data as ExecutionResult) : undefined;
  if (result?.status === "failed") {
    if (isAfter(seq, 0, after))
      yield {
        event: "error",
        data: { error: result.error?.code ?? "error", message: result.error?.message ?? "The run failed." },
        id: `${seq}-0`,
      };
    return;
  }
  if (modes.has("values") && isAfter(seq, 0, after))
    yield { event: "values", data: await finalValues(ownerId, run.threadId, executionId), id: `${seq}-0` };
  if (isAfter(seq, 1, after)) yield { event: "end", data: null, id: `${seq}-1` };
}

/** POST …/runs/wait and GET …/join: the run's final values, or `{ __error__ }` when it failed. */
export async function runOutput(ownerId: string, runId: string, signal?: AbortSignal) {
  const run = await waitForEnd(ownerId, runId, signal);
  if (!run) throw notFound(`Run '${runId}'`);
  if (run.status === "error" && !run.executionId)
    return { __error__: kwargsOf(run)._error ?? { error: "error", message: "The run failed." } };
  if (!run.executionId) return {};
  if (run.status === "error") {
    const status = await getExecutionStatus({ executionId: run.executionId, ownerId });
    return { __error__: { error: "RunFailed", message: status?.errorMessage ?? "The run failed." } };
  }
  return finalValues(ownerId, run.threadId, run.executionId);
}

export async function listLgRuns(
  ownerId: string,
  threadId: string,
  query: { limit: number; offset: number; status?: string | undefined },
) {
  await requireThread(ownerId, threadId);
  return (await listRuns({ ownerId, threadId, ...query })).map(toLgRun);
}

export async function requireRun(ownerId: string, threadId: string, runId: string): Promise<LanggraphRun> {
  const run = await getRun({ id: runId, ownerId, threadId });
  if (!run) throw notFound(`Run '${runId}'`);
  return run;
}

export { visibleValues };
