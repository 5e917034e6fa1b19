/**
 * The analytics service `/api/analytics/*` uses: a validated time range (zod, defaults to the last 7 days)
 * and the figures computed from the execution rows (lib/db/queries/analytics.ts: runs created in the range)
 * — overall, over time, per template, per definition and version, per model, and the top failing workflows.
 * Interrupted runs are their own count here; the success rate is completed out of the runs that completed,
 * failed or were interrupted — cancelled runs are left out (lib/contracts/success-rate.ts, as on the
 * dashboard). Tokens and cost sum the rows, each holding its own run's only (a child run's are on its own
 * row), so each is counted once.
 */
import "server-only";
import { z } from "zod";
import {
  getModelAggregates,
  getRunAggregates,
  getTopFailing,
  type AggregateGroup,
  type AnalyticsRange,
  type Buckets,
  type FailingRow,
  type ModelAggregate,
  type RunAggregate,
} from "@/lib/db/queries/analytics";
import { parseUsageKey } from "@/lib/models/pricing";
import { TRIGGER_TYPES } from "@/lib/contracts/execution-request";
import { asTriggerType } from "./records";
import { successRate } from "@/lib/contracts/success-rate";
import type { failingWorkflowSchema, modelStatsSchema, runStatsSchema } from "@/lib/contracts/analytics";

/** A run aggregate as the API shows it: pending runs only within `runs`, durations rounded to 0.01 ms. */
export type RunStats = Omit<RunAggregate, "pending"> & {
  /** completed / (completed + failed + interrupted): cancelled runs are left out; null when none of those. */
  successRate: number | null;
};

export interface ModelStats {
  /** "provider:model". */
  model: string;
  provider: string;
  /** Runs that used the model; outcome and duration figures are those runs'. */
  runs: number;
  completed: number;
  successRate: number | null;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  /** What the model's tokens cost, US dollars. */
  cost: number;
}

export interface FailingWorkflow {
  /** What failed: a saved definition, else a template, else the kind of request. */
  definitionId: string | null;
  templateId: string | null;
  workflowType: string;
  name: string;
  /** Failed and interrupted runs. */
  failures: number;
  runs: number;
  /** The error message seen most often (a tie: the one seen last), and how many times. */
  topError: string | null;
  topErrorCount: number;
}

export type TimeBucket = "hour" | "day";

/** UTC hours and days: buckets counted from the epoch. */
const BUCKETS: Record<TimeBucket, Buckets> = {
  hour: { originMs: 0, widthMs: 3_600_000 },
  day: { originMs: 0, widthMs: 86_400_000 },
};

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function toRunStats(aggregate: RunAggregate): RunStats {
  const { pending: _pending, ...stats } = aggregate;
  return {
    ...stats,
    successRate: successRate(aggregate),
    avgDurationMs: round(stats.avgDurationMs),
    p50DurationMs: round(stats.p50DurationMs),
    p95DurationMs: round(stats.p95DurationMs),
  };
}

/** A model's own tokens and their stored cost; outcome and duration figures of the runs that used it. */
function toModelStats(m: ModelAggregate): ModelStats {
  return {
    model: m.model,
    provider: parseUsageKey(m.model).provider,
    runs: m.runs,
    completed: m.completed,
    successRate: successRate(m),
    avgDurationMs: round(m.avgDurationMs),
    p95DurationMs: round(m.p95DurationMs),
    inputTokens: m.modelInputTokens,
    outputTokens: m.modelOutputTokens,
    tokens: m.modelInputTokens + m.modelOutputTokens,
    cost: m.storedCost,
  };
}

