/**
 * ExecutionContext — the ONE state container of a run. Identification, configuration, the LangGraph
 * runtime state, resources, the tracker and the cancel switch live here; the database record
 * (`toExecutionRecord`), event payloads (`toEventData`, `event`) and the result (`toResult`) are derived
 * from it, never assembled by hand elsewhere.
 */
import "server-only";
import { newId } from "@/lib/ids";
import type { Message, NewWorkflowExecution } from "@/lib/db/schema";
import type { WorkflowGraph } from "@/lib/workflow/definition";
import { addUsage, totalUsage, type WorkflowState } from "@/lib/workflow/state";
import type { EventData, ExecutionEvent, ExecutionEventType } from "@/lib/contracts/events";
import type {
  Durability,
  ExecutionInput,
  ExecutionOptions,
  ExecutionRequest,
  RunTrigger,
  WorkflowType,
} from "@/lib/contracts/execution-request";
import { triggerOf } from "@/lib/contracts/execution-request";
import type {
  ExecutionError,
  ExecutionResult,
  ExecutionStatus,
  HistoryEntry,
  InterruptInfo,
  Source,
  UsageByModel,
} from "@/lib/contracts/execution-result";
import type { ExecutionResources } from "@/lib/nodes/resources";
import type { TitleChange } from "./title";
import type { Tracker } from "./tracker";

export type { ExecutionResources, KnowledgeHit, ToolRuntime } from "@/lib/nodes/resources";

/** The per-user run limits a run is admitted under when it starts (see WorkflowTracker.start). */
export interface RunAdmissionLimits {
  maxConcurrent: number;
  perMinute: number;
  maxQueued: number;
  /**
   * A child run (subworkflow node, run_workflow tool): admitted by the per-minute limit only. It runs in its
   * parent's concurrency slot — refusing it there could leave a parent waiting for its child forever.
   */
  child?: boolean;
}

/** What a chat turn writes as it starts (with its row, in the tracker's start). */
export interface ChatTurnStart {
  /** The conversation is new: created with the run (`ctx.conversationId` is its id). */
  newConversation?: { title: string; workflowId: string | null; templateId: string | null };
  /** The person's message (not on a resume, nor on a retried attempt that stored it). */
  userMessage?: { id: string; content: string };
}

/** Why a run was stopped from outside its graph. */
export type StopReason =
  | { kind: "cancelled"; message: string }
  | { kind: "budget"; code: "budget:time" | "budget:tokens" | "budget:cost"; message: string };

export interface ExecutionContextInit {
  executionId?: string;
  userId: string;
  request: ExecutionRequest;
  workflowType: WorkflowType;
  definition: WorkflowGraph;
  input: ExecutionInput;
  workflowId?: string;
  sourceDefinitionId?: string;
  sourceTemplateId?: string;
  definitionVersion?: number;
  conversationId?: string;
  correlationId?: string;
  parentExecutionId?: string;
  /** The run that started this one (a subworkflow node, the run_workflow tool), in this process. */
  parentRun?: ExecutionContext;
  /** Where a child run started in its parent: the parent's node, and the seq of the parent's last event then. */
  parentPlace?: { nodeId?: string; seq: number };
  depth?: number;
  options?: ExecutionOptions;
  resources: ExecutionResources;
  tracker: Tracker;
  /** Events already emitted for this execution (a resumed run continues the numbering). */
  seqStart?: number;
  admission?: RunAdmissionLimits;
  /** The owner's limits admitted the run as it was loaded (see ExecutionContext.admittedAtLoad). */
  admittedAtLoad?: boolean;
  chatStart?: ChatTurnStart;
  /** A chat run whose answer is not added to its conversation (a re-run of a turn from one of its steps). */
  outsideConversation?: boolean;
  resumed?: boolean;
  instanceId?: string;
  /** What started the run; unset: the request's own (`triggerOf`). */
  trigger?: RunTrigger;
}

