/**
 * Executions as the API sees them: starting runs through the one engine path (with the per-user limits),
 * resuming and re-running them, and the read side — a filtered, cursor-paginated list and one run's record
 * with its history and a summary of its events. Rows are written by the tracker only.
 */
import "server-only";
import type { AuthUser } from "@/lib/auth/types";
import { getConversation } from "@/lib/db/queries/conversations";
import {
  getExecution,
  listExecutions,
  summarizeExecutionEvents,
  type ExecutionListRow,
} from "@/lib/db/queries/execution-list";
import type { WorkflowExecution } from "@/lib/db/schema";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { execute, type ResumeRequest, type RunEventStream, rerunFromStep, resumeExecution } from "@/lib/engine/execute";
import { updateRunState } from "@/lib/engine/update-state";
import { listRunSteps, runHasSteps } from "@/lib/engine/time-travel";
import { noStepsMessage } from "@/lib/contracts/rerun";
import type { ExecutionRequest } from "@/lib/contracts/execution-request";
import { historyEntrySchema, toApiResponse, type ExecutionResult } from "@/lib/contracts/execution-result";
import { AppError } from "@/lib/errors";
import { cancelExecution } from "@/lib/tracking/cancel";
import { asRunStatus, asWorkflowType, runFieldsOf } from "@/lib/tracking/records";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { graphSchema } from "@/lib/workflow/definition";
import { z } from "zod";
import { isId } from "@/lib/contracts/common";
import type {
  ExecutionDetail,
  ExecutionListQuery,
  ExecutionRecordStatus,
  ExecutionResultResponse,
  ExecutionStep,
  ExecutionSummary,
  RerunExecutionBody,
} from "@/lib/contracts/executions";
import { enqueueRun, type QueuedRun } from "@/lib/services/enqueue";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";
import { admitRun, runLimitSettings, type PendingRunDescription } from "./run-limits";
import { keepRunningWhenClientLeaves } from "./detached-events";
import { toMessage } from "./conversations";
import type { MessageDto } from "@/lib/contracts/conversations";

export function executionNotFound(): AppError {
  return new AppError("not_found:execution", "No such execution.");
}

// ---------------------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------------------