function toFailingWorkflow(f: FailingRow): FailingWorkflow {
  return {
    definitionId: f.subject === "workflow" ? f.key : null,
    templateId: f.subject === "template" ? f.key : null,
    workflowType: f.workflowType,
    name: f.name,
    failures: f.failures,
    runs: f.runs,
    topError: f.commonError,
    // How often the message was seen: none when the failures gave none.
    topErrorCount: f.commonError === null ? 0 : f.commonErrorCount,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 366;

/** Query parameters of a range: ISO 8601 dates; `bucket` for series (default: hours up to 2 days, else days). */
export const analyticsRangeQuerySchema = z
  .object({
    from: z.coerce.date({ error: "must be a date (ISO 8601)" }).optional(),
    to: z.coerce.date({ error: "must be a date (ISO 8601)" }).optional(),
    bucket: z.enum(["hour", "day"]).optional(),
    trigger: z.enum(TRIGGER_TYPES).optional(),
    definitionId: z
      .string()
      .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, "must be a 26-character ULID")
      .optional(),
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
    return {
      from,
      to,
      bucket,
      ...(q.definitionId ? { definitionId: q.definitionId } : {}),
      ...(q.trigger ? { trigger: q.trigger } : {}),
    };
  });
export type AnalyticsRangeQuery = z.output<typeof analyticsRangeQuerySchema>;

function range(ownerId: string, query: AnalyticsRangeQuery): AnalyticsRange {
  return { ownerId, from: query.from, to: query.to, ...(query.trigger ? { trigger: query.trigger } : {}) };
}

/** The run stats of the asked-for groups, from one statement. */
async function runStats(ownerId: string, query: AnalyticsRangeQuery, groups: AggregateGroup[]) {
  const a = await getRunAggregates({
    ...range(ownerId, query),
    groups,
    ...(groups.includes("bucket") ? { buckets: BUCKETS[query.bucket] } : {}),
  });
  return {
    summary: toRunStats(a.total),
    triggers: a.triggers.map(({ trigger, ...stats }) => ({ trigger: asTriggerType(trigger), ...toRunStats(stats) })),
    series: a.series.map(({ bucketStart, ...stats }) => ({ bucketStart, ...toRunStats(stats) })),
    templates: a.templates.map(({ templateId, name, isBuiltin, ...stats }) => ({
      templateId,
      name,
      isBuiltin,
      ...toRunStats(stats),
    })),
    // Per saved definition and version (optionally one definition's), by name.
    definitions: a.versions
      .filter((v) => !query.definitionId || v.definitionId === query.definitionId)
      .sort(
        (x, y) =>
          x.name.localeCompare(y.name) ||
          x.definitionId.localeCompare(y.definitionId) ||
          (x.version ?? Infinity) - (y.version ?? Infinity),
      )
      .map(({ definitionId, name, version, ...stats }) => ({ definitionId, name, version, ...toRunStats(stats) })),
  };
}

async function modelStats(ownerId: string, query: AnalyticsRangeQuery): Promise<ModelStats[]> {
  return (await getModelAggregates(range(ownerId, query))).map(toModelStats);
}

async function failingWorkflows(ownerId: string, query: AnalyticsRangeQuery): Promise<FailingWorkflow[]> {
  return (await getTopFailing({ ...range(ownerId, query), limit: 10 })).map(toFailingWorkflow);
}

/** Everything the analytics show, in one call. */
export async function getAnalyticsDashboard({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  const [{ summary, series, templates, definitions }, models, failing] = await Promise.all([
    runStats(ownerId, query, ["total", "bucket", "template", "version"]),
    modelStats(ownerId, query),
    failingWorkflows(ownerId, query),
  ]);
  return {
    range: { from: query.from, to: query.to, bucket: query.bucket },
    summary,
    series,
    templates,
    definitions,
    models,
    failing,
  };
}

export async function getAnalyticsSummary({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  const [{ summary, series, triggers }, models, failing] = await Promise.all([
    runStats(ownerId, query, ["total", "bucket", "trigger"]),
    modelStats(ownerId, query),
    failingWorkflows(ownerId, query),
  ]);
  return {
    range: { from: query.from, to: query.to, bucket: query.bucket },
    summary,
    series,
    triggers,
    models,
    failing,
  };
}

export async function getTemplateAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  return {
    range: { from: query.from, to: query.to },
    templates: (await runStats(ownerId, query, ["template"])).templates,
  };
}

export async function getDefinitionAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  return {
    range: { from: query.from, to: query.to },
    definitions: (await runStats(ownerId, query, ["version"])).definitions,
  };
}

export async function getModelAnalytics({ ownerId, query }: { ownerId: string; query: AnalyticsRangeQuery }) {
  return { range: { from: query.from, to: query.to }, models: await modelStats(ownerId, query) };
}

// The API's contracts (lib/contracts/analytics.ts) describe exactly what these queries compute.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _stats: Same<z.infer<typeof runStatsSchema>, RunStats> = true;
const _models: Same<z.infer<typeof modelStatsSchema>, ModelStats> = true;
const _failing: Same<z.infer<typeof failingWorkflowSchema>, FailingWorkflow> = true;
void _stats;
void _models;
void _failing;
