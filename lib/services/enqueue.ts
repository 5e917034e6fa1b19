/**
 * Enqueueing a run (queue mode): what the request names is checked now (owner-scoped: a missing workflow
 * is a 404 and an invalid ad-hoc graph a 422 at the door, not a failed job later), then ONE transaction
 * admits it within the user's shared limits, creates its execution row (`pending`) and inserts its pg-boss
 * job — so there is never a job without its row, nor a row without its job — and, at commit, tells the
 * status feed (every instance's monitor) and wakes idle workers.
 */
import { titleFromMessage } from "@/lib/engine/title";
import "server-only";
import { newId } from "@/lib/ids";
import { deleteConversation } from "@/lib/db/queries/conversation-list";
import { createConversation, getConversation } from "@/lib/db/queries/conversations";
import { getDefinition } from "@/lib/db/queries/definitions";
import { admitExecution, type PendingExecutionRow, type RawExecutor } from "@/lib/db/queries/queue";
import { getTemplate } from "@/lib/db/queries/templates";
import type { Notification } from "@/lib/db/queries/events";
import { WorkflowValidationError } from "@/lib/engine/execute";
import { triggerOf, type ExecutionRequest } from "@/lib/contracts/execution-request";
import { engineValidationContext } from "@/lib/engine/resources";
import { AppError } from "@/lib/errors";
import { refusalError, runLimitSettings } from "@/lib/services/run-limits";
import { getEventBus } from "@/lib/tracking/event-bus";
import { toRunStatusEvent } from "@/lib/tracking/records";
import { validateWorkflow } from "@/lib/validation";
import { getQueueBoss } from "@/lib/queue/boss";
import { jobIdOf, RUN_QUEUE, WAKE_CHANNEL, type RunJob } from "@/lib/queue/job";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";

export interface EnqueueRunArgs {
  ownerId: string;
  request: ExecutionRequest;
  /** Start no earlier than this (a scheduled run); unset or past: as soon as a worker is free. */
  runAt?: Date;
  /** A re-run: the execution it repeats (recorded as the new one's parent). */
  rerunOf?: string;
  /** Time travel: start from this step of `rerunOf`. */
  fromStep?: { checkpointId: string; variables?: Record<string, unknown> };
  /**
   * Run in the same transaction as the row and the job, first: false (another instance claimed this
   * schedule tick) rolls both back, and enqueueRun answers null — so a tick's run exists exactly once.
   */
  claim?: (executor: RawExecutor) => Promise<boolean>;
}

/** A claim lost to another instance: the transaction is rolled back. */
class ClaimLost extends Error {}

export interface QueuedRun {
  executionId: string;
  status: "pending";
  /** When it may start (ISO 8601); null: now. */
  runAt: string | null;
}

/** How far ahead a run may be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The pending row's description of the request, after checking what it names belongs to the owner. A chat
 * without a conversation gets one now, so every attempt of the job answers in the same one.
 */
async function describeRequest(
  ownerId: string,
  request: ExecutionRequest,
): Promise<{ request: ExecutionRequest; row: Omit<PendingExecutionRow, "id">; createdConversationId?: string }> {
  if (request.type === "DEFINITION") {
    const found = await getDefinition({ id: request.definitionId, ownerId, version: request.version });
    if (!found)
      throw new AppError(
        "not_found:definition",
        request.version ? `The workflow has no version ${request.version}.` : "No such workflow.",
      );
    const validation = validateWorkflow(
      { nodes: found.nodes, edges: found.edges, metadata: found.metadata ?? {} },
      { id: ownerId },
      engineValidationContext({ depth: 0, definitionId: found.id }),
    );
    if (!validation.isValid) throw new WorkflowValidationError(validation);
    return {
      request,
      row: {
        workflowType: "DEFINITION",
        inputData: request.input,
        definitionId: found.id,
        definitionVersion: found.version,
      },
    };
  }
  if (request.type === "TEMPLATE") {
    // Its graph depends on the parameters: the worker validates the instantiated graph when it runs.
    if (!(await getTemplate({ id: request.templateId, ownerId })))
      throw new AppError("not_found:template", "No such template.");
    return { request, row: { workflowType: "TEMPLATE", inputData: request.input, templateId: request.templateId } };
  }
  if (request.type === "CUSTOM") {
    const validation = validateWorkflow(request.definition, { id: ownerId }, engineValidationContext({ depth: 0 }));
    if (!validation.isValid) throw new WorkflowValidationError(validation);
    return { request, row: { workflowType: "CUSTOM", inputData: request.input } };
  }
  if (request.workflowId && !(await getDefinition({ id: request.workflowId, ownerId }))) {
    throw new AppError("not_found:definition", "No such workflow.");
  }
  if (request.templateId && !(await getTemplate({ id: request.templateId, ownerId }))) {
    throw new AppError("not_found:template", "No such template.");
  }
  let conversationId = request.conversationId;
  if (conversationId) {
    if (!(await getConversation({ id: conversationId, ownerId })))
      throw new AppError("not_found:conversation", "No such conversation.");
  } else {
    const conversation = await createConversation({
      ownerId,
      title: titleFromMessage(request.message),
      workflowId: request.workflowId ?? null,
      templateId: request.templateId ?? null,
    });
    conversationId = conversation.id;
  }
  return {
    request: { ...request, conversationId },
    row: { workflowType: "CHAT", inputData: { message: request.message }, conversationId },
    ...(request.conversationId ? {} : { createdConversationId: conversationId }),
  };
}

