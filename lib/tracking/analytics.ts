/**
 * The analytics service the dashboard and `/api/analytics/*` use: a validated time range (zod, defaults to
 * the last 7 days) and the figures computed from the execution rows — overall, over time, per template, per
 * definition and version, per model, and the top failing workflows.
 */
import "server-only";
import { z } from "zod";
import {
  getRunStats,
  getRunStatsByDefinition,
  getRunStatsByModel,
  getRunStatsByTemplate,
  getRunStatsOverTime,
  getTopFailingWorkflows,
  type AnalyticsRange,
  type TimeBucket,
} from "@/lib/db/queries/analytics";

export type { FailingWorkflow, ModelStats, RunStats, TimeBucket } from "@/lib/db/queries/analytics";

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 366;

/** Query parameters of a range: ISO 8601 dates; `bucket` for series (default: hours up to 2 days, else days). */
export const analyticsRangeQuerySchema = z
  .object({
    from: z.coerce.date({ error: "must be a date (ISO 8601)" }).optional(),
    to: z.coerce.date({ error: "must be a date (ISO 8601)" }).optional(),
    bucket: z.enum(["hour", "day"]).optional(),
    definitionId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, "must be a 26-character ULID").optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "must be before `to`" });
      return z.NEVER;
    }
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      ctx.addIssue({ code: "custom", path: ["from"], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
      return z.NEVER;
    }
    const bucket: TimeBucket = q.bucket ?? (to.getTime() - from.getTime() <= 2 * DAY_MS ? "hour" : "day");
    return { from, to, bucket, ...(q.definitionId ? { definitionId: q.definitionId } : {}) };
  });
export type AnalyticsRangeQuery = z.output<typeof analyticsRangeQuerySchema>;

function range(ownerId: string, query: AnalyticsRangeQuery): AnalyticsRange {
  return { ownerId, from: query.from, to: query.to };
}

/** Everything the dashboard shows, in one call. */
export async function getAnalyticsDashboard({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  const r = range(ownerId, query);
  const [summary, series, templates, definitions, models, failing] = await Promise.all([
    getRunStats(r),
    getRunStatsOverTime({ ...r, bucket: query.bucket }),
    getRunStatsByTemplate(r),
    getRunStatsByDefinition({ ...r, ...(query.definitionId ? { definitionId: query.definitionId } : {}) }),
    getRunStatsByModel(r),
    getTopFailingWorkflows(r),
  ]);
  return { range: { from: query.from, to: query.to, bucket: query.bucket }, summary, series, templates, definitions, models, failing };
}

export async function getAnalyticsSummary({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  const r = range(ownerId, query);
  const [summary, series, models, failing] = await Promise.all([
    getRunStats(r),
    getRunStatsOverTime({ ...r, bucket: query.bucket }),
    getRunStatsByModel(r),
    getTopFailingWorkflows(r),
  ]);
  return { range: { from: query.from, to: query.to, bucket: query.bucket }, summary, series, models, failing };
}

export async function getTemplateAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  return { range: { from: query.from, to: query.to }, templates: await getRunStatsByTemplate(range(ownerId, query)) };
}

export async function getDefinitionAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  const definitions = await getRunStatsByDefinition({ ...range(ownerId, query), ...(query.definitionId ? { definitionId: query.definitionId } : {}) });
  return { range: { from: query.from, to: query.to }, definitions };
}

export async function getModelAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  return { range: { from: query.from, to: query.to }, models: await getRunStatsByModel(range(ownerId, query)) };
}
