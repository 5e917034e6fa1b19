/**
 * WorkflowTracker — the database implementation of the engine's Tracker, and the only writer of execution
 * rows. Per `execute` call: `start` (ONE statement: the row, running, and the feed's notification to other
 * instances), events through `onEvent` (published live, stored in batches), then ONE of `complete` /
 * `fail`: ONE statement with the run's last events, its final row, the template counters,
 * for a chat its messages and the conversation's aggregates, and the notifications (see finishExecution).
 * Only then is the end published here.
 */
import "server-only";
import { getLastEventSeq, type Notification } from "@/lib/db/queries/events";
import {
  finishExecution,
  startExecution,
  type ChatOutcome,
} from "@/lib/db/queries/executions";
import { refusalError } from "@/lib/db/queries/run-limits";
import { newId } from "@/lib/ids";
import type { ExecutionContext } from "@/lib/engine/context";
import { isTerminalEvent, type ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult, ExecutionStatus } from "@/lib/contracts/execution-result";
import type { Tracker } from "@/lib/engine/tracker";
import { totalUsage } from "@/lib/workflow/state";
import { computeCost } from "@/lib/models/pricing";
import { getEventBus, type EventBus } from "./event-bus";
import { toEventRows } from "./event-rows";
import { EventWriter, type EventWriterOptions } from "./event-writer";
import { answerMetadataOf, childRunsUsage, MESSAGE_STATUS } from "@/lib/engine/answer";
import { FEED_FROM_ROW, finishingStatusRow, startedStatusEvent, toRunStatusEvent, usageWithCost } from "./records";
import { RunRegistry } from "./run-registry";

export interface WorkflowTrackerOptions extends EventWriterOptions {
  bus?: EventBus;
  registry?: RunRegistry;
  /**
   * Runs after complete/fail's statement, before it commits (the statement is then wrapped in a
   * transaction). Tests inject a failure here to prove that nothing of a failed finish remains.
   */
  beforeCommit?: (ctx: ExecutionContext) => Promise<void>;
}

interface ChatDraft {
  nodeId: string;
  text: string;
  toolCalls: Array<{ name: string; args: unknown; result?: string; error?: string; callId?: string }>;
}

/** Tool results and arguments kept with a chat answer are display-sized (the run's events hold them whole). */
const MAX_STORED_TOOL_TEXT = 4_000;

function clipJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined || text.length <= MAX_STORED_TOOL_TEXT
      ? value
      : `${text.slice(0, MAX_STORED_TOOL_TEXT)}…`;
  } catch {
    return String(value);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "The run failed.";
}

/**
 * A finish whose outcome could not be stored is recorded as a failure: the result the engine returns, and
 * the terminal event it emits once complete/fail returns (the one held here, with the result as its data),
 * are corrected in place to say so — the run must not look, to its caller or its stream, as if it had
 * succeeded. Error handling only: no tracking call is added.
 */
function surfaceAsFailed(
  ctx: ExecutionContext,
  result: ExecutionResult,
  events: ExecutionEvent[],
  message: string,
): void {
  result.status = "failed";
  result.error = { code: "tracking:not_saved", message };
  ctx.status = "failed";
  for (const event of events) {
    if (!isTerminalEvent(event)) continue;
    const terminal = event as { type: string; data: unknown };
    terminal.type = "run_failed";
    terminal.data = result;
  }
}

export class WorkflowTracker implements Tracker {
  /** The engine leaves a chat run's messages to this tracker, which stores them in its finishing statement. */
  readonly storesChatMessages = true;
  readonly bus: EventBus;
  readonly registry: RunRegistry;
  readonly writer: EventWriter;
  private readonly beforeCommit: WorkflowTrackerOptions["beforeCommit"];
  /** A chat run's answer as the user saw it stream: kept for a stopped answer and for the tool steps. */
  private readonly chatDrafts = new Map<string, ChatDraft>();

  constructor(options: WorkflowTrackerOptions = {}) {
    this.bus = options.bus ?? getEventBus();
    this.registry = options.registry ?? new RunRegistry();
    this.registry.attach(this.bus);
    this.writer = new EventWriter(this.bus, options);
    this.bus.addPendingSource((executionId) => this.writer.pending(executionId));
    this.beforeCommit = options.beforeCommit;
  }

