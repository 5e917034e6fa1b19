/**
 * A run that continues from a checkpoint: a paused run resumed with a person's answer (the same execution),
 * or a new execution re-run from a step of an earlier one (time travel). Both rebuild the run's context from
 * the snapshot its checkpointed state holds.
 */
import "server-only";
import { Command } from "@langchain/langgraph";
import { decodeTime } from "ulid";
import { getChildRunsUsage } from "@/lib/db/queries/analytics";
import { AppError, issuesFromZod } from "@/lib/errors";
import { humanAnswerSchema } from "@/lib/nodes/human/run";
import { ExecutionContext, type ExecutionContextInit } from "./context";
import {
  earlierAttempt,
  type ExecuteOptions,
  loadPausedRun,
  originalRequest,
  type PreparedExecution,
  restoreCheckpointedState,
  type RunSnapshot,
  snapshotOf,
  validDefinition,
} from "./prepared";
import type { ExecutionOptions, ExecutionRequest } from "@/lib/contracts/execution-request";
import { parseStateUpdate } from "@/lib/workflow/state";
import { checkBreakpoints, checkNodeIds } from "./breakpoints";
import type { WorkflowGraph } from "@/lib/workflow/definition";
import { defaultResources } from "./resources";
import { copyStepToThread, loadRunStep } from "./time-travel";
import type { Tracker } from "./tracker";

/**
 * A paused run continued: the same execution, from its checkpoint. At a human node the person's answer is
 * LangGraph's `Command({ resume })`; at a breakpoint (or a state written since the pause) the run goes on
 * from where it stopped, with the answer when one is given (a human node still ahead reads it). A Command's
 * `update` (checked against the workflow state) and `goto` (node ids) go with it.
 */
