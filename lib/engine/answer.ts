/**
 * A chat run's answer as a stored message: its status and metadata. One definition for the tracker (which
 * stores the answer with the run's finish) and the engine (which stores it itself for trackers that do not).
 */
import type { ExecutionContext } from "./context";
import type { ExecutionResult, ExecutionStatus } from "./result";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const MESSAGE_STATUS: Record<ExecutionStatus, "complete" | "pending" | "stopped" | "error"> = {
  completed: "complete",
  paused: "pending",
  cancelled: "stopped",
  failed: "error",
};

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
