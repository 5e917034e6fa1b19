/**
 * The dashboard feed's contract: one `run_status` event each time one of the user's runs changes status
 * (queued, started, paused, completed, failed, cancelled, interrupted). Client-safe: the monitor parses the SSE
 * stream of `GET /api/executions/feed` with this schema.
 *
 * SSE framing: `id:` is the change time in epoch milliseconds — a cursor: a client reconnecting with it as
 * Last-Event-ID gets the current state of every run that changed at or after it (a status can arrive twice
 * across a reconnect; each carries the run's whole current state, so applying it twice is harmless).
 */
import { z } from "zod";
import { TRIGGER_TYPES } from "./execution-request";
import { EXECUTION_RECORD_STATUSES, WORKFLOW_TYPES } from "./executions";

/** `pending`: waiting in the job queue (queue mode), to start or — after its worker died — to continue. */
export const RUN_STATUSES = EXECUTION_RECORD_STATUSES;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runStatusEventSchema = z.object({
  executionId: z.string(),
  status: z.enum(RUN_STATUSES),
  workflowType: z.enum(WORKFLOW_TYPES),
  definitionId: z.string().nullable(),
  definitionVersion: z.number().int().nullable(),
  templateId: z.string().nullable(),
  conversationId: z.string().nullable(),
  parentExecutionId: z.string().nullable(),
  /** What started the run (manual, api, chat, rerun, subworkflow, schedule, webhook, mcp). */
  trigger: z.enum(TRIGGER_TYPES),
  /** The schedule, hook or other object that started it. */
  triggerId: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  tokens: z.number().int(),
  /** US dollars. */
  cost: z.number(),
  error: z.string().nullable(),
  /** When the change happened (ISO 8601); its epoch milliseconds are the SSE id. */
  at: z.string(),
});
export type RunStatusEvent = z.infer<typeof runStatusEventSchema>;

export const FEED_EVENT_TYPE = "run_status";

export function feedCursorOf(event: RunStatusEvent): number {
  return new Date(event.at).getTime();
}

/** One feed event as Server-Sent Event text. */
export function toFeedSse(event: RunStatusEvent): string {
  return `id: ${feedCursorOf(event)}\nevent: ${FEED_EVENT_TYPE}\ndata: ${JSON.stringify(event)}\n\n`;
}