  async start(ctx: ExecutionContext): Promise<void> {
    // Listening before the run starts: a cancel sent from another instance must find it.
    await this.bus.start();
    const startUsage = totalUsage(ctx.usageByModel);
    this.registry.add({ ctx, startTokens: startUsage.totalTokens, startCost: computeCost(ctx.usageByModel) });
    const started = startedStatusEvent(ctx);
    try {
      // One round trip: the admission (when asked), the row, a chat turn's conversation and message, and the
      // feed's notification to other instances (sent only if it started).
      const chat = ctx.chatStart;
      const outcome = await startExecution({
        record: ctx.toExecutionRecord(),
        instanceId: this.bus.instanceId,
        notification: this.bus.feedNotification(ctx.userId, started),
        ...(ctx.admission ? { admission: ctx.admission } : {}),
        ...(chat && ctx.conversationId
          ? {
              chat: {
                conversationId: ctx.conversationId,
                ...(chat.newConversation ? { newConversation: chat.newConversation } : {}),
                ...(chat.userMessage ? { userMessage: { ...chat.userMessage, createdAt: ctx.startedAt } } : {}),
              },
            }
          : {}),
      });
      if (!outcome.started) throw refusalError(outcome.refusal, ctx.admission!);
    } catch (error) {
      this.registry.remove(ctx.executionId);
      throw error;
    }
    this.bus.publishFeedLocal(ctx.userId, started);
  }

  onEvent(ctx: ExecutionContext, event: ExecutionEvent): void {
    if (ctx.workflowType === "CHAT") this.draftChatAnswer(ctx.executionId, event);
    // A run's end is announced only once its row says so (after complete/fail commits).
    const terminal = isTerminalEvent(event);
    this.writer.add(ctx.userId, event, { hold: terminal });
    if (!terminal) this.bus.publishLocal(event);
  }

  complete(ctx: ExecutionContext, result: ExecutionResult): Promise<void> {
    return this.finish(ctx, result, undefined);
  }

  fail(ctx: ExecutionContext, error: unknown, result: ExecutionResult): Promise<void> {
    return this.finish(ctx, result, error ?? result.error ?? new Error("The run failed."));
  }

  /** The last sequence number of an execution: stored, or still held here. */
  async lastSeq(executionId: string): Promise<number> {
    return Math.max(await getLastEventSeq({ executionId }), this.writer.lastPendingSeq(executionId));
  }

  private draftChatAnswer(executionId: string, event: ExecutionEvent): void {
    if (event.type !== "token" && event.type !== "tool_call") return;
    const draft = this.chatDrafts.get(executionId) ?? { nodeId: "", text: "", toolCalls: [] };
    if (event.type === "token") {
      // A later node's answer replaces an earlier node's streamed text, as the chat shows it.
      if (draft.nodeId !== event.data.nodeId) Object.assign(draft, { nodeId: event.data.nodeId, text: "" });
      draft.text += event.data.text;
    } else {
      const { name, args, result, error, callId } = event.data;
      draft.toolCalls.push({
        name,
        args: clipJson(args),
        ...(result !== undefined ? { result: result.slice(0, MAX_STORED_TOOL_TEXT) } : {}),
        ...(error !== undefined ? { error: error.slice(0, MAX_STORED_TOOL_TEXT) } : {}),
        ...(callId ? { callId } : {}),
      });
    }
    this.chatDrafts.set(executionId, draft);
  }

  private chatOutcome(
    ctx: ExecutionContext,
    result: ExecutionResult,
    status: ExecutionStatus,
  ): ChatOutcome | undefined {
    if (!ctx.answersInConversation || !ctx.conversationId) return undefined;
    const entry = this.registry.get(ctx.executionId);
    if (!ctx.messageId) {
      // The answer's id is part of the result the caller receives and the terminal event carries.
      ctx.messageId = newId();
      result.messageId = ctx.messageId;
    }
    const message = ctx.input.message;
    const draft = this.chatDrafts.get(ctx.executionId);
    const children = childRunsUsage(ctx);
    return {
      conversationId: ctx.conversationId,
      // Stored by the start already, unless this attempt continues one that may not have stored it.
      ...(!ctx.resumed && message && !ctx.chatStart?.userMessage
        ? { userMessage: { id: newId(ctx.startedAt.getTime()), content: message, createdAt: ctx.startedAt } }
        : {}),
      answer: {
        id: ctx.messageId,
        // A stopped (or failed) answer keeps the text the user saw arrive.
        content: result.output.message || (status === "cancelled" || status === "failed" ? (draft?.text ?? "") : ""),
        status: MESSAGE_STATUS[status],
        // A resumed run's usage includes what it used before its pause, already on the earlier message;
        // the turn's child runs count here too (see childRunsUsage).
        tokens: Math.max(0, result.usage.totalTokens - (entry?.startTokens ?? 0)) + children.tokens,
        cost: Math.max(0, result.cost - (entry?.startCost ?? 0)) + children.cost,
        durationMs: result.durationMs,
        metadata: {
          ...answerMetadataOf(ctx, result),
          ...(draft?.toolCalls.length ? { toolCalls: draft.toolCalls } : {}),
        },
      },
      closesPendingQuestion: ctx.resumed,
      ...(ctx.titleChange ? { title: ctx.titleChange } : {}),
    };
  }