export class ExecutionContext {
  // Identification
  readonly executionId: string;
  readonly userId: string;
  readonly workflowId: string | undefined;
  conversationId: string | undefined;
  readonly correlationId: string;
  readonly parentExecutionId: string | undefined;
  /** The run that started this one, in this process: its budgets cover this run's usage too. */
  readonly parentRun: ExecutionContext | undefined;
  readonly parentPlace: { nodeId?: string; seq: number } | undefined;
  readonly depth: number;
  // Configuration
  readonly request: ExecutionRequest;
  readonly workflowType: WorkflowType;
  readonly sourceTemplateId: string | undefined;
  readonly sourceDefinitionId: string | undefined;
  readonly definitionVersion: number | undefined;
  readonly definition: WorkflowGraph;
  readonly input: ExecutionInput;
  readonly options: ExecutionOptions;
  readonly resumed: boolean;
  readonly instanceId: string | undefined;
  /** What started the run (recorded on its row: trigger_type, trigger_id). */
  readonly trigger: RunTrigger;
  /** Checked by the tracker's start: a run over the owner's limits is refused (429) before it writes anything. */
  readonly admission: RunAdmissionLimits | undefined;
  /**
   * The owner's limits admitted the run when its request was loaded (a pre-check in the same statement):
   * its model calls are sent while the start is still in flight, and their answers used once it has
   * started. The start still decides; a run it refuses is stopped, which aborts those calls.
   */
  readonly admittedAtLoad: boolean;
  readonly chatStart: ChatTurnStart | undefined;
  readonly outsideConversation: boolean;
  // Resources
  readonly resources: ExecutionResources;
  readonly tracker: Tracker;
  readonly abortController = new AbortController();
  // Runtime state
  /** The graph's state after the latest step (LangGraph "values"). */
  state: WorkflowState | undefined;
  /** Usage of finished node runs, per "provider:model". */
  usageByModel: UsageByModel = {};
  /**
   * Output tokens streamed by nodes that have not finished yet, by node id, with the "provider:model" they
   * bill to: counted against budgets while they stream, and kept when a run is cancelled mid-answer.
   */
  readonly inFlight = new Map<string, { usageKey: string; outputTokens: number }>();
  /**
   * Child runs (subworkflow nodes, the run_workflow tool). Their usage is on their own rows, never in this
   * run's, and counts against this run's budgets: those going now (live), those this call finished
   * (`childUsage`), and those of the calls before a pause (`earlierChildUsage`, read when a run resumes).
   */
  readonly runningChildren = new Map<ExecutionContext, Promise<unknown>>();
  childUsage: UsageByModel = {};
  earlierChildUsage: UsageByModel = {};
  readonly history: HistoryEntry[] = [];
  status: ExecutionStatus | "running" = "running";
  readonly startedAt = new Date();
  completedAt: Date | undefined;
  stopReason: StopReason | undefined;
  interrupt: InterruptInfo | undefined;
  messageId: string | undefined;
  /** A chat run's answer as the tracker's finish stored it (the database tracker only). */
  storedAnswer: Message | undefined;
  /** A conversation's first exchange: the title its model gave it, stored by the run's finish. */
  titleChange: TitleChange | undefined;
  result: ExecutionResult | undefined;
  private seq: number;

  constructor(init: ExecutionContextInit) {
    this.executionId = init.executionId ?? newId();
    this.userId = init.userId;
    this.request = init.request;
    this.workflowType = init.workflowType;
    this.definition = init.definition;
    this.input = init.input;
    this.workflowId = init.workflowId;
    this.sourceDefinitionId = init.sourceDefinitionId;
    this.sourceTemplateId = init.sourceTemplateId;
    this.definitionVersion = init.definitionVersion;
    this.conversationId = init.conversationId;
    this.correlationId = init.correlationId ?? this.executionId;
    this.parentExecutionId = init.parentExecutionId;
    this.parentRun = init.parentRun;
    this.parentPlace = init.parentPlace;
    this.depth = init.depth ?? 0;
    this.options = init.options ?? {};
    this.resources = init.resources;
    this.tracker = init.tracker;
    this.seq = init.seqStart ?? 0;
    this.resumed = init.resumed ?? false;
    this.instanceId = init.instanceId;
    this.trigger = init.trigger ?? triggerOf(init.request);
    this.admission = init.admission;
    this.admittedAtLoad = init.admittedAtLoad ?? false;
    this.chatStart = init.chatStart;
    this.outsideConversation = init.outsideConversation ?? false;
  }

  /** A chat run whose person's message and answer are stored in its conversation. */
  get answersInConversation(): boolean {
    return this.workflowType === "CHAT" && this.conversationId !== undefined && !this.outsideConversation;
  }

  /** LangGraph's thread: one per execution, so a paused run resumes from its own checkpoint. */
  get threadId(): string {
    return this.executionId;
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get durability(): Durability {
    return this.options.durability ?? "exit";
  }

  /** The next event sequence number: per execution, gap-free from 1. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Stops the run (cancel, or a budget), once: the first reason wins. */
  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.abortController.abort(reason);
  }

  /** Usage of finished nodes plus what in-flight nodes have streamed so far. */
  currentUsage(): UsageByModel {
    if (this.inFlight.size === 0) return this.usageByModel;
    const usage: UsageByModel = { ...this.usageByModel };
    for (const { usageKey, outputTokens } of this.inFlight.values()) {
      const prev = usage[usageKey];
      usage[usageKey] = {
        inputTokens: prev?.inputTokens ?? 0,
        outputTokens: (prev?.outputTokens ?? 0) + outputTokens,
      };
    }
    return usage;
  }

  /** What counts against this run's budgets: its own usage and its child runs' (finished and going). */
  budgetUsage(): UsageByModel {
    let usage = this.currentUsage();
    if (!this.hasChildRuns) return usage;
    usage = addUsage(addUsage(usage, this.childUsage), this.earlierChildUsage);
    for (const child of this.runningChildren.keys()) usage = addUsage(usage, child.budgetUsage());
    return usage;
  }

