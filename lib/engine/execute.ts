/**
 * The execution engine: `execute(request, options)` is the ONLY function that compiles or runs a workflow.
 * Chat, streaming chat, saved definitions, templates, ad-hoc graphs, subworkflows, the run_workflow tool
 * and resuming a paused run all come through here, along one path of five conversions:
 *
 *   ExecutionRequest (zod) → ExecutionContext → compiled LangGraph graph → ExecutionResult → API response
 *
 * Steps: parse the request → prepare the run (prepare-request.ts loads what it names, owner-scoped, and
 * validates it: an invalid graph is a 422 before anything runs; prepare-resume.ts continues a paused run or
 * re-runs a step) → tracker.start → stream the compiled graph (stream-graph.ts maps its chunks to events)
 * → result → exactly one of tracker.complete / tracker.fail (run.ts).
 */
import "server-only";
import { AppError, isAppError, issuesFromZod } from "@/lib/errors";
import type { ExecutionContext } from "./context";
import { EventQueue, type RunEventStream } from "./event-queue";
import {
  type ExecuteOptions,
  originalRequest,
  type PreparedExecution,
  loadPausedRun,
  type ResumeRequest,
  snapshotOf,
} from "./prepared";
import { prepareRequest } from "./prepare-request";
import { prepareFromStep, prepareResume } from "./prepare-resume";
import { executionRequestSchema, type ExecutionInput } from "@/lib/contracts/execution-request";
import { MAX_WORKFLOW_DEPTH, runLimitSettings } from "./resources";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { beginRun, continueRun } from "./run";
import { loadRunStep } from "./time-travel";
import { InMemoryTracker } from "./tracker";
import { outsideRunnableContext } from "./langchain-context";

export { type ExecuteOptions, type ResumeRequest, WorkflowValidationError } from "./prepared";
export type { RunEventStream } from "./event-queue";

export function execute(request: unknown, options: ExecuteOptions & { stream: true }): Promise<RunEventStream>;
export function execute(request: unknown, options: ExecuteOptions & { stream?: false }): Promise<ExecutionResult>;
export function execute(request: unknown, options: ExecuteOptions): Promise<ExecutionResult | RunEventStream>;
export async function execute(request: unknown, options: ExecuteOptions): Promise<ExecutionResult | RunEventStream> {
  const prepared = await prepareExecution(request, options);
  if (!options.stream)
    return continueRun(
      beginRun(prepared, () => {}),
      runChildWorkflow,
    );
  // A stream starts like a JSON run, then runs at once: events wait in the stream for its reader. It is
  // handed over once the tracker has started the run (a refused or conflicting start is thrown here).
  const events = new EventQueue();
  const run = beginRun(prepared, (event) => events.push(event));
  const running = continueRun(run, runChildWorkflow);
  try {
    await run.started;
  } catch (error) {
    await running.catch(() => {});
    throw error;
  }
  return events.streamOf(run.ctx, running);
}

export interface ResumeOptions extends Omit<ExecuteOptions, "resume" | "parent">, ResumeRequest {}

/**
 * Continues a paused run — a human node with the person's answer, a breakpoint with or without one, with
 * LangGraph's Command update/goto when given — the same path as `execute`, with `resume` set.
 */
export function resumeExecution(options: ResumeOptions & { stream: true }): Promise<RunEventStream>;
export function resumeExecution(options: ResumeOptions & { stream?: false }): Promise<ExecutionResult>;
export async function resumeExecution({
  executionId,
  answer,
  update,
  goto,
  breakpoints,
  ...options
}: ResumeOptions): Promise<ExecutionResult | RunEventStream> {
  const { snapshot } = await loadPausedRun({ executionId, userId: options.userId });
  const resume: ResumeRequest = { executionId, answer, update, goto, breakpoints };
  return execute(originalRequest(snapshot), { ...options, resume });
}

export interface RerunFromStepOptions extends Omit<ExecuteOptions, "resume" | "parent" | "rerunOf" | "fromCheckpoint"> {
  executionId: string;
  checkpointId: string;
  /** The state's variables at that step, as the person edited them (replacing them whole). */
  variables?: Record<string, unknown>;
}