  private async finish(ctx: ExecutionContext, result: ExecutionResult, error: unknown): Promise<void> {
    const executionId = ctx.executionId;
    const { events } = await this.writer.take(executionId);
    try {
      const status = result.status;
      ctx.result ??= result;
      const base = ctx.toExecutionRecord();
      const errorMessage = result.error?.message ?? (error !== undefined ? describeError(error) : null);
      const record = {
        ...base,
        status,
        errorMessage,
        executionTimeMs: Math.round(result.durationMs),
        usageByModel: usageWithCost(result.usageByModel ?? ctx.usageByModel),
        cost: result.cost.toFixed(6),
      };
      const chat = this.chatOutcome(ctx, result, status);
      const rows = toEventRows(events);
      const eventNotice = this.bus.eventNotification(executionId, ctx.userId, events);
      const notifications: Notification[] = eventNotice ? [eventNotice] : [];
      const statusAt = new Date();
      // The feed's notification, made here and completed from the finished row by the same statement.
      const feedNotice = (finalStatus: ExecutionStatus, message: string | null) => ({
        ...this.bus.feedNotification(
          ctx.userId,
          toRunStatusEvent(finishingStatusRow(record, finalStatus, message), statusAt),
        ),
        fromRow: FEED_FROM_ROW,
      });
      let finished: Awaited<ReturnType<typeof finishExecution>>;
      try {
        finished = await finishExecution({
          record,
          status,
          accumulateTime: ctx.resumed,
          events: rows,
          notifications,
          instanceId: this.bus.instanceId,
          ...(chat ? { chat } : {}),
          rowNotifications: [feedNotice(status, errorMessage)],
          ...(this.beforeCommit ? { beforeCommit: () => this.beforeCommit!(ctx) } : {}),
        });
      } catch (saveError) {
        // The outcome could not be stored as it is (a conversation deleted mid-run, a constraint, a fault):
        // nothing of that statement remains. Record a plain failure instead, so the run does not stay
        // "running"; if even that fails, the sweeper marks it interrupted once its heartbeat stops. The
        // cause goes to the log only (it may be a database message).
        console.error(
          `[tracking] could not store the outcome (${status}) of execution ${executionId}; recording it as failed`,
          saveError,
        );
        // The answer was not stored: the result must not name it.
        ctx.messageId = undefined;
        delete result.messageId;
        const fallbackError = result.error
          ? `${result.error.message} The run's result could not be saved.`
          : `The run ended (${status}) but its result could not be saved.`;
        surfaceAsFailed(ctx, result, events, fallbackError);
        const failedNotice = this.bus.eventNotification(executionId, ctx.userId, events);
        try {
          finished = await finishExecution({
            record: { ...record, outputData: null, errorMessage: fallbackError },
            status: "failed",
            accumulateTime: ctx.resumed,
            events: toEventRows(events),
            notifications: failedNotice ? [failedNotice] : [],
            instanceId: this.bus.instanceId,
            rowNotifications: [feedNotice("failed", fallbackError)],
          });
        } catch (failError) {
          console.error(
            `[tracking] could not store even the failure of execution ${executionId}: it stays "running" until the sweeper marks it interrupted (after LATTICE_RUN_TIMEOUT_MS)`,
            failError,
          );
          throw failError;
        }
      }
      // The answer as stored: a chat stream's closing `message` event is made from it, with no read back.
      ctx.storedAnswer = finished.answer ?? undefined;
      if (!finished.applied) {
        console.warn(
          `[tracking] execution ${executionId} was no longer running when it finished (${status}); its outcome was not counted again`,
        );
      }
      // Committed: now the end may be announced here (other instances got it with the commit).
      for (const event of events) if (isTerminalEvent(event)) this.bus.publishLocal(event);
      if (finished.row) this.bus.publishFeedLocal(ctx.userId, toRunStatusEvent(finished.row, statusAt));
    } finally {
      this.writer.release(executionId, events);
      this.registry.remove(executionId);
      this.chatDrafts.delete(executionId);
    }
  }
}

const g = globalThis as typeof globalThis & { __latticeWorkflowTracker?: WorkflowTracker };

/** The process's tracker (one writer, one registry, one heartbeat for all runs). */
export function getWorkflowTracker(): WorkflowTracker {
  g.__latticeWorkflowTracker ??= new WorkflowTracker();
  return g.__latticeWorkflowTracker;
}
