/**
 * Trigger contracts: a workflow's schedules (/api/workflows/:id/schedules) and webhooks
 * (/api/workflows/:id/webhooks, called at POST /api/hooks/:token). Client-safe: the editor's Triggers panel
 * parses the same schemas.
 */
import { z } from "zod";
import { idSchema, nullableTimestampSchema, timestampSchema } from "@/lib/contracts/common";
import { executionInputSchema } from "@/lib/contracts/execution-request";

/** How many next times a schedule shows. */
export const NEXT_RUNS_SHOWN = 5;
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;

const nameSchema = z.string().trim().min(1, "must not be empty").max(100);
const versionSchema = z
  .number()
  .int()
  .min(1)
  .nullable()
  .meta({ description: "The workflow version it runs; null: the latest version at each run" });

export const MISSED_TICK_POLICIES = ["skip", "run_once"] as const;

/** When a schedule fires: a cron expression in a time zone, or every N minutes. */
export const scheduleTimingSchema = z
  .object({
    kind: z.enum(["cron", "interval"]),
    cron: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Five fields (minute hour day month weekday), e.g. "0 9 * * 1-5"; kind "cron"' }),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'IANA time zone the cron is read in, e.g. "Europe/Paris" (default UTC)' }),
    intervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_INTERVAL_MINUTES)
      .optional()
      .meta({ description: 'Every N minutes; kind "interval"' }),
  })
  .strict();
export type ScheduleTiming = z.infer<typeof scheduleTimingSchema>;

export const createScheduleBodySchema = scheduleTimingSchema
  .extend({
    name: nameSchema.optional(),
    input: executionInputSchema.optional(),
    version: versionSchema.optional(),
    enabled: z.boolean().optional(),
    missedTicks: z
      .enum(MISSED_TICK_POLICIES)
      .optional()
      .meta({ description: "A tick missed while nothing was running: skip it (default) or run it once when back" }),
  })
  .strict()
  .meta({ id: "CreateScheduleBody" });
export type CreateScheduleBody = z.infer<typeof createScheduleBodySchema>;

export const updateScheduleBodySchema = createScheduleBodySchema
  .partial()
  .extend({ kind: z.enum(["cron", "interval"]).optional() })
  .strict()
  .meta({ id: "UpdateScheduleBody" });
export type UpdateScheduleBody = z.infer<typeof updateScheduleBodySchema>;

export const scheduleSchema = z
  .object({
    id: idSchema,
    workflowId: idSchema,
    name: z.string(),
    kind: z.enum(["cron", "interval"]),
    cron: z.string().nullable(),
    timezone: z.string(),
    intervalMinutes: z.number().int().nullable(),
    input: executionInputSchema,
    version: z.number().int().nullable(),
    enabled: z.boolean(),
    missedTicks: z.enum(MISSED_TICK_POLICIES),
    nextRunAt: nullableTimestampSchema,
    /** The next five times it fires (empty while paused). */
    nextRuns: z.array(timestampSchema),
    lastRunAt: nullableTimestampSchema,
    lastExecutionId: idSchema.nullable(),
    lastError: z.string().nullable(),
    createdAt: timestampSchema,
  })
  .meta({ id: "Schedule" });
export type Schedule = z.infer<typeof scheduleSchema>;

export const scheduleListResponseSchema = z.object({ schedules: z.array(scheduleSchema) });
export const scheduleResponseSchema = z.object({ schedule: scheduleSchema });
export const schedulePreviewResponseSchema = z
  .object({ nextRuns: z.array(timestampSchema), description: z.string() })
  .meta({ id: "SchedulePreview" });
export type SchedulePreview = z.infer<typeof schedulePreviewResponseSchema>;

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

/** Signature header of a signed hook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = "X-Lattice-Signature";
/** A signature older or newer than this is refused (and one seen within it is a replay). */
export const SIGNATURE_WINDOW_SECONDS = 300;
/** A hook call's body cap. */
export const HOOK_MAX_BODY_BYTES = 256 * 1024;
export const MAX_WAIT_SECONDS = 120;

const expressionSchema = z.string().trim().max(2000).nullable();
const headerNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,64}$/, "must be a header name (letters, digits, dashes)")
  .refine((name) => !["authorization", "cookie", "x-lattice-signature"].includes(name), {
    message: "is not passed to runs (credentials stay out of a run's input)",
  });

export const createWebhookBodySchema = z
  .object({
    name: nameSchema.optional(),
    version: versionSchema.optional(),
    enabled: z.boolean().optional(),
    /** Require `X-Lattice-Signature` (a secret is made and shown once). */
    signed: z.boolean().optional(),
    messageExpression: expressionSchema.optional().meta({
      description:
        'JSONata over { body, headers } for the run\'s message (default: body.message when it is text, else the body as JSON), e.g. "body.text"',
    }),
    variablesExpression: expressionSchema.optional().meta({
      description:
        'JSONata over { body, headers } for the run\'s variables, an object (default: { "body": body, "headers": headers })',
    }),
    headers: z
      .array(headerNameSchema)
      .max(20)
      .optional()
      .meta({ description: "Request headers the mapping may read (as headers.<name>)" }),
    responseMode: z
      .enum(["async", "wait"])
      .optional()
      .meta({
        description: "async: 202 with the execution id at once; wait: the run's result (202 after the timeout)",
      }),
    waitTimeoutSeconds: z.number().int().min(1).max(MAX_WAIT_SECONDS).optional(),
    ratePerMinute: z.number().int().min(1).max(600).optional(),
  })
  .strict()
  .meta({ id: "CreateWebhookBody" });
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const updateWebhookBodySchema = createWebhookBodySchema.omit({ signed: true }).meta({ id: "UpdateWebhookBody" });
export type UpdateWebhookBody = z.infer<typeof updateWebhookBodySchema>;

export const rotateWebhookBodySchema = z
  .object({ rotate: z.enum(["url", "secret"]).meta({ description: "url: a new token; secret: a new signing secret" }) })
  .strict()
  .meta({ id: "RotateWebhookBody" });

export const webhookSchema = z
  .object({
    id: idSchema,
    workflowId: idSchema,
    name: z.string(),
    /** The path to POST to (`/api/hooks/<token>`); the token is the secret part of the URL. */
    path: z.string(),
    enabled: z.boolean(),
    version: z.number().int().nullable(),
    signed: z.boolean(),
    messageExpression: z.string().nullable(),
    variablesExpression: z.string().nullable(),
    headers: z.array(z.string()),
    responseMode: z.enum(["async", "wait"]),
    waitTimeoutSeconds: z.number().int(),
    ratePerMinute: z.number().int(),
    lastCalledAt: nullableTimestampSchema,
    createdAt: timestampSchema,
  })
  .meta({ id: "Webhook" });
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookListResponseSchema = z.object({ webhooks: z.array(webhookSchema) });
/** A created or rotated hook; `secret` only when a new one was made (shown this once). */
export const webhookResponseSchema = z.object({ webhook: webhookSchema, secret: z.string().optional() });
export type WebhookResponse = z.infer<typeof webhookResponseSchema>;

/** What POST /api/hooks/:token answers: 202 with the run to follow, or (wait mode) its outcome. */
export const hookResponseSchema = z
  .object({
    executionId: idSchema,
    status: z.enum(["pending", "running", "completed", "failed", "cancelled", "paused"]),
    output: z.object({ message: z.string(), variables: z.record(z.string(), z.unknown()) }).optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: "HookResponse" });
export type HookResponse = z.infer<typeof hookResponseSchema>;