/** A conversation made for a chat that was then not queued holds nothing: it goes. */
async function forgetConversation(ownerId: string, conversationId: string | undefined): Promise<void> {
  if (conversationId) await deleteConversation({ id: conversationId, ownerId }).catch(() => false);
}

/** Puts one run in the queue; answers once its row and job are committed. */
export async function enqueueRun(
  args: EnqueueRunArgs & { claim: NonNullable<EnqueueRunArgs["claim"]> },
): Promise<QueuedRun | null>;
export async function enqueueRun(args: EnqueueRunArgs & { claim?: undefined }): Promise<QueuedRun>;
export async function enqueueRun({
  ownerId,
  request,
  runAt,
  rerunOf,
  fromStep,
  claim,
}: EnqueueRunArgs): Promise<QueuedRun | null> {
  assertAcceptingRuns();
  if (runAt && runAt.getTime() > Date.now() + MAX_SCHEDULE_AHEAD_MS) {
    throw new AppError("bad_request:run_at", "A run can be scheduled at most a year ahead.", {
      issues: [{ path: "runAt", message: "is more than a year ahead" }],
    });
  }
  const scheduled = runAt && runAt.getTime() > Date.now() ? runAt : undefined;
  const described = await describeRequest(ownerId, request);
  const executionId = newId();
  const job: RunJob = {
    executionId,
    ownerId,
    request: described.request as unknown as Record<string, unknown>,
    ...(rerunOf ? { rerunOf } : {}),
    ...(fromStep ? { fromStep } : {}),
    enqueuedAt: new Date().toISOString(),
  };
  const boss = await getQueueBoss();
  const bus = getEventBus();
  const limits = runLimitSettings();
  // The pending row shows what started it while it waits (the run records the same from its request).
  const trigger = rerunOf ? { type: "rerun", id: rerunOf } : triggerOf(request);
  const outcome = await admitExecution({
    ownerId,
    row: {
      id: executionId,
      ...described.row,
      ...(rerunOf ? { parentExecutionId: rerunOf } : {}),
      triggerType: trigger.type,
      triggerId: trigger.id ?? null,
    },
    instanceId: null,
    limits,
    within: async (executor) => {
      if (claim && !(await claim(executor))) throw new ClaimLost();
      const id = await boss.send(RUN_QUEUE, job, {
        id: jobIdOf(executionId),
        db: executor,
        ...(scheduled ? { startAfter: scheduled } : {}),
      });
      // pg-boss inserts nothing when the queue does not exist (or the id is taken): no row without its job.
      if (!id) throw new AppError("internal:queue", "The run could not be queued.");
    },
    notifications: (row): Notification[] => [
      bus.feedNotification(ownerId, toRunStatusEvent(row)),
      { channel: WAKE_CHANNEL, payload: "" },
    ],
  }).catch(async (error: unknown) => {
    await forgetConversation(ownerId, described.createdConversationId);
    if (error instanceof ClaimLost) return null;
    throw error;
  });
  if (outcome === null) return null;
  if (!outcome.admitted) {
    await forgetConversation(ownerId, described.createdConversationId);
    throw refusalError(outcome.refusal, limits);
  }
  // Other instances heard it by NOTIFY at commit; this one's own subscribers hear it here.
  if (outcome.row) bus.publishFeedLocal(ownerId, toRunStatusEvent(outcome.row));
  return { executionId, status: "pending", runAt: scheduled ? scheduled.toISOString() : null };
}