  /** Child runs count toward this run's budgets: one is going, or some used tokens. */
  get hasChildRuns(): boolean {
    const finished = totalUsage(this.childUsage).totalTokens + totalUsage(this.earlierChildUsage).totalTokens;
    return this.runningChildren.size > 0 || finished > 0;
  }

  /** A child run ended: its usage (with its own children's) moves from the live count to `childUsage`. */
  childEnded(child: ExecutionContext): void {
    if (!this.runningChildren.delete(child)) return;
    this.childUsage = addUsage(this.childUsage, child.budgetUsage());
  }

  /** Builds the next event of this run (assigning its sequence number). */
  event<T extends ExecutionEventType>(type: T, data: EventData<T>, nodeId?: string): ExecutionEvent {
    return {
      seq: this.nextSeq(),
      type,
      executionId: this.executionId,
      ...(nodeId !== undefined ? { nodeId } : {}),
      at: new Date().toISOString(),
      data,
    } as ExecutionEvent;
  }

  /** The run_started payload. */
  toEventData(): EventData<"run_started"> {
    return {
      workflowType: this.workflowType,
      ...(this.workflowId ? { workflowId: this.workflowId } : {}),
      ...(this.sourceDefinitionId ? { definitionId: this.sourceDefinitionId } : {}),
      ...(this.definitionVersion !== undefined ? { definitionVersion: this.definitionVersion } : {}),
      ...(this.sourceTemplateId ? { templateId: this.sourceTemplateId } : {}),
      ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      ...(this.correlationId ? { correlationId: this.correlationId } : {}),
      ...(this.parentExecutionId ? { parentExecutionId: this.parentExecutionId } : {}),
      ...(this.parentPlace?.nodeId ? { parentNodeId: this.parentPlace.nodeId } : {}),
      ...(this.parentPlace ? { parentSeq: this.parentPlace.seq } : {}),
      resumed: this.resumed,
    };
  }

  /** The run's result from its current state (final when the run has ended). */
  toResult(status: ExecutionStatus, error?: ExecutionError, cost = 0): ExecutionResult {
    const usageByModel = this.currentUsage();
    const variables = this.state?.variables ?? {};
    const sources: Source[] = this.state?.sources ?? [];
    const end = this.completedAt ?? new Date();
    return {
      executionId: this.executionId,
      status,
      output: {
        message: this.outputMessage(status),
        variables,
        ...(sources.length ? { sources } : {}),
      },
      usage: totalUsage(usageByModel),
      cost,
      durationMs: Math.max(0, end.getTime() - this.startedAt.getTime()),
      history: [...this.history],
      ...(error ? { error } : {}),
      ...(this.interrupt ? { interrupt: this.interrupt } : {}),
      ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      ...(this.messageId ? { messageId: this.messageId } : {}),
      usageByModel,
    };
  }

  /** The answer: what an end node rendered, else the last AI message; a pause shows its question. */
  private outputMessage(status: ExecutionStatus): string {
    if (status === "paused" && this.interrupt) return this.interrupt.question;
    const rendered = this.state?.metadata?.output;
    if (typeof rendered === "string") return rendered;
    const messages = this.state?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      // Before the last human message lie earlier turns of the conversation: a run stopped before its
      // model answered has no answer, not the previous turn's.
      if (message?.getType() === "human") break;
      if (message && message.getType() === "ai" && message.text) return message.text;
    }
    return "";
  }

  /** The workflow_executions row for this run, in its current status (camelCase drizzle columns). */
  toExecutionRecord(): NewWorkflowExecution {
    const result = this.result;
    const usage = totalUsage(result?.usageByModel ?? this.usageByModel);
    return {
      id: this.executionId,
      ownerId: this.userId,
      definitionId: this.sourceDefinitionId ?? null,
      definitionVersion: this.definitionVersion ?? null,
      templateId: this.sourceTemplateId ?? null,
      workflowType: this.workflowType,
      workflowConfig: { definition: this.definition, options: this.options, depth: this.depth },
      status: this.status,
      startedAt: this.startedAt,
      completedAt: this.completedAt ?? null,
      executionTimeMs: result ? Math.round(result.durationMs) : null,
      heartbeatAt: new Date(),
      inputData: this.input,
      outputData: result ? result.output : null,
      errorMessage: result?.error?.message ?? null,
      executionLog: result ? result.history : this.history,
      tokensUsed: usage.totalTokens,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cost: (result?.cost ?? 0).toFixed(6),
      usageByModel: result?.usageByModel ?? this.usageByModel,
      correlationId: this.correlationId,
      conversationId: this.conversationId ?? null,
      parentExecutionId: this.parentExecutionId ?? null,
      instanceId: this.instanceId ?? null,
      triggerType: this.trigger.type,
      triggerId: this.trigger.id ?? null,
    };
  }
}
