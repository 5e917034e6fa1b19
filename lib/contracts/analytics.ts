/**
 * Analytics contracts: /api/analytics/{summary,templates,workflows}. Figures are computed from the caller's
 * own execution rows over a time range (default: the last 7 days). Client-safe.
 */
import { z } from "zod";
import { TRIGGER_TYPES } from "./execution-request";
import { queueDepthSchema } from "@/lib/contracts/queue-depth";
import { idSchema, timestampSchema } from "@/lib/contracts/common";

/** Query of every analytics route. The range rules (from before to, at most a year) are the service's. */
export const analyticsQuerySchema = z
  .object({
    from: timestampSchema.optional().meta({
      description:
        "Start of the range (default: 7 days before `to`); a run belongs to the range by when it was created",
    }),
    to: timestampSchema.optional().meta({ description: "End of the range (default: now)" }),
    bucket: z
      .enum(["hour", "day"])
      .optional()
      .meta({ description: "Series bucket (default: hours up to 2 days, else days)" }),
    trigger: z
      .enum(TRIGGER_TYPES)
      .optional()
      .meta({
        description: "Only runs started this way (manual, api, chat, rerun, subworkflow, schedule, webhook, mcp)",
      }),
  })
  .strict();
export const workflowAnalyticsQuerySchema = analyticsQuerySchema
  .extend({ workflowId: idSchema.optional().meta({ description: "Only this workflow (its versions)" }) })
  .strict();

const nullableNumber = z.number().nullable();

export const runStatsSchema = z
  .object({
    runs: z.number().int(),
    running: z.number().int(),
    paused: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    interrupted: z.number().int(),
    successRate: nullableNumber.meta({
      description:
        "completed / (completed + failed + interrupted): cancelled runs are left out; null when no run completed or failed",
    }),
    avgDurationMs: nullableNumber,
    p50DurationMs: nullableNumber,
    p95DurationMs: nullableNumber,
    tokens: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cost: z.number().meta({ description: "US dollars" }),
  })
  .meta({ id: "RunStats" });

export const modelStatsSchema = z
  .object({
    model: z.string().meta({ description: '"provider:model"' }),
    provider: z.string(),
    runs: z.number().int(),
    completed: z.number().int(),
    successRate: nullableNumber,
    avgDurationMs: nullableNumber,
    p95DurationMs: nullableNumber,
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    tokens: z.number().int(),
    cost: z.number(),
  })
  .meta({ id: "ModelStats" });

export const failingWorkflowSchema = z
  .object({
    definitionId: idSchema.nullable(),
    templateId: idSchema.nullable(),
    workflowType: z.string(),
    name: z.string(),
    failures: z.number().int(),
    runs: z.number().int(),
    topError: z.string().nullable(),
    topErrorCount: z.number().int(),
  })
  .meta({ id: "FailingWorkflow" });

const rangeSchema = z.object({ from: timestampSchema, to: timestampSchema });

export const analyticsSummaryResponseSchema = z
  .object({
    range: rangeSchema.extend({ bucket: z.enum(["hour", "day"]) }),
    summary: runStatsSchema,
    series: z.array(runStatsSchema.extend({ bucketStart: timestampSchema })),
    models: z.array(modelStatsSchema),
    failing: z.array(failingWorkflowSchema),
    /** Per trigger: what started the runs (manual, api, chat, schedule, webhook…). */
    triggers: z.array(runStatsSchema.extend({ trigger: z.enum(TRIGGER_TYPES) })),
    /** The job queue now (not over the range): what waits, what workers run. */
    queue: queueDepthSchema,
  })
  .meta({ id: "AnalyticsSummary" });
export type AnalyticsSummary = z.infer<typeof analyticsSummaryResponseSchema>;

export const templateAnalyticsResponseSchema = z
  .object({
    range: rangeSchema,
    templates: z.array(runStatsSchema.extend({ templateId: idSchema, name: z.string(), isBuiltin: z.boolean() })),
  })
  .meta({ id: "TemplateAnalytics" });
export type TemplateAnalytics = z.infer<typeof templateAnalyticsResponseSchema>;

export const workflowAnalyticsResponseSchema = z
  .object({
    range: rangeSchema,
    workflows: z.array(
      runStatsSchema.extend({
        workflowId: idSchema,
        name: z.string(),
        version: z.number().int().nullable().meta({ description: "The version the runs used" }),
      }),
    ),
  })
  .meta({ id: "WorkflowAnalytics" });
export type WorkflowAnalytics = z.infer<typeof workflowAnalyticsResponseSchema>;
