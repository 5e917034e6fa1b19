/** Execution contracts: run requests, results, records and list filters of /api/executions/**. Client-safe. */
import { z } from "zod";
import {
  chatRequestSchema,
  customRequestSchema,
  definitionRequestSchema,
  DURABILITY_MODES,
  executionRequestSchema,
  templateRequestSchema,
  TRIGGER_TYPES,
  type ExecutionRequest,
} from "@/lib/contracts/execution-request";
import {
  executionErrorSchema,
  historyEntrySchema,
  interruptInfoSchema,
  sourceSchema,
  usageSchema,
} from "@/lib/contracts/execution-result";
import { graphSchema } from "@/lib/workflow/definition";
import {
  cursorSchema,
  idSchema,
  jsonRecordSchema,
  nullableTimestampSchema,
  pageLimitSchema,
  timestampSchema,
} from "@/lib/contracts/common";

/** Every status an execution row can have (the engine's result statuses plus the tracker's own). */
export const EXECUTION_RECORD_STATUSES = [
  "pending",
  "running",
  "paused",
  "completed",
  "failed",
  "cancelled",
  "interrupted",
] as const;
export type ExecutionRecordStatus = (typeof EXECUTION_RECORD_STATUSES)[number];
export const WORKFLOW_TYPES = ["CHAT", "DEFINITION", "TEMPLATE", "CUSTOM"] as const;
/** Statuses after which a run will not change again on its own. */
export const FINISHED_STATUSES: readonly ExecutionRecordStatus[] = ["completed", "failed", "cancelled", "interrupted"];

/**
 * How POST /api/executions delivers a run, beside the request itself. `async: true`: answer 202 with the
 * execution id at once instead of waiting (in queue mode the run goes to the job queue and a worker runs
 * it; inline, it runs on here like `Prefer: respond-async`). `runAt` (queue mode): start no earlier than
 * then — a scheduled run, answered 202 like an async one.
 */
const runDeliveryShape = {
  async: z
    .boolean()
    .optional()
    .meta({ description: "Answer 202 with the execution id at once; in queue mode a worker runs it" }),
  runAt: timestampSchema.optional().meta({ description: "Queue mode: start no earlier than this time (answered 202)" }),
};

/** POST /api/executions: one ExecutionRequest (lib/contracts/execution-request.ts), the same contract the engine takes, plus delivery. */
export const runExecutionBodySchema = z
  .discriminatedUnion("type", [
    customRequestSchema.extend(runDeliveryShape),
    definitionRequestSchema.extend(runDeliveryShape),
    templateRequestSchema.extend(runDeliveryShape),
    chatRequestSchema.safeExtend(runDeliveryShape),
  ])
  .meta({ id: "ExecutionRequest" });
export type RunExecutionBody = z.infer<typeof runExecutionBodySchema>;

/** The body's ExecutionRequest (what the engine takes) and its delivery options, apart. */
export function splitRunExecutionBody(body: RunExecutionBody): {
  request: ExecutionRequest;
  async: boolean;
  runAt?: Date;
} {
  const { async: asyncRun, runAt, ...request } = body;
  return {
    request: executionRequestSchema.parse(request),
    async: asyncRun === true,
    ...(runAt ? { runAt: new Date(runAt) } : {}),
  };
}

/** What a finished (or paused) run answers: `toApiResponse(result)`. */
export const executionResultResponseSchema = z
  .object({
    executionId: idSchema,
    status: z.enum(["completed", "failed", "cancelled", "paused"]),
    output: z.object({
      message: z.string(),
      variables: jsonRecordSchema,
      sources: z.array(sourceSchema).optional(),
    }),
    usage: usageSchema,
    cost: z.number().meta({ description: "US dollars" }),
    durationMs: z.number(),
    history: z.array(historyEntrySchema),
    error: executionErrorSchema.optional(),
    interrupt: interruptInfoSchema.optional(),
    conversationId: idSchema.optional(),
    messageId: idSchema.optional(),
  })
  .meta({ id: "ExecutionResult" });
export type ExecutionResultResponse = z.infer<typeof executionResultResponseSchema>;

export const executionSummarySchema = z
  .object({
    id: idSchema,
    status: z.enum(EXECUTION_RECORD_STATUSES),
    workflowType: z.enum(WORKFLOW_TYPES),
    definitionId: idSchema.nullable(),
    definitionVersion: z.number().int().nullable(),
    templateId: idSchema.nullable(),
    conversationId: idSchema.nullable(),
    parentExecutionId: idSchema.nullable(),
    trigger: z.enum(TRIGGER_TYPES).meta({
      description:
        "What started the run: manual (in the app), api (an API key), chat, rerun, subworkflow, schedule, webhook, mcp",
    }),
    triggerId: z.string().nullable().meta({ description: "The schedule, webhook or other object that started it" }),
    startedAt: nullableTimestampSchema,
    completedAt: nullableTimestampSchema,
    durationMs: z.number().int().nullable(),
    usage: usageSchema,
    cost: z.number().meta({ description: "US dollars" }),
    errorMessage: z.string().nullable(),
    createdAt: timestampSchema,
  })
  .meta({ id: "ExecutionSummary" });
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

export const executionEventsSummarySchema = z
  .object({
    total: z.number().int(),
    lastSeq: z.number().int().meta({ description: "Pass as Last-Event-ID to the events stream to continue after it" }),
    byType: z.record(z.string(), z.number().int()),
  })
  .meta({ id: "ExecutionEventsSummary" });