/**
 * Time travel: runs `executionId` again from one of its step checkpoints (lib/engine/time-travel.ts), as a
 * new execution whose parent is the original — the same path as `execute`, with `fromCheckpoint` set.
 */
export function rerunFromStep(options: RerunFromStepOptions & { stream: true }): Promise<RunEventStream>;
export function rerunFromStep(options: RerunFromStepOptions & { stream?: false }): Promise<ExecutionResult>;
export async function rerunFromStep({
  executionId,
  checkpointId,
  variables,
  ...options
}: RerunFromStepOptions): Promise<ExecutionResult | RunEventStream> {
  const source = await loadRunStep({ executionId, checkpointId, userId: options.userId });
  const snapshot = snapshotOf(source.checkpoint.channel_values as Record<string, unknown>);
  return execute(originalRequest(snapshot), {
    ...options,
    fromCheckpoint: { executionId, checkpointId, ...(variables ? { variables } : {}) },
  });
}

/** The request parsed, its depth checked, and the run prepared the way its options ask. */
async function prepareExecution(rawRequest: unknown, options: ExecuteOptions): Promise<PreparedExecution> {
  const parsed = executionRequestSchema.safeParse(rawRequest);
  if (!parsed.success) {
    throw new AppError("bad_request:execution", "The execution request is not valid.", {
      issues: issuesFromZod(parsed.error.issues),
    });
  }
  const request = parsed.data;
  // Without a tracker named, a run is tracked in memory only (tests, the engine's benchmark).
  const tracker = options.tracker ?? new InMemoryTracker();
  const depth = options.parent ? options.parent.depth + 1 : 0;
  if (depth > MAX_WORKFLOW_DEPTH) {
    throw new AppError(
      "bad_request:depth",
      `Workflows may run other workflows at most ${MAX_WORKFLOW_DEPTH} levels deep.`,
    );
  }
  if (options.resume) return prepareResume(request, options, tracker);
  if (options.fromCheckpoint) return prepareFromStep(request, options, tracker);
  return prepareRequest(request, options, tracker, depth);
}

/** How long a child run waits, in all, for the owner's per-minute allowance before its refusal stands. */
const CHILD_ADMISSION_WAIT_MS = 60_000;

/**
 * A subworkflow node or the run_workflow tool: another execution, one level deeper, through `execute`. It
 * counts against its parent's budgets (ExecutionContext.budgetUsage) and starts under the owner's run
 * limits as a child: it takes a per-minute start like any run — waiting for one, up to a minute, rather
 * than failing its parent — and runs in its parent's concurrency slot (never refused for concurrency).
 */
async function runChildWorkflow(
  ctx: ExecutionContext,
  args: { definitionId: string; version?: number; input: ExecutionInput; parentNodeId?: string },
): Promise<ExecutionResult> {
  const request = {
    type: "DEFINITION",
    definitionId: args.definitionId,
    ...(args.version !== undefined ? { version: args.version } : {}),
    input: args.input,
  };
  const options = {
    userId: ctx.userId,
    tracker: ctx.tracker,
    signal: ctx.signal,
    parent: {
      executionId: ctx.executionId,
      depth: ctx.depth,
      correlationId: ctx.correlationId,
      run: ctx,
      ...(args.parentNodeId ? { nodeId: args.parentNodeId } : {}),
      seq: ctx.lastSeq,
    },
    admission: { ...runLimitSettings(), child: true },
  };
  const waitUntil = Date.now() + CHILD_ADMISSION_WAIT_MS;
  for (;;) {
    try {
      return await outsideRunnableContext(() => execute(request, options));
    } catch (error) {
      const waitMs = isAppError(error) && error.code === "rate_limit:runs" ? retryAfterMs(error) : undefined;
      if (waitMs === undefined || Date.now() + waitMs > waitUntil) throw error;
      await abortableSleep(waitMs, ctx.signal);
    }
  }
}

function retryAfterMs(error: AppError): number {
  return Math.max(100, (error.options.retryAfterSeconds ?? 1) * 1000);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