function recordOrNull(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function toExecutionSummary(row: ExecutionListRow): ExecutionSummary {
  return {
    id: row.id,
    ...runFieldsOf(row),
    usage: { inputTokens: row.inputTokens, outputTokens: row.outputTokens, totalTokens: row.tokensUsed },
    cost: Number(row.cost),
    errorMessage: row.errorMessage,
    createdAt: row.createdAt.toISOString(),
  };
}

const storedHistorySchema = z.array(historyEntrySchema).catch([]);
const storedUsageSchema = z
  .record(z.string(), z.object({ inputTokens: z.number(), outputTokens: z.number() }))
  .nullable()
  .catch(null);
const storedGraphSchema = graphSchema.partial().nullable().catch(null);

function toExecutionDetail(row: WorkflowExecution, events: ExecutionDetail["events"]): ExecutionDetail {
  const config = recordOrNull(row.workflowConfig);
  return {
    ...toExecutionSummary(row),
    input: recordOrNull(row.inputData),
    output: recordOrNull(row.outputData),
    history: storedHistorySchema.parse(row.executionLog ?? []),
    definition: storedGraphSchema.parse(config?.definition ?? null),
    usageByModel: storedUsageSchema.parse(row.usageByModel ?? null),
    correlationId: row.correlationId,
    events,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!isId(id)) {
    throw new AppError("validation:query", "The cursor is not one this API returned.", {
      issues: [{ path: "cursor", message: "is not a cursor this API returned" }],
    });
  }
  return id;
}

export async function listExecutionsPage({
  ownerId,
  query,
}: {
  ownerId: string;
  query: ExecutionListQuery;
}): Promise<{ executions: ExecutionSummary[]; nextCursor: string | null }> {
  const { rows, hasMore } = await listExecutions({
    ownerId,
    filters: {
      ...(query.status ? { statuses: query.status } : {}),
      ...(query.type ? { workflowType: query.type } : {}),
      ...(query.trigger ? { triggerType: query.trigger } : {}),
      ...(query.triggerId ? { triggerId: query.triggerId } : {}),
      ...(query.workflowId ? { definitionId: query.workflowId } : {}),
      ...(query.templateId ? { templateId: query.templateId } : {}),
      ...(query.conversationId ? { conversationId: query.conversationId } : {}),
      ...(query.model ? { model: query.model } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
    },
    ...(query.cursor ? { cursor: { id: decodeCursor(query.cursor) } } : {}),
    limit: query.limit,
  });
  const last = rows[rows.length - 1];
  return { executions: rows.map(toExecutionSummary), nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

export async function requireExecution({ ownerId, id }: { ownerId: string; id: string }): Promise<WorkflowExecution> {
  const row = await getExecution({ id, ownerId });
  if (!row) throw executionNotFound();
  return row;
}

export async function getExecutionDetail({ ownerId, id }: { ownerId: string; id: string }): Promise<ExecutionDetail> {
  const row = await requireExecution({ ownerId, id });
  const events = await summarizeExecutionEvents({ executionId: id, ownerId });
  return toExecutionDetail(row, events);
}

// ---------------------------------------------------------------------------------------------------------
// Runs: every entry point takes a slot from the per-user limiter and gives it back when the run ends
// ---------------------------------------------------------------------------------------------------------

/** A run as the API hands it back: the JSON result, or the stream of its events. */
export type RunOutcome =
  | { kind: "result"; result: ExecutionResultResponse }
  | {
      kind: "stream";
      events: AsyncIterable<ExecutionEvent>;
      /** A chat run's answer as stored, once its terminal event has been read (see RunEventStream). */
      storedAnswer: () => MessageDto | undefined;
    };

function toOutcome(started: ExecutionResult | RunEventStream, stream: boolean): RunOutcome {
  if (stream) {
    const events = started as RunEventStream;
    return {
      kind: "stream",
      events,
      storedAnswer: () => {
        const row = events.storedAnswer();
        return row ? toMessage(row) : undefined;
      },
    };
  }
  return { kind: "result", result: toApiResponse(started as ExecutionResult) };
}

/**
 * Runs `start` once the shared run limits admit it (lib/services/run-limits.ts): a new run gets its row
 * now (`pending`, the id passed to `start`), counted by every instance; a run that fails to start leaves
 * none (the engine has started a run by the time it hands its events over).
 */
async function withPermit(
  userId: string,
  stream: boolean,
  start: (stream: boolean, pending: { executionId: string } | undefined) => Promise<ExecutionResult | RunEventStream>,
  run?: PendingRunDescription,
): Promise<RunOutcome> {
  const admission = await admitRun({ userId, ...(run ? { run } : {}) });
  try {
    return toOutcome(
      await start(stream, admission.executionId ? { executionId: admission.executionId } : undefined),
      stream,
    );
  } catch (error) {
    await admission.release();
    throw error;
  }
}

/**
 * What a client's request to run is recorded as started by: an API key's `api`; in the app (session) a
 * chat turn's `chat`, anything else `manual`. Clients cannot name a trigger themselves (the route bodies have
 * no such field): schedule, webhook and mcp are set only by the server code that starts those runs.
 */
export function withCallerTrigger(user: Pick<AuthUser, "via">, request: ExecutionRequest): ExecutionRequest {
  const type = user.via === "api_key" ? "api" : request.type === "CHAT" ? "chat" : "manual";
  return { ...request, trigger: { type } };
}

/** Starts a run of `request` (already parsed by the route) as `userId`. */
export async function startRun({
  userId,
  request,
  stream,
  parentExecutionId,
}: {
  userId: string;
  request: ExecutionRequest;
  stream: boolean;
  /** The run this one re-runs. */
  parentExecutionId?: string;
}): Promise<RunOutcome> {
  // The run limits are checked by the statement that starts the run (one round trip for both); over one,
  // `execute` throws the 429 before anything of the run is written.
  assertAcceptingRuns();
  const started = await execute(request, {
    userId,
    stream,
    // API runs are recorded: the database tracker writes the row, the events and the counters.
    tracker: getWorkflowTracker(),
    admission: runLimitSettings(),
    ...(parentExecutionId ? { rerunOf: parentExecutionId } : {}),
  });
  return toOutcome(started, stream);
}

/** Queue mode: puts a run in the job queue (a worker runs it, at `runAt` when scheduled). */
export function queueRun({
  userId,
  request,
  runAt,
}: {
  userId: string;
  request: ExecutionRequest;
  runAt?: Date;
}): Promise<QueuedRun> {
  return enqueueRun({ ownerId: userId, request, ...(runAt ? { runAt } : {}) });
}

/**
 * Continues a paused run: a human node with the person's answer; a breakpoint (or a state written since the
 * pause) with or without one. `command` carries LangGraph's Command update/goto and the continuation's own
 * breakpoints (the LangGraph API's runs).
 */
export async function resumeRun({
  userId,
  executionId,
  answer,
  stream,
  command,
}: {
  userId: string;
  executionId: string;
  answer?: { approved?: boolean; text?: string } | boolean | string | undefined;
  stream: boolean;
  command?: Pick<ResumeRequest, "update" | "goto" | "breakpoints">;
}): Promise<RunOutcome> {
  const row = await requireExecution({ ownerId: userId, id: executionId });
  if (row.status !== "paused") {
    throw new AppError(
      "conflict:execution_not_paused",
      `This run is ${row.status}; only a paused run waits for an answer.`,
    );
  }
  const resume = { userId, executionId, answer, ...command, tracker: getWorkflowTracker() };
  const outcome = await withPermit(userId, stream, (asStream) =>
    asStream ? resumeExecution({ ...resume, stream: true }) : resumeExecution({ ...resume, stream: false }),
  );
  // A chat answered in the conversation goes on as any chat answer does when the connection drops: the
  // client comes back for the rest through the run's events. Other streamed runs stop with their reader.
  if (outcome.kind === "stream" && row.workflowType === "CHAT")
    return { ...outcome, events: keepRunningWhenClientLeaves(outcome.events) };
  return outcome;
}

/**
 * Writes a run's state as a node (LangGraph's updateState; lib/engine/update-state.ts): at its latest
 * checkpoint, or at `checkpointId` (a fork). Not while the run goes (409): its next step would overwrite it.
 */
export async function updateExecutionState({
  userId,
  executionId,
  values,
  asNode,
  checkpointId,
}: {
  userId: string;
  executionId: string;
  values: unknown;
  asNode?: string | undefined;
  checkpointId?: string | undefined;
}): Promise<{ checkpointId: string }> {
  const row = await requireExecution({ ownerId: userId, id: executionId });
  if (row.status === "running" || row.status === "pending")
    throw new AppError(
      "conflict:execution_running",
      `This run is ${row.status}: its state can change once it ends or pauses.`,
    );
  return updateRunState({ userId, executionId, values, asNode, checkpointId });
}

/**
 * The request a past run would be started with again. Saved definitions run the same version again; template
 * runs re-run the instantiated graph they used (its temporary definition, while it is kept); ad-hoc graphs run
 * the stored graph; chat runs send the same message to the same conversation.
 */
async function requestToRerun(row: WorkflowExecution): Promise<ExecutionRequest> {
  const input = recordOrNull(row.inputData) ?? {};
  const config = recordOrNull(row.workflowConfig) ?? {};
  const options = recordOrNull(config.options) ?? undefined;
  const common = {
    input: {
      ...(typeof input.message === "string" ? { message: input.message } : {}),
      ...(recordOrNull(input.variables) ? { variables: recordOrNull(input.variables)! } : {}),
    },
    ...(options ? { options } : {}),
  };

  if (row.workflowType === "CHAT") {
    const message = typeof input.message === "string" ? input.message : "";
    if (!row.conversationId || !message || !(await getConversation({ id: row.conversationId, ownerId: row.ownerId }))) {
      throw new AppError(
        "conflict:execution_rerun",
        "This chat run's conversation no longer exists, so it cannot be re-run.",
      );
    }
    return {
      type: "CHAT",
      conversationId: row.conversationId,
      message,
      ...(options ? { options } : {}),
    } as ExecutionRequest;
  }
  if (row.definitionId && row.definitionVersion !== null) {
    return {
      type: "DEFINITION",
      definitionId: row.definitionId,
      version: row.definitionVersion,
      ...common,
    } as ExecutionRequest;
  }
  const graph = graphSchema.safeParse(config.definition);
  if (!graph.success) {
    throw new AppError(
      "conflict:execution_rerun",
      "The graph this run used is no longer stored, so it cannot be re-run.",
    );
  }
  return { type: "CUSTOM", definition: graph.data, ...common } as ExecutionRequest;
}

/**
 * A run re-run from a step must have kept steps: one that did not is a 409 that says what a re-run can and
 * cannot restore of it (lib/contracts/rerun.ts), before anything is admitted or queued.
 */
async function requireSteps(row: WorkflowExecution): Promise<void> {
  if (await runHasSteps({ executionId: row.id, userId: row.ownerId })) return;
  throw new AppError("conflict:execution_no_steps", noStepsMessage(asWorkflowType(row.workflowType)));
}

/**
 * A new execution with the same request as `executionId`, linked to it by parentExecutionId; with
 * `fromStep`, one that starts at that step of the run with the given variables (time travel) — a chat
 * turn's too: answered again as a re-run of it, its conversation unchanged (lib/contracts/rerun.ts).
 */
export async function rerunExecution({
  userId,
  executionId,
  stream,
  fromStep,
  durability,
}: {
  userId: string;
  executionId: string;
  stream: boolean;
  fromStep?: RerunExecutionBody["fromStep"];
  durability?: RerunExecutionBody["durability"];
}): Promise<RunOutcome> {
  const row = await requireExecution({ ownerId: userId, id: executionId });
  if (fromStep) {
    await requireSteps(row);
    const step = {
      userId,
      executionId: row.id,
      checkpointId: fromStep.checkpointId,
      tracker: getWorkflowTracker(),
      ...(fromStep.variables ? { variables: fromStep.variables } : {}),
    };
    return withPermit(
      userId,
      stream,
      (asStream, pending) => {
        const options = { ...step, ...(pending ? { pending } : {}) };
        return asStream ? rerunFromStep({ ...options, stream: true }) : rerunFromStep({ ...options, stream: false });
      },
      {
        workflowType: asWorkflowType(row.workflowType),
        inputData: row.inputData,
        parentExecutionId: row.id,
        triggerType: "rerun",
        triggerId: row.id,
      },
    );
  }
  const request = await requestToRerun(row);
  const withDurability = durability
    ? ({ ...request, options: { ...request.options, durability } } as ExecutionRequest)
    : request;
  return startRun({ userId, request: withDurability, stream, parentExecutionId: row.id });
}

/** Queue mode: the re-run (from the start, or from a step) goes to the job queue; a worker runs it. */
export async function queueRerun({
  userId,
  executionId,
  fromStep,
  durability,
}: {
  userId: string;
  executionId: string;
  fromStep?: RerunExecutionBody["fromStep"];
  durability?: RerunExecutionBody["durability"];
}): Promise<QueuedRun> {
  const row = await requireExecution({ ownerId: userId, id: executionId });
  if (fromStep) await requireSteps(row);
  const request = await requestToRerun(row);
  const withDurability =
    durability && !fromStep
      ? ({ ...request, options: { ...request.options, durability } } as ExecutionRequest)
      : request;
  return enqueueRun({ ownerId: userId, request: withDurability, rerunOf: row.id, ...(fromStep ? { fromStep } : {}) });
}

/** The steps of one of the user's runs that a time-travel re-run can start from, first to last. */
export async function listExecutionSteps({
  userId,
  executionId,
}: {
  userId: string;
  executionId: string;
}): Promise<ExecutionStep[]> {
  const row = await requireExecution({ ownerId: userId, id: executionId });
  return listRunSteps({ executionId: row.id, userId });
}

/**
 * Cancels one of the user's runs (on whichever instance runs it). A run that already ended is a 409 that
 * says how it ended; a running one answers "running" while its process stops it (it ends `cancelled`).
 */
export async function cancelRun({
  userId,
  executionId,
}: {
  userId: string;
  executionId: string;
}): Promise<{ executionId: string; status: ExecutionRecordStatus }> {
  const outcome = await cancelExecution({ executionId, ownerId: userId });
  if (!outcome.accepted) {
    throw new AppError(
      "conflict:execution_finished",
      `This run already ended (${outcome.status}); there is nothing to cancel.`,
    );
  }
  return { executionId: outcome.executionId, status: asRunStatus(outcome.status) };
}
