/**
 * What a prepared run is, and what every way of preparing one shares: the snapshot a run keeps in its
 * checkpointed state to be resumed or re-run anywhere, the definition validated once, and what an earlier
 * attempt of a pre-created execution left. lib/engine/prepare-request.ts prepares a new run from a request;
 * lib/engine/prepare-resume.ts continues one (a person's answer, or a step of an earlier run).
 */
import "server-only";
import type { Command } from "@langchain/langgraph";
import { INTERRUPT } from "@langchain/langgraph";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { WorkflowState, WorkflowUpdate } from "@/lib/workflow/state";
import type { ValidationResult } from "@/lib/validation";
import { graphSchema, type WorkflowGraph } from "@/lib/workflow/definition";
import { prepareWorkflow } from "./compiled-workflows";
import type { ExecutionContext, RunAdmissionLimits } from "./context";
import {
  executionInputSchema,
  executionOptionsSchema,
  executionRequestSchema,
  type ExecutionOptions,
  type ExecutionRequest,
} from "@/lib/contracts/execution-request";
import { historyEntrySchema } from "@/lib/contracts/execution-result";
import { engineValidationContext } from "./resources";
import { nextNodesOf, ownedCheckpoint } from "./time-travel";
import type { Tracker } from "./tracker";

export interface ExecuteOptions {
  /** The user the run belongs to: every definition, template, conversation and knowledge base it reads is theirs. */
  userId: string;
  /** Return an AsyncIterable of events (the last carries the result) instead of the result. */
  stream?: boolean;
  /** Cancels the run: the model call and every tool stop; the result says "cancelled" with the usage so far. */
  signal?: AbortSignal;
  tracker?: Tracker;
  /** Continue a paused run (a human node: with the person's answer; a breakpoint: with or without one). */
  resume?: ResumeRequest;
  /** Set by the engine itself when a workflow runs another (subworkflow node, run_workflow tool). */
  parent?: {
    executionId: string;
    depth: number;
    correlationId?: string;
    run?: ExecutionContext;
    /** The parent's node that starts this run, and the seq of the parent's last event then. */
    nodeId?: string;
    seq?: number;
  };
  /** A top-level run that re-runs an earlier one (the API's rerun): recorded as its parentExecutionId. */
  rerunOf?: string;
  /**
   * Time travel: a new execution (linked to `executionId` as its parent) that starts from one of that run's
   * step checkpoints, with the state's variables replaced by `variables` when given. See `rerunFromStep`.
   */
  fromCheckpoint?: { executionId: string; checkpointId: string; variables?: Record<string, unknown> };
  correlationId?: string;
  /**
   * The execution row created for this run before it started (status `pending`: a queued run, or one the
   * shared run limits admitted): the run takes its id, and the tracker takes the row over. With `retry`
   * (a queue job run again after its worker died or shut down), the run continues what an earlier attempt
   * left: events number on after the last one stored, the graph continues from the last checkpoint its
   * thread holds (its start, when it kept none), and a chat's user message is not stored twice.
   */
  pending?: { executionId: string; retry?: boolean };
  /**
   * The owner's run limits, checked by the tracker's start in the statement that starts the run: over one,
   * `execute` throws a 429 before anything of the run is written (the API's runs; see lib/services).
   */
  admission?: RunAdmissionLimits;
}

/**
 * How a paused run continues: the answer to the human node it waits at (optional at a breakpoint), and
 * LangGraph's Command fields — state `update` (checked like updateState's values) and `goto` (node ids).
 * `breakpoints` replace the run's own for this continuation (a LangGraph API run names its own); without
 * them the breakpoints the run started with apply again.
 */
export interface ResumeRequest {
  executionId: string;
  answer?: unknown;
  update?: unknown;
  goto?: string[];
  breakpoints?: Pick<ExecutionOptions, "interruptBefore" | "interruptAfter">;
}

/** The invalid graph, with the validator's full result (the API returns `issues`; the editor reads `validation`). */
export class WorkflowValidationError extends AppError {
  constructor(readonly validation: ValidationResult) {
    super("validation:workflow", "The workflow is not valid, so it cannot run.", {
      issues: validation.errors.map((issue) => ({
        path:
          issue.path ??
          (issue.nodeId ? `nodes.${issue.nodeId}` : issue.edgeId ? `edges.${issue.edgeId}` : "(definition)"),
        message: issue.message,
        code: issue.code,
      })),
    });
  }
}

