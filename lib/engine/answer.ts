/**
 * A chat run's answer as a stored message: its status and metadata. One definition for the tracker (which
 * stores the turn with the run's start and finish) and the engine (which stores it itself for trackers that
 * do not).
 */
import { appendMessage } from "@/lib/db/queries/conversations";
import { computeCost } from "@/lib/models/pricing";
import { totalUsage } from "@/lib/workflow/state";
import type { ExecutionContext } from "./context";
import type { ExecutionResult, ExecutionStatus } from "@/lib/contracts/execution-result";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const MESSAGE_STATUS: Record<ExecutionStatus, "complete" | "pending" | "stopped" | "error"> = {
  completed: "complete",
  paused: "pending",
  cancelled: "stopped",
  failed: "error",
};

/**
 * What the child runs this call of a chat run started used (on their own rows, not the run's): a chat
 * answer's tokens and cost are the turn's — its run's and its child runs' — so the conversation's totals
 * count each token once.
 */
export function childRunsUsage(ctx: ExecutionContext): { tokens: number; cost: number } {
  return { tokens: totalUsage(ctx.childUsage).totalTokens, cost: computeCost(ctx.childUsage) };
}

/** A chat answer's metadata: where it came from, its sources, and the memory node's running summary. */
export function answerMetadataOf(ctx: ExecutionContext, result: ExecutionResult): Record<string, unknown> {
  const coversUntil = ctx.state?.metadata?.summary_covers_until;
  return {
    executionId: ctx.executionId,
    ...(ctx.sourceDefinitionId ? { definitionId: ctx.sourceDefinitionId } : {}),
    ...(ctx.sourceTemplateId ? { templateId: ctx.sourceTemplateId } : {}),
    ...(result.output.sources?.length ? { sources: result.output.sources } : {}),
    ...(result.interrupt ? { interrupt: result.interrupt } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(typeof coversUntil === "string" && ULID.test(coversUntil) && ctx.state?.conversation_summary
      ? { conversationSummary: ctx.state.conversation_summary, summaryCoversUntil: coversUntil }
      : {}),
  };
}

/** Without the database tracker: the person's message, stored here (linked to the run's row if it has one). */
export async function storeChatStart(ctx: ExecutionContext): Promise<void> {
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
export async function saveAnswer(ctx: ExecutionContext, result: ExecutionResult): Promise<string> {
  const message = await appendMessage({
    ownerId: ctx.userId,
    conversationId: ctx.conversationId!,
    role: "assistant",
    content: result.output.message,
    executionId: ctx.executionId,
    status: MESSAGE_STATUS[result.status],
    tokens: result.usage.totalTokens + childRunsUsage(ctx).tokens,
    cost: result.cost + childRunsUsage(ctx).cost,
    durationMs: Math.round(result.durationMs),
    metadata: answerMetadataOf(ctx, result),
  });
  return message.id;
}