export const executionDetailSchema = executionSummarySchema
  .extend({
    input: jsonRecordSchema.nullable(),
    output: jsonRecordSchema.nullable(),
    history: z.array(historyEntrySchema),
    /** The graph the run used, kept with it so the run stays explainable after its definition changes. */
    definition: graphSchema.partial().nullable(),
    usageByModel: z.record(z.string(), z.object({ inputTokens: z.number(), outputTokens: z.number() })).nullable(),
    correlationId: z.string().nullable(),
    events: executionEventsSummarySchema,
  })
  .meta({ id: "ExecutionDetail" });
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;

export const EXECUTION_PAGE_MAX = 100;

/** GET /api/executions query string. Several statuses: `status=failed&status=cancelled` or `status=failed,cancelled`. */
export const executionListQuerySchema = z
  .object({
    status: z.array(z.enum(EXECUTION_RECORD_STATUSES)).max(EXECUTION_RECORD_STATUSES.length).optional(),
    type: z.enum(WORKFLOW_TYPES).optional(),
    trigger: z.enum(TRIGGER_TYPES).optional().meta({ description: "Runs started this way" }),
    triggerId: z.string().min(1).max(64).optional().meta({ description: "Runs started by this schedule or hook" }),
    workflowId: idSchema.optional(),
    templateId: idSchema.optional(),
    conversationId: idSchema.optional(),
    model: z
      .string()
      .min(3)
      .max(200)
      .regex(/^[^:\s]+:\S+$/, 'must be "provider:model"')
      .optional()
      .meta({
        description:
          'Runs that used this model ("provider:model", e.g. "openai:gpt-4o-mini"); known once a run has finished',
      }),
    from: timestampSchema.optional().meta({ description: "Runs created at or after this time" }),
    to: timestampSchema.optional().meta({ description: "Runs created before this time" }),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema(EXECUTION_PAGE_MAX, 25),
  })
  .strict();
export type ExecutionListQuery = z.infer<typeof executionListQuerySchema>;

export const executionListResponseSchema = z
  .object({
    executions: z.array(executionSummarySchema),
    nextCursor: z.string().nullable().meta({ description: "null on the last page" }),
  })
  .meta({ id: "ExecutionPage" });

export const executionResponseSchema = z.object({ execution: executionDetailSchema });

/**
 * POST /api/executions/:id/resume: the answer to the human node the run waits at — `approved` for an
 * approval step, `text` for an input step (a 422 without either). A run paused at a breakpoint
 * (interrupt `kind: "breakpoint"`) continues with an empty body `{}`.
 */
export const resumeExecutionBodySchema = z
  .object({
    /** For an approval step: approve or reject. */
    approved: z.boolean().optional(),
    /** For an input step: the person's answer (or a comment with an approval). */
    text: z.string().max(100_000).optional(),
  })
  .strict()
  .meta({ id: "ResumeExecutionBody" });
export type ResumeExecutionBody = z.infer<typeof resumeExecutionBodySchema>;

/** POST /api/executions/:id/cancel answers with the run's status after the cancel request. */
export const cancelExecutionResponseSchema = z.object({
  executionId: idSchema,
  status: z.enum(EXECUTION_RECORD_STATUSES),
});

/**
 * POST /api/executions/:id/rerun (optional JSON body). Without `fromStep` the run starts over with the same
 * request; with it (time travel) the new run starts at one of the run's steps (GET the run's steps on the
 * monitor page), with the state's variables replaced by `variables` when given. `durability` overrides the
 * run's checkpoint durability for a re-run from the start.
 */
export const rerunExecutionBodySchema = z
  .object({
    fromStep: z
      .object({
        checkpointId: z.string().min(1).max(100),
        variables: jsonRecordSchema.optional(),
      })
      .strict()
      .optional(),
    /** Keep a checkpoint after every step this time ("sync"/"async"), so the new run can be travelled in. */
    durability: z.enum(DURABILITY_MODES).optional(),
  })
  .strict()
  .meta({ id: "RerunExecutionBody" });
export type RerunExecutionBody = z.infer<typeof rerunExecutionBodySchema>;

/** One step of a run a time-travel re-run can start from (a checkpoint between supersteps). */
export const executionStepSchema = z
  .object({
    checkpointId: z.string(),
    step: z.number().int(),
    /** The nodes that run next from here. */
    next: z.array(z.string()),
    createdAt: z.string(),
    variables: jsonRecordSchema,
    messageCount: z.number().int(),
    lastMessage: z.object({ role: z.string(), text: z.string() }).nullable(),
  })
  .meta({ id: "ExecutionStep" });
export type ExecutionStep = z.infer<typeof executionStepSchema>;

/**
 * 202 answer of a run started, resumed or re-run with `Prefer: respond-async` (or `async: true`): follow it
 * over its events. `pending`: queued (queue mode) — a worker starts it, at `runAt` when scheduled.
 */
export const detachedRunResponseSchema = z
  .object({
    executionId: idSchema,
    status: z.enum(["running", "pending"]),
    runAt: nullableTimestampSchema.optional().meta({ description: "A scheduled run's earliest start" }),
  })
  .meta({ id: "DetachedRun" });
export type DetachedRunResponse = z.infer<typeof detachedRunResponseSchema>;