export async function prepareResume(
  request: ExecutionRequest,
  options: ExecuteOptions,
  tracker: Tracker,
): Promise<PreparedExecution> {
  const { executionId, answer, update, goto, breakpoints } = options.resume!;
  const parsedAnswer = answer === undefined ? undefined : humanAnswerSchema.safeParse(answer);
  if (parsedAnswer && !parsedAnswer.success) {
    throw new AppError("bad_request:answer", "The answer must be true/false, text, or { approved, text }.", {
      issues: issuesFromZod(parsedAnswer.error.issues).map((i) => ({
        ...i,
        path: `answer${i.path === "(body)" ? "" : `.${i.path}`}`,
      })),
    });
  }
  const { snapshot, values, waitsAt } = await loadPausedRun({ executionId, userId: options.userId });
  if (snapshot.request.type !== request.type) {
    throw new AppError("bad_request:resume", "The request does not match the paused run.");
  }
  if (waitsAt === "human" && !parsedAnswer)
    throw new AppError(
      "validation:answer",
      "This run waits at a human node: give its answer (approved for an approval step, text for an input step).",
      { issues: [{ path: "answer", message: "is required at a human node" }] },
    );
  const stateUpdate = update === undefined ? undefined : parseStateUpdate(update, "update");
  const ctx = contextFromSnapshot(snapshot, options.userId, tracker, {
    executionId,
    ...(snapshot.conversationId ? { conversationId: snapshot.conversationId } : {}),
    correlationId: snapshot.correlationId,
    ...(snapshot.parentExecutionId ? { parentExecutionId: snapshot.parentExecutionId } : {}),
    ...(snapshot.outsideConversation ? { outsideConversation: true } : {}),
    seqStart: (await tracker.lastSeq?.(executionId)) ?? 0,
    resumed: true,
    ...(breakpoints ? { options: { ...withoutBreakpoints(snapshot.options), ...breakpoints } } : {}),
  });
  if (goto) checkNodeIds(ctx.definition, goto, "goto");
  if (breakpoints) checkBreakpoints(ctx.definition, breakpoints, "");
  // The execution's totals so far: the result of a resumed run reports the whole execution.
  restoreCheckpointedState(ctx, values);
  // Its child runs before the pause count against its budgets (they are on their own rows).
  const { maxTokens, maxCostUsd } = ctx.options;
  if ((maxTokens !== undefined || maxCostUsd !== undefined) && startsChildRuns(ctx.definition)) {
    ctx.earlierChildUsage = await getChildRunsUsage({
      ownerId: options.userId,
      executionId,
      since: new Date(decodeTime(executionId) - CLOCK_SKEW_MS),
    });
  }
  return {
    ctx,
    // Nothing to hand over: LangGraph continues from the checkpoint (input null).
    graphInput:
      parsedAnswer || stateUpdate || goto
        ? new Command({
            ...(parsedAnswer ? { resume: parsedAnswer.data } : {}),
            ...(stateUpdate ? { update: stateUpdate } : {}),
            ...(goto ? { goto } : {}),
          })
        : null,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * A new execution that continues from a step of an earlier run: the step's checkpoint is copied onto the
 * new execution's thread (variables edited, metadata naming the new run), and the graph continues from it.
 */
export async function prepareFromStep(
  request: ExecutionRequest,
  options: ExecuteOptions,
  tracker: Tracker,
): Promise<PreparedExecution> {
  const { executionId: sourceId, checkpointId, variables } = options.fromCheckpoint!;
  const source = await loadRunStep({ executionId: sourceId, checkpointId, userId: options.userId });
  const snapshot = snapshotOf(source.checkpoint.channel_values as Record<string, unknown>);
  if (snapshot.request.type !== request.type)
    throw new AppError("bad_request:rerun", "The request does not match the run it re-runs.");
  // A chat turn answered again from a step is a re-run of that turn, linked to its conversation but not
  // added to it: the conversation's stored history is never forked (lib/contracts/rerun.ts).
  const chat = snapshot.workflowType === "CHAT" && snapshot.conversationId !== undefined;
  const attempt = options.pending?.retry
    ? await earlierAttempt(options.pending.executionId, options.userId, tracker)
    : undefined;
  const ctx = contextFromSnapshot(snapshot, options.userId, tracker, {
    ...(options.pending ? { executionId: options.pending.executionId } : {}),
    ...(attempt?.lastSeq ? { seqStart: attempt.lastSeq } : {}),
    ...(options.correlationId ? { correlationId: options.correlationId } : {}),
    parentExecutionId: sourceId,
    trigger: { type: "rerun", id: sourceId },
    ...(chat ? { conversationId: snapshot.conversationId, outsideConversation: true } : {}),
  });
  const signal = options.signal ? { signal: options.signal } : {};
  if (attempt?.values) {
    // A retried attempt: the thread already holds the copied step and what the earlier attempt did after it.
    restoreCheckpointedState(ctx, attempt.values);
    return { ctx, graphInput: null, existingThread: true, ...signal };
  }
  const run: RunSnapshot = {
    ...snapshot,
    correlationId: ctx.correlationId,
    parentExecutionId: sourceId,
    ...(chat ? { outsideConversation: true } : {}),
  };
  await copyStepToThread({
    source,
    threadId: ctx.threadId,
    ...(variables ? { variables } : {}),
    metadata: (current) => ({ ...current, executionId: ctx.executionId, run }),
  });
  return { ctx, graphInput: null, existingThread: true, ...signal };
}

/** Allowance between the clock that dated an execution's id and the database's. */
const CLOCK_SKEW_MS = 60_000;

/** The graph can start child runs: a subworkflow node, or a tools node offering run_workflow. */
function startsChildRuns(definition: WorkflowGraph): boolean {
  return definition.nodes.some(
    (node) =>
      node.type === "subworkflow" || (node.type === "tools" && toolsOf(node.data.config).includes("run_workflow")),
  );
}

/** The context of a run rebuilt from its snapshot (the definition validated again), with what differs. */
function contextFromSnapshot(
  snapshot: RunSnapshot,
  userId: string,
  tracker: Tracker,
  overrides: Partial<ExecutionContextInit>,
): ExecutionContext {
  return new ExecutionContext({
    userId,
    request: originalRequest(snapshot),
    workflowType: snapshot.workflowType,
    definition: validDefinition(snapshot.definition, userId, snapshot.depth, snapshot.sourceDefinitionId),
    input: snapshot.input,
    workflowId: snapshot.workflowId,
    sourceDefinitionId: snapshot.sourceDefinitionId,
    sourceTemplateId: snapshot.sourceTemplateId,
    definitionVersion: snapshot.definitionVersion,
    depth: snapshot.depth,
    options: snapshot.options,
    resources: defaultResources,
    tracker,
    ...overrides,
  });
}

function withoutBreakpoints({ interruptBefore: _before, interruptAfter: _after, ...rest }: ExecutionOptions) {
  return rest;
}

function toolsOf(config: unknown): unknown[] {
  const tools = (config as { tools?: unknown } | undefined)?.tools;
  return Array.isArray(tools) ? tools : [];
}
