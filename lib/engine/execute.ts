/**
 * The execution engine: `execute(request, options)` is the ONLY function that compiles or runs a workflow.
 * Chat, streaming chat, saved definitions, templates, ad-hoc graphs, subworkflows, the run_workflow tool
 * and resuming a paused run all come through here, along one path of five conversions:
 *
 *   ExecutionRequest (zod) → ExecutionContext → compiled LangGraph graph → ExecutionResult → API response
 *
 * Steps: parse the request → load what it names (owner-scoped) → validateWorkflow (an invalid graph is a
 * 422 before anything runs) → tracker.start → compile → stream the graph (updates, custom and
 * values modes, mapped to events; checkpoints through our saver, thread = execution id) → result →
 * exactly one of tracker.complete / tracker.fail.
 */
import "server-only";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { Command, GraphRecursionError, INTERRUPT } from "@langchain/langgraph";
import { newId } from "@/lib/ids";
import { z } from "zod";
import { FRESH_THREAD_KEY, getCheckpointSaver, type FreshThreadMark } from "@/lib/db/checkpointer";
import { appendMessage, createConversation, loadChatTurn, type ChatTurn } from "@/lib/db/queries/conversations";
import { createTemporaryDefinition, getDefinition } from "@/lib/db/queries/definitions";
import { getTemplate } from "@/lib/db/queries/templates";
import type { WorkflowTemplate } from "@/lib/db/schema";
import { AppError, isAppError, issuesFromZod } from "@/lib/errors";
import { computeCost } from "@/lib/models";
import { DEFAULT_MODEL, DEFAULT_PROVIDER } from "@/lib/nodes/fields";
import { humanAnswerSchema } from "@/lib/nodes/human/run";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { fillTemplateParams, resolveTemplateParams } from "@/lib/templates/instantiate";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import type { ValidationResult } from "@/lib/validation";
import { graphSchema, type WorkflowGraph } from "@/lib/workflow/definition";
import {
  recursionLimitFor,
  runConfigurable,
  type NodeSignal,
  type WorkflowRuntime,
} from "@/lib/graph/compile-workflow";
import { compiledWorkflow, prepareWorkflow } from "./compiled-workflows";
import "./langchain-context";
import { NodeFailedError } from "@/lib/graph/errors";
import { addUsage, totalUsage, type WorkflowState, type WorkflowUpdate } from "@/lib/graph/state";
import { answerMetadataOf, MESSAGE_STATUS } from "./answer";
import { ExecutionContext, type ChatTurnStart, type RunAdmissionLimits } from "./context";
import type { ExecutionEvent } from "./events";
import {
  executionInputSchema,
  executionOptionsSchema,
  executionRequestSchema,
  type ExecutionInput,
  type ExecutionRequest,
} from "./request";
import {
  historyEntrySchema,
  interruptInfoSchema,
  type ExecutionError,
  type ExecutionResult,
  type ExecutionStatus,
} from "./result";
import { defaultResources, engineValidationContext, MAX_WORKFLOW_DEPTH } from "./resources";
import { copyStepToThread, loadRunStep } from "./time-travel";
import { InMemoryTracker, type Tracker } from "./tracker";

