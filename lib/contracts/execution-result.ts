/**
 * ExecutionResult — what a run produced, derived from its ExecutionContext when the run ends (or pauses),
 * and `toApiResponse`, the one conversion from it to the JSON an API client receives.
 * Client-safe: the chat UI and the monitor parse `run_completed` events with these schemas.
 */
import { z } from "zod";

export const EXECUTION_STATUSES = ["completed", "failed", "cancelled", "paused"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** Tokens per "provider:model", the breakdown cost is computed from. */
export const usageByModelSchema = z.record(
  z.string(),
  z.object({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
);
export type UsageByModel = z.infer<typeof usageByModelSchema>;

export const sourceSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  title: z.string(),
  score: z.number(),
  knowledgeBaseId: z.string().optional(),
  /** The start of the passage, for a citation tooltip. */
  excerpt: z.string().optional(),
});
export type Source = z.infer<typeof sourceSchema>;

export const NODE_RUN_STATUSES = ["completed", "failed"] as const;
export const historyEntrySchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  status: z.enum(NODE_RUN_STATUSES),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  /** How many attempts the node's retry policy used. */
  attempts: z.number().int().min(1).optional(),
  error: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const executionErrorSchema = z.object({
  /** AppError-style "type:surface", e.g. "budget:tokens", "timeout:node", "node:failed". */
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
});
export type ExecutionError = z.infer<typeof executionErrorSchema>;

export const HUMAN_MODES = ["approval", "input"] as const;
export const INTERRUPT_KINDS = ["human", "breakpoint"] as const;
export const BREAKPOINT_SIDES = ["before", "after"] as const;
export const interruptInfoSchema = z.object({
  nodeId: z.string(),
  question: z.string(),
  /** A breakpoint is "approval": any answer (or none) continues the run. */
  mode: z.enum(HUMAN_MODES),
  /**
   * What paused the run: a human node (absent: the same) or a breakpoint the run was started with
   * (`options.interruptBefore` / `interruptAfter`), which a continue without an answer resumes.
   */
  kind: z.enum(INTERRUPT_KINDS).optional(),
  /** A breakpoint's side of `nodeId`: paused before it ran, or after. */
  when: z.enum(BREAKPOINT_SIDES).optional(),
});
export type InterruptInfo = z.infer<typeof interruptInfoSchema>;

export const executionResultSchema = z.object({
  executionId: z.string(),
  status: z.enum(EXECUTION_STATUSES),
  output: z.object({
    message: z.string(),
    variables: z.record(z.string(), z.unknown()),
    sources: z.array(sourceSchema).optional(),
  }),
  usage: usageSchema,
  /** US dollars. */
  cost: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  history: z.array(historyEntrySchema),
  error: executionErrorSchema.optional(),
  interrupt: interruptInfoSchema.optional(),
  conversationId: z.string().optional(),
  messageId: z.string().optional(),
  /** Internal: per-model breakdown (the tracker stores it; parent runs add a child's usage to theirs). */
  usageByModel: usageByModelSchema.optional(),
});
export type ExecutionResult = z.infer<typeof executionResultSchema>;

/** The API body for a finished (or paused) run: the public result, without internal breakdowns. */
export type ExecutionApiResponse = Omit<ExecutionResult, "usageByModel">;

export function toApiResponse(result: ExecutionResult): ExecutionApiResponse {
  const { usageByModel: _internal, ...response } = result;
  return {
    ...response,
    // Rounded to the money column's precision so clients see what the database stores.
    cost: Math.round(response.cost * 1e6) / 1e6,
  };
}