/** What a run needs to be resumed in any process: stored in the checkpointed state (metadata.run). */
export const runSnapshotSchema = z.object({
  request: executionRequestSchema,
  definition: graphSchema,
  workflowType: z.enum(["CHAT", "DEFINITION", "TEMPLATE", "CUSTOM"]),
  workflowId: z.string().optional(),
  sourceDefinitionId: z.string().optional(),
  sourceTemplateId: z.string().optional(),
  definitionVersion: z.number().int().optional(),
  conversationId: z.string().optional(),
  /** A chat turn re-run from a step: its answer is not added to the conversation. */
  outsideConversation: z.boolean().optional(),
  correlationId: z.string(),
  parentExecutionId: z.string().optional(),
  depth: z.number().int().min(0),
  input: executionInputSchema,
  options: executionOptionsSchema,
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

export interface PreparedExecution {
  ctx: ExecutionContext;
  /** null: continue from the checkpoint the thread already holds. */
  graphInput: WorkflowUpdate | Command | null;
  signal?: AbortSignal;
  /** The run's thread already holds a checkpoint to continue from (a time-travel copy). */
  existingThread?: boolean;
}

/** The definition, validated and parsed (once per distinct definition: see compiled-workflows.ts); 422 when invalid. */
export function validDefinition(
  raw: unknown,
  userId: string,
  depth: number,
  definitionId: string | undefined,
): WorkflowGraph {
  const { validation, definition } = prepareWorkflow(
    raw,
    { id: userId },
    engineValidationContext({ depth, definitionId }),
  );
  if (!validation.isValid || !definition) throw new WorkflowValidationError(validation);
  return definition;
}

export function snapshotOf(values: Record<string, unknown>): RunSnapshot {
  const snapshot = runSnapshotSchema.safeParse((values.metadata as { run?: unknown } | undefined)?.run);
  if (!snapshot.success)
    throw new AppError(
      "conflict:execution",
      "This run was started by another version of Lattice and cannot be re-run from a step.",
    );
  return snapshot.data;
}

/**
 * A paused run's checkpointed state, if it exists, is the user's, and has work left: `waitsAt` "human" when
 * a human node's interrupt waits for its answer, "step" when nodes are next with no interrupt pending (a
 * breakpoint, or a state written with updateState since the pause) — continued with or without an answer.
 */
export async function loadPausedRun({ executionId, userId }: { executionId: string; userId: string }) {
  const owned = await ownedCheckpoint({ executionId, userId });
  if (!owned) throw new AppError("not_found:execution", "There is no paused run with this id.");
  const { tuple, values } = owned;
  const human = (tuple.pendingWrites ?? []).some(([, channel]) => channel === INTERRUPT);
  if (!human && nextNodesOf(tuple.checkpoint).length === 0) {
    throw new AppError("conflict:execution", "This run is not waiting for an answer.");
  }
  const snapshot = runSnapshotSchema.safeParse((values.metadata as { run?: unknown } | undefined)?.run);
  if (!snapshot.success)
    throw new AppError(
      "conflict:execution",
      "This run was started by another version of Lattice and cannot be resumed.",
    );
  return { snapshot: snapshot.data, values, waitsAt: human ? ("human" as const) : ("step" as const) };
}

export function originalRequest(snapshot: RunSnapshot): ExecutionRequest {
  return snapshot.request.type === "CUSTOM"
    ? { ...snapshot.request, definition: snapshot.definition }
    : snapshot.request;
}

/** The state, usage and node history a run continues with, from the checkpoint it continues from. */
export function restoreCheckpointedState(ctx: ExecutionContext, values: Record<string, unknown>): void {
  ctx.state = values as WorkflowState;
  ctx.usageByModel = (values.usage_metadata as WorkflowState["usage_metadata"] | undefined) ?? {};
  ctx.history.push(...z.array(historyEntrySchema).catch([]).parse(values.execution_history));
}

/**
 * What an earlier attempt of a pre-created execution left: its last stored event's seq (0: none) and, when
 * it wrote one, the checkpoint to continue from (the owner's only).
 */
export async function earlierAttempt(
  executionId: string,
  userId: string,
  tracker: Tracker,
): Promise<{ lastSeq: number; values?: Record<string, unknown> }> {
  const lastSeq = (await tracker.lastSeq?.(executionId)) ?? 0;
  const owned = await ownedCheckpoint({ executionId, userId });
  return owned ? { lastSeq, values: owned.values } : { lastSeq };
}
