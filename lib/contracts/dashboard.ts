/**
 * The monitor dashboard's contract: time ranges, and the figures the dashboard shows (what
 * `getDashboard` returns). Client-safe: the page hands these to client charts as they are.
 */
import { z } from "zod";

/** The ranges the dashboard and the list offer, each with the bucket width of its time series. */
export const DASHBOARD_RANGES = {
  "1h": { label: "Last hour", ms: 3_600_000, bucketMs: 5 * 60_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000, bucketMs: 3_600_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, bucketMs: 86_400_000 },
} as const;
export type DashboardRangeKey = keyof typeof DASHBOARD_RANGES;
export const DASHBOARD_RANGE_KEYS = Object.keys(DASHBOARD_RANGES) as DashboardRangeKey[];
export const DEFAULT_RANGE: DashboardRangeKey = "24h";

export function isRangeKey(value: unknown): value is DashboardRangeKey {
  return typeof value === "string" && value in DASHBOARD_RANGES;
}

export const runAggregateSchema = z.object({
  runs: z.number().int(),
  completed: z.number().int(),
  /** failed + interrupted */
  failed: z.number().int(),
  cancelled: z.number().int(),
  /** pending, running or paused */
  active: z.number().int(),
  /** completed / (completed + failed): cancelled runs are left out (lib/contracts/success-rate.ts); null when none. */
  successRate: z.number().min(0).max(1).nullable(),
  p50DurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  avgDurationMs: z.number().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  tokens: z.number().int(),
  /** US dollars */
  cost: z.number(),
});
export type RunAggregate = z.infer<typeof runAggregateSchema>;

export const dashboardSchema = z.object({
  range: z.object({
    key: z.enum(DASHBOARD_RANGE_KEYS as [DashboardRangeKey, ...DashboardRangeKey[]]),
    from: z.string(),
    to: z.string(),
    bucketMs: z.number().int(),
  }),
  totals: runAggregateSchema,
  series: z.array(runAggregateSchema.extend({ start: z.string() })),
  byWorkflow: z.array(
    runAggregateSchema.extend({
      definitionId: z.string(),
      name: z.string(),
      versions: z.array(runAggregateSchema.extend({ version: z.number().int().nullable() })),
    }),
  ),
  byTemplate: z.array(runAggregateSchema.extend({ templateId: z.string(), name: z.string() })),
  byType: z.array(runAggregateSchema.extend({ workflowType: z.string() })),
  /** What started the runs (manual, api, chat, schedule, webhook, mcp…), most runs first. */
  byTrigger: z.array(runAggregateSchema.extend({ trigger: z.string() })),
  byModel: z.array(
    runAggregateSchema.extend({
      /** "provider:model" */
      model: z.string(),
      provider: z.string(),
      name: z.string(),
      /** Tokens this model itself used (the run figures are of every run that used it). */
      modelInputTokens: z.number().int(),
      modelOutputTokens: z.number().int(),
      /** What this model's tokens cost (as stored with each run, else at list price); null when unknown. */
      modelCost: z.number().nullable(),
    }),
  ),
  topFailing: z.array(
    z.object({
      subject: z.enum(["workflow", "template", "type"]),
      key: z.string(),
      name: z.string(),
      runs: z.number().int(),
      failures: z.number().int(),
      commonError: z.string().nullable(),
      commonErrorCount: z.number().int(),
      lastFailedAt: z.string().nullable(),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
