/**
 * THE stream contract: every event a run emits, declared once. The engine produces them (from LangGraph's
 * stream), the tracker stores and publishes them, the SSE endpoints send them, the chat UI and the monitor
 * parse them — all with these schemas. Client-safe.
 *
 * Each event is `{ seq, type, executionId, nodeId?, at, data }`; `seq` is per execution, gap-free from 1
 * (a resumed run continues its numbering); the last event of a run (run_completed / run_failed /
 * run_cancelled) carries the ExecutionResult; a paused run emits `interrupt` and then run_completed with
 * status "paused".
 */
import { z } from "zod";
import { executionResultSchema, interruptInfoSchema } from "@/lib/contracts/execution-result";

const nodeUsageSchema = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() });

/** A display-sized account of the state a node starts from (values clipped), for the monitor's node view. */
export const nodeInputSchema = z.object({
  messageCount: z.number().int().nonnegative(),
  lastMessage: z.object({ role: z.string(), text: z.string() }).optional(),
  variables: z.record(z.string(), z.unknown()),
});
export type NodeInput = z.infer<typeof nodeInputSchema>;

export const eventDataSchemas = {
  run_started: z.object({
    workflowType: z.enum(["CHAT", "DEFINITION", "TEMPLATE", "CUSTOM"]),
    workflowId: z.string().optional(),
    definitionId: z.string().optional(),
    definitionVersion: z.number().int().optional(),
    templateId: z.string().optional(),
    conversationId: z.string().optional(),
    correlationId: z.string().optional(),
    parentExecutionId: z.string().optional(),
    /** A child run (subworkflow node, run_workflow tool): the parent's node that started it. */
    parentNodeId: z.string().optional(),
    /** A child run: the seq of its parent's last event when it was started (where it sits among them). */
    parentSeq: z.number().int().min(0).optional(),
    /** True when this call continues a paused run. */
    resumed: z.boolean(),
  }),
  node_started: z.object({
    nodeId: z.string(),
    type: z.string(),
    label: z.string().optional(),
    /** 1 for the first try; more when the node's retry policy tries again. */
    attempt: z.number().int().min(1),
    /** The state it starts from (first attempt only: a retry starts from the same state). */
    input: nodeInputSchema.optional(),
  }),
  token: z.object({ text: z.string(), nodeId: z.string() }),
  tool_call: z.object({
    name: z.string(),
    args: z.unknown(),
    result: z.string().optional(),
    error: z.string().optional(),
    nodeId: z.string(),
    callId: z.string().optional(),
  }),
  node_completed: z.object({
    nodeId: z.string(),
    type: z.string(),
    durationMs: z.number().nonnegative(),
    /** A short, display-sized summary of what the node changed. */
    output: z.record(z.string(), z.unknown()),
    usage: nodeUsageSchema.optional(),
  }),
  node_failed: z.object({
    nodeId: z.string(),
    type: z.string(),
    durationMs: z.number().nonnegative(),
    error: z.string(),
    attempts: z.number().int().min(1),
    /** The run goes on along the node's error edge. */
    handled: z.boolean(),
  }),
  interrupt: interruptInfoSchema,
  run_completed: executionResultSchema,
  run_failed: executionResultSchema,
  run_cancelled: executionResultSchema,
} as const;

export type ExecutionEventType = keyof typeof eventDataSchemas;
export const EXECUTION_EVENT_TYPES = Object.keys(eventDataSchemas) as ExecutionEventType[];
export const TERMINAL_EVENT_TYPES = [
  "run_completed",
  "run_failed",
  "run_cancelled",
] as const satisfies readonly ExecutionEventType[];

const envelope = {
  seq: z.number().int().min(1),
  executionId: z.string(),
  nodeId: z.string().optional(),
  /** ISO 8601 time the engine emitted it. */
  at: z.string(),
};

function eventSchema<T extends ExecutionEventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), data: eventDataSchemas[type] });
}

export const executionEventSchema = z.discriminatedUnion("type", [
  eventSchema("run_started"),
  eventSchema("node_started"),
  eventSchema("token"),
  eventSchema("tool_call"),
  eventSchema("node_completed"),
  eventSchema("node_failed"),
  eventSchema("interrupt"),
  eventSchema("run_completed"),
  eventSchema("run_failed"),
  eventSchema("run_cancelled"),
]);

export type ExecutionEvent = z.infer<typeof executionEventSchema>;
export type ExecutionEventOf<T extends ExecutionEventType> = Extract<ExecutionEvent, { type: T }>;
export type EventData<T extends ExecutionEventType> = z.infer<(typeof eventDataSchemas)[T]>;

export function isTerminalEvent(
  event: ExecutionEvent,
): event is ExecutionEventOf<"run_completed" | "run_failed" | "run_cancelled"> {
  return (TERMINAL_EVENT_TYPES as readonly string[]).includes(event.type);
}

/**
 * One Server-Sent Event: `id:` the sequence number (a reconnecting client sends it back as Last-Event-ID),
 * `event:` the type, `data:` the whole event as JSON (JSON.stringify escapes newlines, so one line).
 */
export function toSse(event: ExecutionEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Parses an event received from a stream (the client side of `toSse`). */
export function parseExecutionEvent(value: unknown): ExecutionEvent {
  return executionEventSchema.parse(value);
}