export interface ExecuteOptions {
  /** The user the run belongs to: every definition, template, conversation and knowledge base it reads is theirs. */
  userId: string;
  /** Return an AsyncIterable of events (the last carries the result) instead of the result. */
  stream?: boolean;
  /** Cancels the run: the model call and every tool stop; the result says "cancelled" with the usage so far. */
  signal?: AbortSignal;
  tracker?: Tracker;
  /** Continue a paused run (a human node) with the person's answer. */
  resume?: { executionId: string; answer: unknown };
  /** Set by the engine itself when a workflow runs another (subworkflow node, run_workflow tool). */
  parent?: { executionId: string; depth: number; correlationId?: string };
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

let trackerFactory: () => Tracker = () => new InMemoryTracker();
/** The tracker runs use when the caller names none (the database tracker installs itself here). */
export function setDefaultTracker(factory: () => Tracker): void {
  trackerFactory = factory;
}

export function execute(
  request: unknown,
  options: ExecuteOptions & { stream: true },
): Promise<AsyncIterable<ExecutionEvent>>;
export function execute(request: unknown, options: ExecuteOptions & { stream?: false }): Promise<ExecutionResult>;
export function execute(
  request: unknown,
  options: ExecuteOptions,
): Promise<ExecutionResult | AsyncIterable<ExecutionEvent>>;
export async function execute(
  request: unknown,
  options: ExecuteOptions,
): Promise<ExecutionResult | AsyncIterable<ExecutionEvent>> {
  const prepared = await prepareExecution(request, options);
  if (!options.stream) return continueRun(beginRun(prepared, () => {}));
  // A stream starts like a JSON run, then runs at once: events wait in the stream for its reader. It is
  // handed over once the tracker has started the run (a refused or conflicting start is thrown here).
  const events = new EventQueue();
  const run = beginRun(prepared, (event) => events.push(event));
  const running = continueRun(run);
  try {
    await run.started;
  } catch (error) {
    await running.catch(() => {});
    throw error;
  }
  return events.streamOf(run.ctx, running);
}

export interface ResumeOptions extends Omit<ExecuteOptions, "resume" | "parent"> {
  executionId: string;
  answer: unknown;
}

/** Continues a paused run with a person's answer — the same path as `execute`, with `resume` set. */
export function resumeExecution(options: ResumeOptions & { stream: true }): Promise<AsyncIterable<ExecutionEvent>>;
export function resumeExecution(options: ResumeOptions & { stream?: false }): Promise<ExecutionResult>;
export async function resumeExecution({
  executionId,
  answer,
  ...options
}: ResumeOptions): Promise<ExecutionResult | AsyncIterable<ExecutionEvent>> {
  const { snapshot } = await loadPausedRun({ executionId, userId: options.userId });
  return execute(originalRequest(snapshot), { ...options, resume: { executionId, answer } });
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
export function rerunFromStep(options: RerunFromStepOptions & { stream: true }): Promise<AsyncIterable<ExecutionEvent>>;
export function rerunFromStep(options: RerunFromStepOptions & { stream?: false }): Promise<ExecutionResult>;
export async function rerunFromStep({
  executionId,
  checkpointId,
  variables,
  ...options
}: RerunFromStepOptions): Promise<ExecutionResult | AsyncIterable<ExecutionEvent>> {
  const source = await loadRunStep({ executionId, checkpointId, userId: options.userId });
  const snapshot = snapshotOf(source.checkpoint.channel_values as Record<string, unknown>);
  return execute(originalRequest(snapshot), {
    ...options,
    fromCheckpoint: { executionId, checkpointId, ...(variables ? { variables } : {}) },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Request → ExecutionContext
// ---------------------------------------------------------------------------------------------------------

/** What a run needs to be resumed in any process: stored in the checkpointed state (metadata.run). */
const runSnapshotSchema = z.object({
  request: executionRequestSchema,
  definition: graphSchema,
  workflowType: z.enum(["CHAT", "DEFINITION", "TEMPLATE", "CUSTOM"]),
  workflowId: z.string().optional(),
  sourceDefinitionId: z.string().optional(),
  sourceTemplateId: z.string().optional(),
  definitionVersion: z.number().int().optional(),
  conversationId: z.string().optional(),
  correlationId: z.string(),
  parentExecutionId: z.string().optional(),
  depth: z.number().int().min(0),
  input: executionInputSchema,
  options: executionOptionsSchema,
});
type RunSnapshot = z.infer<typeof runSnapshotSchema>;

interface PreparedExecution {
  ctx: ExecutionContext;
  /** null: continue from the checkpoint the thread already holds. */
  graphInput: WorkflowUpdate | Command | null;
  signal?: AbortSignal;
  /** The run's thread already holds a checkpoint to continue from (a time-travel copy). */
  existingThread?: boolean;
}

interface LoadedWorkflow {
  raw: unknown;
  workflowId?: string;
  sourceDefinitionId?: string;
  sourceTemplateId?: string;
  definitionVersion?: number;
  /** TEMPLATE runs: the instantiated graph is stored as a temporary definition once it has validated. */
  temporaryFrom?: WorkflowTemplate;
}

async function prepareExecution(rawRequest: unknown, options: ExecuteOptions): Promise<PreparedExecution> {
  const parsed = executionRequestSchema.safeParse(rawRequest);
  if (!parsed.success) {
    throw new AppError("bad_request:execution", "The execution request is not valid.", {
      issues: issuesFromZod(parsed.error.issues),
    });
  }
  const request = parsed.data;
  const tracker = options.tracker ?? trackerFactory();
  const depth = options.parent ? options.parent.depth + 1 : 0;
  if (depth > MAX_WORKFLOW_DEPTH) {
    throw new AppError(
      "bad_request:depth",
      `Workflows may run other workflows at most ${MAX_WORKFLOW_DEPTH} levels deep.`,
    );
  }
  if (options.resume) return prepareResume(request, options, tracker);
  if (options.fromCheckpoint) return prepareFromStep(request, options, tracker);

  const ownerId = options.userId;
  let conversationId: string | undefined;
  let newConversation: ChatTurnStart["newConversation"];
  let history: BaseMessage[] = [];
  let summary = "";
  let loaded: LoadedWorkflow;
  let input: ExecutionInput;

  if (request.type === "CHAT") {
    // One statement: the conversation, what answers it, and its memory. A retried attempt's own user
    // message is the input again, not history.
    const turn = await loadChatTurn({
      ownerId,
      ...(request.conversationId ? { conversationId: request.conversationId } : {}),
      ...(request.workflowId ? { workflowId: request.workflowId } : {}),
      ...(request.templateId ? { templateId: request.templateId } : {}),
      fallbackTemplateSlug: UNIVERSAL_CHAT_SLUG,
      ...(options.pending ? { excludeExecutionId: options.pending.executionId } : {}),
      limit: MAX_HISTORY_MESSAGES,
    });
    if (request.conversationId && !turn.conversation)
      throw new AppError("not_found:conversation", "No such conversation.");
    if (!turn.workflow) {
      const named = request.workflowId ?? (request.templateId ? undefined : turn.conversation?.workflowId);
      throw named
        ? new AppError("not_found:definition", "No such workflow.")
        : new AppError("not_found:template", "No such template.");
    }
    loaded =
      turn.workflow.kind === "definition"
        ? loadedDefinition(turn.workflow)
        : loadedTemplate(turn.workflow.template, undefined, false);
    ({ history, summary } = conversationMemory(turn));
    conversationId = turn.conversation?.id;
    if (!conversationId) {
      // Created by the run's start, with its row and the first message (nothing is left if it is refused).
      conversationId = newId();
      newConversation = {
        title: chatTitle(request.message),
        workflowId: request.workflowId ?? null,
        templateId: request.templateId ?? null,
      };
    }
    input = { message: request.message };
  } else if (request.type === "DEFINITION") {
    loaded = await loadDefinition(request.definitionId, request.version, ownerId);
    input = request.input;
  } else if (request.type === "TEMPLATE") {
    loaded = await loadTemplate(request.templateId, request.params, ownerId);
    input = request.input;
  } else {
    loaded = { raw: request.definition };
    input = request.input;
  }

  const definition = validDefinition(loaded.raw, ownerId, depth, loaded.sourceDefinitionId);

  if (loaded.temporaryFrom) {
    const temporary = await createTemporaryDefinition({
      ownerId,
      templateId: loaded.temporaryFrom.id,
      name: loaded.temporaryFrom.name,
      graph: { nodes: definition.nodes, edges: definition.edges, metadata: definition.metadata },
    });
    loaded = {
      ...loaded,
      workflowId: temporary.id,
      sourceDefinitionId: temporary.id,
      definitionVersion: temporary.version,
    };
  }
  const attempt = options.pending?.retry
    ? await earlierAttempt(options.pending.executionId, ownerId, tracker)
    : undefined;
  const ctx = new ExecutionContext({
    ...(options.pending ? { executionId: options.pending.executionId } : {}),
    ...(attempt?.lastSeq ? { seqStart: attempt.lastSeq } : {}),
    userId: ownerId,
    request,
    workflowType: request.type,
    definition,
    input,
    workflowId: loaded.workflowId,
    sourceDefinitionId: loaded.sourceDefinitionId,
    sourceTemplateId: loaded.sourceTemplateId,
    definitionVersion: loaded.definitionVersion,
    conversationId,
    correlationId: options.correlationId ?? options.parent?.correlationId,
    parentExecutionId: options.parent?.executionId ?? options.rerunOf,
    depth,
    options: request.options,
    resources: defaultResources,
    tracker,
    ...(options.admission ? { admission: options.admission } : {}),
    ...(request.type === "CHAT"
      ? {
          chatStart: {
            ...(newConversation ? { newConversation } : {}),
            // An earlier attempt may have stored the person's message (the tracker adds it if it is missing).
            ...(!attempt ? { userMessage: { id: newId(), content: request.message } } : {}),
          },
        }
      : {}),
  });
  const snapshot: RunSnapshot = {
    // A custom request carries its graph, which the snapshot already holds: store it once.
    request: request.type === "CUSTOM" ? { ...request, definition: { nodes: [], edges: [], metadata: {} } } : request,
    definition,
    workflowType: request.type,
    ...(ctx.workflowId ? { workflowId: ctx.workflowId } : {}),
    ...(ctx.sourceDefinitionId ? { sourceDefinitionId: ctx.sourceDefinitionId } : {}),
    ...(ctx.sourceTemplateId ? { sourceTemplateId: ctx.sourceTemplateId } : {}),
    ...(ctx.definitionVersion !== undefined ? { definitionVersion: ctx.definitionVersion } : {}),
    ...(ctx.conversationId ? { conversationId: ctx.conversationId } : {}),
    correlationId: ctx.correlationId,
    ...(ctx.parentExecutionId ? { parentExecutionId: ctx.parentExecutionId } : {}),
    depth,
    input,
    options: ctx.options,
  };
  const graphInput: WorkflowUpdate = {
    messages: input.message ? [...history, new HumanMessage(input.message)] : history,
    user_id: ownerId,
    conversation_id: ctx.conversationId ?? null,
    conversation_summary: summary,
    variables: input.variables ?? {},
    metadata: {
      executionId: ctx.executionId,
      workflowType: request.type,
      ...(ctx.workflowId ? { workflowId: ctx.workflowId } : {}),
      ...(ctx.sourceDefinitionId ? { definitionId: ctx.sourceDefinitionId } : {}),
      ...(ctx.sourceTemplateId ? { templateId: ctx.sourceTemplateId } : {}),
      input,
      depth,
      run: snapshot,
    },
  };
  if (attempt?.values) {
    // A retried attempt continues from the checkpoint the earlier one left (its totals so far included).
    restoreCheckpointedState(ctx, attempt.values);
    return { ctx, graphInput: null, existingThread: true, ...(options.signal ? { signal: options.signal } : {}) };
  }
  return { ctx, graphInput, ...(options.signal ? { signal: options.signal } : {}) };
}

/** The state, usage and node history a run continues with, from the checkpoint it continues from. */
function restoreCheckpointedState(ctx: ExecutionContext, values: Record<string, unknown>): void {
  ctx.state = values as WorkflowState;
  ctx.usageByModel = (values.usage_metadata as WorkflowState["usage_metadata"] | undefined) ?? {};
  ctx.history.push(...z.array(historyEntrySchema).catch([]).parse(values.execution_history));
}

/**
 * What an earlier attempt of a pre-created execution left: its last stored event's seq (0: none) and, when
 * it wrote one, the checkpoint to continue from (the owner's only).
 */
async function earlierAttempt(
  executionId: string,
  userId: string,
  tracker: Tracker,
): Promise<{ lastSeq: number; values?: Record<string, unknown> }> {
  const lastSeq = (await tracker.lastSeq?.(executionId)) ?? 0;
  const tuple = await getCheckpointSaver().getTuple({ configurable: { thread_id: executionId, checkpoint_ns: "" } });
  const values = tuple?.checkpoint.channel_values as Record<string, unknown> | undefined;
  return values && values.user_id === userId ? { lastSeq, values } : { lastSeq };
}

async function prepareResume(
  request: ExecutionRequest,
  options: ExecuteOptions,
  tracker: Tracker,
): Promise<PreparedExecution> {
  const { executionId, answer } = options.resume!;
  const parsedAnswer = humanAnswerSchema.safeParse(answer);
  if (!parsedAnswer.success) {
    throw new AppError("bad_request:answer", "The answer must be true/false, text, or { approved, text }.", {
      issues: issuesFromZod(parsedAnswer.error.issues).map((i) => ({
        ...i,
        path: `answer${i.path === "(body)" ? "" : `.${i.path}`}`,
      })),
    });
  }
  const { snapshot, values } = await loadPausedRun({ executionId, userId: options.userId });
  if (snapshot.request.type !== request.type) {
    throw new AppError("bad_request:resume", "The request does not match the paused run.");
  }
  const definition = validDefinition(snapshot.definition, options.userId, snapshot.depth, snapshot.sourceDefinitionId);

  const ctx = new ExecutionContext({
    executionId,
    userId: options.userId,
    request: originalRequest(snapshot),
    workflowType: snapshot.workflowType,
    definition,
    input: snapshot.input,
    workflowId: snapshot.workflowId,
    sourceDefinitionId: snapshot.sourceDefinitionId,
    sourceTemplateId: snapshot.sourceTemplateId,
    definitionVersion: snapshot.definitionVersion,
    conversationId: snapshot.conversationId,
    correlationId: snapshot.correlationId,
    parentExecutionId: snapshot.parentExecutionId,
    depth: snapshot.depth,
    options: snapshot.options,
    resources: defaultResources,
    tracker,
    seqStart: (await tracker.lastSeq?.(executionId)) ?? 0,
    resumed: true,
  });
  // The execution's totals so far: the result of a resumed run reports the whole execution.
  ctx.state = values as WorkflowState;
  ctx.usageByModel = (values.usage_metadata as WorkflowState["usage_metadata"] | undefined) ?? {};
  ctx.history.push(...z.array(historyEntrySchema).catch([]).parse(values.execution_history));
  return {
    ctx,
    graphInput: new Command({ resume: parsedAnswer.data }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * A new execution that continues from a step of an earlier run: the step's checkpoint is copied onto the
 * new execution's thread (variables edited, metadata naming the new run), and the graph continues from it.
 */
async function prepareFromStep(
  request: ExecutionRequest,
  options: ExecuteOptions,
  tracker: Tracker,
): Promise<PreparedExecution> {
  const { executionId: sourceId, checkpointId, variables } = options.fromCheckpoint!;
  const source = await loadRunStep({ executionId: sourceId, checkpointId, userId: options.userId });
  const snapshot = snapshotOf(source.checkpoint.channel_values as Record<string, unknown>);
  if (snapshot.request.type !== request.type)
    throw new AppError("bad_request:rerun", "The request does not match the run it re-runs.");
  if (snapshot.workflowType === "CHAT") {
    // A chat turn belongs to its conversation's history: replaying half of it would fork the conversation.
    throw new AppError(
      "conflict:execution_rerun",
      "A chat turn re-runs from its start (send the message again), not from a step.",
    );
  }
  const definition = validDefinition(snapshot.definition, options.userId, snapshot.depth, snapshot.sourceDefinitionId);

  const attempt = options.pending?.retry
    ? await earlierAttempt(options.pending.executionId, options.userId, tracker)
    : undefined;
  const ctx = new ExecutionContext({
    ...(options.pending ? { executionId: options.pending.executionId } : {}),
    ...(attempt?.lastSeq ? { seqStart: attempt.lastSeq } : {}),
    userId: options.userId,
    request: originalRequest(snapshot),
    workflowType: snapshot.workflowType,
    definition,
    input: snapshot.input,
    workflowId: snapshot.workflowId,
    sourceDefinitionId: snapshot.sourceDefinitionId,
    sourceTemplateId: snapshot.sourceTemplateId,
    definitionVersion: snapshot.definitionVersion,
    correlationId: options.correlationId,
    parentExecutionId: sourceId,
    depth: snapshot.depth,
    options: snapshot.options,
    resources: defaultResources,
    tracker,
  });
  if (attempt?.values) {
    // A retried attempt: the thread already holds the copied step and what the earlier attempt did after it.
    restoreCheckpointedState(ctx, attempt.values);
    return { ctx, graphInput: null, existingThread: true, ...(options.signal ? { signal: options.signal } : {}) };
  }
  const run: RunSnapshot = { ...snapshot, correlationId: ctx.correlationId, parentExecutionId: sourceId };
  await copyStepToThread({
    source,
    threadId: ctx.threadId,
    ...(variables ? { variables } : {}),
    metadata: (current) => ({ ...current, executionId: ctx.executionId, run }),
  });
  return { ctx, graphInput: null, existingThread: true, ...(options.signal ? { signal: options.signal } : {}) };
}

/** The definition, validated and parsed (once per distinct definition: see compiled-workflows.ts); 422 when invalid. */
function validDefinition(raw: unknown, userId: string, depth: number, definitionId: string | undefined): WorkflowGraph {
  const { validation, definition } = prepareWorkflow(
    raw,
    { id: userId },
    engineValidationContext({ depth, definitionId }),
  );
  if (!validation.isValid || !definition) throw new WorkflowValidationError(validation);
  return definition;
}

function snapshotOf(values: Record<string, unknown>): RunSnapshot {
  const snapshot = runSnapshotSchema.safeParse((values.metadata as { run?: unknown } | undefined)?.run);
  if (!snapshot.success)
    throw new AppError(
      "conflict:execution",
      "This run was started by another version of Lattice and cannot be re-run from a step.",
    );
  return snapshot.data;
}

/** A paused run's checkpointed state, if it exists, is the user's, and waits for an answer. */
async function loadPausedRun({ executionId, userId }: { executionId: string; userId: string }) {
  const tuple = await getCheckpointSaver().getTuple({ configurable: { thread_id: executionId, checkpoint_ns: "" } });
  const values = tuple?.checkpoint.channel_values as Record<string, unknown> | undefined;
  if (!tuple || !values || values.user_id !== userId) {
    throw new AppError("not_found:execution", "There is no paused run with this id.");
  }
  if (!(tuple.pendingWrites ?? []).some(([, channel]) => channel === INTERRUPT)) {
    throw new AppError("conflict:execution", "This run is not waiting for an answer.");
  }
  const snapshot = runSnapshotSchema.safeParse((values.metadata as { run?: unknown } | undefined)?.run);
  if (!snapshot.success)
    throw new AppError(
      "conflict:execution",
      "This run was started by another version of Lattice and cannot be resumed.",
    );
  return { snapshot: snapshot.data, values };
}

function originalRequest(snapshot: RunSnapshot): ExecutionRequest {
  return snapshot.request.type === "CUSTOM"
    ? { ...snapshot.request, definition: snapshot.definition }
    : snapshot.request;
}

async function loadDefinition(id: string, version: number | undefined, ownerId: string): Promise<LoadedWorkflow> {
  const found = await getDefinition({ id, ownerId, version });
  if (!found) {
    throw new AppError(
      "not_found:definition",
      version ? `The workflow has no version ${version}.` : "No such workflow.",
    );
  }
  return loadedDefinition(found);
}

function loadedDefinition(found: {
  id: string;
  version: number;
  nodes: unknown;
  edges: unknown;
  metadata: unknown;
  templateId: string | null;
  isTemporary: boolean;
}): LoadedWorkflow {
  return {
    raw: { nodes: found.nodes, edges: found.edges, metadata: found.metadata ?? {} },
    workflowId: found.id,
    sourceDefinitionId: found.id,
    definitionVersion: found.version,
    ...(found.templateId && found.isTemporary ? { sourceTemplateId: found.templateId } : {}),
  };
}

async function loadTemplate(
  templateId: string,
  params: Record<string, unknown> | undefined,
  ownerId: string,
): Promise<LoadedWorkflow> {
  const template = await getTemplate({ id: templateId, ownerId });
  if (!template) throw new AppError("not_found:template", "No such template.");
  return loadedTemplate(template, params, true);
}

/** A template's graph with its parameters filled; `temporary`: stored as a temporary definition once valid (TEMPLATE runs). */
function loadedTemplate(
  template: WorkflowTemplate,
  params: Record<string, unknown> | undefined,
  temporary: boolean,
): LoadedWorkflow {
  const defaults = (template.defaultParams ?? {}) as Record<string, unknown>;
  const graph = fillTemplateParams(template.definition, resolveTemplateParams(defaults, params));
  return { raw: graph, sourceTemplateId: template.id, ...(temporary ? { temporaryFrom: template } : {}) };
}

const MAX_HISTORY_MESSAGES = 500;

/** The conversation as the model should see it: the running summary, and the messages it does not cover. */
function conversationMemory(turn: ChatTurn): { history: BaseMessage[]; summary: string } {
  const history: BaseMessage[] = [];
  for (const row of turn.history) {
    if (row.role === "user") history.push(new HumanMessage({ content: row.content, id: row.id }));
    else if (row.role === "assistant" && row.status !== "error" && row.content)
      history.push(new AIMessage({ content: row.content, id: row.id }));
  }
  return { history, summary: turn.summary?.summary ?? "" };
}

function chatTitle(message: string): string {
  const line = message.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || "New chat";
}

// ---------------------------------------------------------------------------------------------------------
// ExecutionContext → compiled graph → ExecutionResult
// ---------------------------------------------------------------------------------------------------------

/** A run whose tracker has started it: what `continueRun` needs to run and finish it. */
interface BegunRun extends PreparedExecution {
  emit: (event: ExecutionEvent) => void;
  /** Publishes an event of the run (held back until the run has started). */
  publish: (event: ExecutionEvent) => void;
  /** The tracker's start: resolves once the run's row exists; rejects when it was refused. */
  started: Promise<void>;
  /** Detaches the run's stop signals (cancel, time budget). */
  detach: () => void;
}

/**
 * Starts the run: the tracker's start (which may refuse it: then nothing of it exists), then run_started.
 * The start's round trip is not waited for before the graph runs: a run that keeps no checkpoints goes on
 * up to its first side effect (a model call, an HTTP request, a child run: they wait for `started`, so a
 * refused run never reaches a provider), and its events are held back until the start has committed, so
 * run_started comes first and nothing is stored or shown of a run that does not exist.
 */
function beginRun(prepared: PreparedExecution, emit: (event: ExecutionEvent) => void): BegunRun {
  const { ctx } = prepared;
  const detach = watchStopSignals(ctx, prepared.signal);
  const deliver = (event: ExecutionEvent) => {
    ctx.tracker.onEvent(ctx, event);
    emit(event);
  };
  let held: ExecutionEvent[] | undefined = [ctx.event("run_started", ctx.toEventData())];
  const publish = (event: ExecutionEvent) => {
    if (held) held.push(event);
    else deliver(event);
  };
  const started = (async () => {
    // Without the database tracker, a new conversation is created here first (the run's row, if the
    // tracker writes one, refers to it); the database tracker creates it in its start statement.
    const chat = ctx.chatStart;
    if (!ctx.tracker.storesChatMessages && chat?.newConversation && ctx.conversationId) {
      await createConversation({ id: ctx.conversationId, ownerId: ctx.userId, ...chat.newConversation });
    }
    await ctx.tracker.start(ctx);
  })();
  started.then(
    () => {
      const events = held ?? [];
      held = undefined;
      for (const event of events) deliver(event);
    },
    (error: unknown) => {
      held = undefined;
      detach();
      // Whatever of the graph runs meanwhile stops at its first side effect.
      ctx.stop({ kind: "cancelled", message: "The run was not started." });
      void error;
    },
  );
  return { ...prepared, emit, publish, started, detach };
}

/** Runs the graph to its end (or pause) and finishes the run: exactly one of tracker.complete / tracker.fail. */
async function continueRun(run: BegunRun): Promise<ExecutionResult> {
  const { ctx, publish, emit } = run;
  let failure: unknown;
  let finished = false;
  try {
    // A run that writes checkpoints (it can pause, or keeps its steps) starts before its graph runs.
    if (keepsCheckpoints(ctx, run.existingThread === true)) await run.started;
    // The database tracker wrote the chat turn's conversation and message with the run's row; without it
    // they are stored here, once the run has started.
    if (!ctx.tracker.storesChatMessages) {
      await run.started;
      await storeChatStart(ctx);
    }
    await streamGraph(ctx, run.graphInput, publish, run.started, run.existingThread === true);
    finished = true;
  } catch (error) {
    failure = error;
  } finally {
    run.detach();
  }
  // Refused or not started: nothing of the run exists, and the tracker has nothing to finish.
  await run.started;

  ctx.completedAt = new Date();
  const status: ExecutionStatus = finished ? (ctx.interrupt ? "paused" : "completed") : failureStatus(ctx);
  const error = finished ? undefined : describeFailure(ctx, failure);
  ctx.status = status;
  let result = ctx.toResult(status, error, computeCost(ctx.currentUsage()));
  if (ctx.workflowType === "CHAT" && ctx.conversationId && ctx.tracker.storesChatMessages) {
    // The tracker stores the answer (under this id) in its one complete/fail transaction.
    ctx.messageId ??= newId();
    result = { ...result, messageId: ctx.messageId };
  } else if (ctx.workflowType === "CHAT" && ctx.conversationId) {
    try {
      ctx.messageId = await saveAnswer(ctx, result);
      result = { ...result, messageId: ctx.messageId };
    } catch (saveError) {
      failure ??= saveError;
      console.error("[engine] could not store the chat answer", saveError);
    }
  }
  ctx.result = result;

  const terminal = ctx.event(
    status === "cancelled" ? "run_cancelled" : status === "failed" ? "run_failed" : "run_completed",
    result,
  );
  ctx.tracker.onEvent(ctx, terminal);
  if (status === "failed" || status === "cancelled") await ctx.tracker.fail(ctx, failure ?? error, result);
  else await ctx.tracker.complete(ctx, result);
  emit(terminal);
  return result;
}

/** Cancellation from outside and the run's time budget both stop the run through its AbortController. */
function watchStopSignals(ctx: ExecutionContext, signal: AbortSignal | undefined): () => void {
  const cleanups: Array<() => void> = [];
  if (signal) {
    const onAbort = () => ctx.stop({ kind: "cancelled", message: "The run was cancelled." });
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  }
  const timeoutMs = ctx.options.timeoutMs;
  if (timeoutMs) {
    const timer = setTimeout(
      () =>
        ctx.stop({
          kind: "budget",
          code: "budget:time",
          message: `The run took longer than its time budget of ${timeoutMs} ms.`,
        }),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
  }
  return () => cleanups.forEach((cleanup) => cleanup());
}

function failureStatus(ctx: ExecutionContext): ExecutionStatus {
  return ctx.stopReason?.kind === "cancelled" ? "cancelled" : "failed";
}

function describeFailure(ctx: ExecutionContext, failure: unknown): ExecutionError {
  const stop = ctx.stopReason;
  if (stop?.kind === "cancelled") return { code: "cancelled", message: stop.message };
  if (stop?.kind === "budget") return { code: stop.code, message: stop.message };
  if (failure instanceof NodeFailedError)
    return { code: failure.code, message: failure.message, nodeId: failure.nodeId };
  if (failure instanceof GraphRecursionError) {
    return {
      code: "limits:steps",
      message: "The run took more steps than its graph allows; a cycle may not be bounded by a loop node.",
    };
  }
  if (isAppError(failure)) return { code: failure.code, message: failure.message };
  console.error("[engine] run failed", failure);
  return { code: "internal:engine", message: "The run failed unexpectedly." };
}

/** Streams the compiled graph, mapping LangGraph's chunks to events and keeping the context current. */
async function streamGraph(
  ctx: ExecutionContext,
  graphInput: WorkflowUpdate | Command | null,
  publish: (event: ExecutionEvent) => void,
  started: Promise<void>,
  existingThread = false,
) {
  const checkpoints = keepsCheckpoints(ctx, existingThread);
  const compiled = compiledWorkflow(ctx.definition, { checkpoints });
  const runtime: WorkflowRuntime = {
    executionId: ctx.executionId,
    userId: ctx.userId,
    depth: ctx.depth,
    resources: ctx.resources,
    runWorkflow: (args) => runChildWorkflow(ctx, args),
    models: new Map(),
    started,
  };
  const usageKeys = usageKeysByNode(ctx.definition);
  const stream = await compiled.stream(graphInput, {
    configurable: {
      thread_id: ctx.threadId,
      ...runConfigurable(runtime),
      // A new execution's thread is empty: its opening read is skipped (a resume or a time-travel copy reads it).
      ...(checkpoints && !ctx.resumed && !existingThread
        ? { [FRESH_THREAD_KEY]: { written: false } satisfies FreshThreadMark }
        : {}),
    },
    // Node progress and tokens come on "custom", the state on "values"; "updates" only carries interrupts.
    streamMode: canPause(ctx.definition) ? ["updates", "custom", "values"] : ["custom", "values"],
    signal: ctx.signal,
    durability: ctx.durability,
    recursionLimit: recursionLimitFor(ctx.definition),
  });

  for await (const chunk of stream as AsyncIterable<[string, unknown]>) {
    const [mode, payload] = chunk;
    if (mode === "values") {
      ctx.state = payload as WorkflowState;
    } else if (mode === "custom") {
      const signal = payload as NodeSignal;
      if (signal.event === "token") {
        const { nodeId } = signal;
        const inFlight = ctx.inFlight.get(nodeId) ?? {
          usageKey: usageKeys.get(nodeId) ?? "unknown:unknown",
          outputTokens: 0,
        };
        // Providers stream about one token per chunk; the exact count arrives with the node's final message.
        inFlight.outputTokens += 1;
        ctx.inFlight.set(nodeId, inFlight);
        publish(ctx.event("token", signal.data, nodeId));
        enforceBudgets(ctx);
        continue;
      }
      if (signal.event === "node_completed") {
        ctx.inFlight.delete(signal.nodeId);
        ctx.usageByModel = addUsage(ctx.usageByModel, signal.usage);
        ctx.history.push(signal.entry);
        publish(ctx.event("node_completed", signal.data, signal.nodeId));
        enforceBudgets(ctx);
        continue;
      }
      if (signal.event === "node_failed") {
        ctx.inFlight.delete(signal.nodeId);
        ctx.history.push(signal.entry);
      }
      publish(ctx.event(signal.event, signal.data as never, signal.nodeId));
    } else if (mode === "updates") {
      // Asked for only when the graph can pause: what LangGraph reports of an interrupt.
      const interrupts = (payload as Record<string, unknown>)[INTERRUPT] as Array<{ value?: unknown }> | undefined;
      for (const item of interrupts ?? []) {
        const info = interruptInfoSchema.safeParse(item.value);
        if (!info.success) continue;
        ctx.interrupt = info.data;
        publish(ctx.event("interrupt", info.data, info.data.nodeId));
      }
    }
  }
}

/**
 * Whether the run writes LangGraph checkpoints. A run that cannot pause (no human node) and keeps no step
 * checkpoints (durability "sync"/"async", for time travel) has nothing to continue from later: its
 * conversation is in the messages table and its outcome in its row and events, so it runs without a
 * checkpointer — the checkpoint write was a third of a chat turn's database work. Resumed runs and
 * time-travel copies continue from their thread's checkpoint.
 */
function keepsCheckpoints(ctx: ExecutionContext, existingThread: boolean): boolean {
  if (ctx.resumed || existingThread) return true;
  if (ctx.durability !== "exit") return true;
  return canPause(ctx.definition);
}

/** The graph has a node that may pause the run (a LangGraph interrupt). */
function canPause(definition: WorkflowGraph): boolean {
  return definition.nodes.some((node) => getNodeDefinition(node.type)?.pauses === true);
}

function enforceBudgets(ctx: ExecutionContext) {
  const { maxTokens, maxCostUsd } = ctx.options;
  if (maxTokens === undefined && maxCostUsd === undefined) return;
  const usage = ctx.currentUsage();
  const tokens = totalUsage(usage).totalTokens;
  if (maxTokens !== undefined && tokens > maxTokens) {
    ctx.stop({
      kind: "budget",
      code: "budget:tokens",
      message: `The run used ${tokens} tokens, over its budget of ${maxTokens}.`,
    });
  }
  const cost = computeCost(usage);
  if (maxCostUsd !== undefined && cost > maxCostUsd) {
    ctx.stop({
      kind: "budget",
      code: "budget:cost",
      message: `The run cost $${cost.toFixed(6)}, over its budget of $${maxCostUsd}.`,
    });
  }
}

/** "provider:model" of each node that calls a model, so streamed tokens count against the right price. */
function usageKeysByNode(definition: WorkflowGraph): Map<string, string> {
  const keys = new Map<string, string>();
  for (const node of definition.nodes) {
    if (!["model", "tools", "router", "memory"].includes(node.type)) continue;
    const config = node.data.config as { provider?: unknown; model?: unknown };
    const provider = typeof config.provider === "string" ? config.provider : DEFAULT_PROVIDER;
    const model = typeof config.model === "string" ? config.model : DEFAULT_MODEL;
    keys.set(node.id, `${provider}:${model}`);
  }
  return keys;
}

/** A subworkflow node or the run_workflow tool: another execution, one level deeper, through `execute`. */
function runChildWorkflow(
  ctx: ExecutionContext,
  args: { definitionId: string; version?: number; input: ExecutionInput },
): Promise<ExecutionResult> {
  return execute(
    {
      type: "DEFINITION",
      definitionId: args.definitionId,
      ...(args.version !== undefined ? { version: args.version } : {}),
      input: args.input,
    },
    {
      userId: ctx.userId,
      tracker: ctx.tracker,
      signal: ctx.signal,
      parent: { executionId: ctx.executionId, depth: ctx.depth, correlationId: ctx.correlationId },
    },
  );
}

/** Without the database tracker: the person's message, stored here (linked to the run's row if it has one). */
async function storeChatStart(ctx: ExecutionContext): Promise<void> {
  const chat = ctx.chatStart;
  if (!chat || !ctx.conversationId) return;
  if (chat.userMessage) {
    await appendMessage({
      ownerId: ctx.userId,
      conversationId: ctx.conversationId,
      role: "user",
      content: chat.userMessage.content,
      executionId: ctx.executionId,
    });
  }
}

/** Stores a chat run's answer (with the memory node's running summary, when it made one). */
async function saveAnswer(ctx: ExecutionContext, result: ExecutionResult): Promise<string> {
  const message = await appendMessage({
    ownerId: ctx.userId,
    conversationId: ctx.conversationId!,
    role: "assistant",
    content: result.output.message,
    executionId: ctx.executionId,
    status: MESSAGE_STATUS[result.status],
    tokens: result.usage.totalTokens,
    cost: result.cost,
    durationMs: Math.round(result.durationMs),
    metadata: answerMetadataOf(ctx, result),
  });
  return message.id;
}

// ---------------------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------------------

/**
 * A running run's events for one reader: buffered until read. A reader that stops early (a closed SSE
 * connection) cancels the run, which still ends with its tracker call and result; the stream ends after
 * the run's last event, or throws what broke the run underneath it.
 */
class EventQueue {
  private readonly events: ExecutionEvent[] = [];
  private wake: (() => void) | undefined;

  push(event: ExecutionEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  streamOf(ctx: ExecutionContext, running: Promise<ExecutionResult>): AsyncIterable<ExecutionEvent> {
    let done = false;
    let failure: unknown;
    const ended = running
      .then(
        () => undefined,
        (error: unknown) => {
          failure = error;
        },
      )
      .finally(() => {
        done = true;
        this.wake?.();
      });
    const queue = this;
    // Written out (not an async generator): a reader that gives up before its first read must still stop
    // the run, and a generator's return() before it started runs none of its body.
    return {
      [Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
        return {
          async next(): Promise<IteratorResult<ExecutionEvent>> {
            for (;;) {
              const next = queue.events.shift();
              if (next) return { value: next, done: false };
              if (done) {
                if (failure) throw failure;
                return { value: undefined, done: true };
              }
              await new Promise<void>((resolve) => (queue.wake = resolve));
              queue.wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<ExecutionEvent>> {
            if (!done) {
              ctx.stop({ kind: "cancelled", message: "The client stopped reading the run's stream." });
              await ended;
            }
            queue.events.length = 0;
            return { value: undefined, done: true };
          },
        };
      },
    };
  }
}
