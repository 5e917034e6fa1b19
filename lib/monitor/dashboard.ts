/**
 * The monitor dashboard: the owner's figures over a time range (runs created in it), assembled from the
 * analytics queries (lib/db/queries/analytics.ts, three statements) into the client-safe `Dashboard` DTO:
 * failures include interrupted runs, cancelled ones count in no success rate, empty buckets are filled, workflow versions nest under their workflow,
 * model usage stored without a cost is priced at today's list price. Tokens and cost count each token once:
 * a row holds its own run's usage only, a child run's being on its own row (docs/architecture.md, "Child runs").
 */
import "server-only";
import {
  getModelAggregates,
  getRunAggregates,
  getTopFailing,
  NO_RUNS,
  type AnalyticsRange,
  type RunAggregate as RowAggregate,
} from "@/lib/db/queries/analytics";
import { getPricing, parseUsageKey } from "@/lib/models/pricing";
import { DASHBOARD_RANGES, type Dashboard, type DashboardRangeKey, type RunAggregate } from "@/lib/contracts/dashboard";
import { successRate } from "@/lib/contracts/success-rate";

export interface DashboardRange extends AnalyticsRange {
  /** Width of one bucket of the time series. */
  bucketMs: number;
}

/**
 * The dashboard's figures: an interrupted run is a failure, pending, running and paused ones are active, and
 * the success rate leaves cancelled runs out (lib/contracts/success-rate.ts).
 */
function withRate(row: RowAggregate): RunAggregate {
  return {
    runs: row.runs,
    completed: row.completed,
    failed: row.failed + row.interrupted,
    cancelled: row.cancelled,
    active: row.pending + row.running + row.paused,
    successRate: successRate(row),
    p50DurationMs: row.p50DurationMs,
    p95DurationMs: row.p95DurationMs,
    avgDurationMs: row.avgDurationMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    tokens: row.tokens,
    cost: row.cost,
  };
}

/** The range ending now (rounded up to the next bucket, so buckets stay put while the page refreshes). */
export function dashboardRange({
  ownerId,
  key,
  now = new Date(),
}: {
  ownerId: string;
  key: DashboardRangeKey;
  now?: Date;
}): DashboardRange {
  const { ms, bucketMs } = DASHBOARD_RANGES[key];
  const to = new Date(Math.ceil((now.getTime() + 1) / bucketMs) * bucketMs);
  return { ownerId, from: new Date(to.getTime() - ms), to, bucketMs };
}

export async function getDashboard({
  ownerId,
  key,
  now,
}: {
  ownerId: string;
  key: DashboardRangeKey;
  now?: Date;
}): Promise<Dashboard> {
  const range = dashboardRange({ ownerId, key, ...(now ? { now } : {}) });
  // One statement at a time: the embedded database serves one query at a time anyway, and a pooled
  // server is better left to the requests of other users than flooded by one page.
  const { total, series, workflows, versions, templates, types, triggers } = await getRunAggregates({
    ...range,
    groups: ["total", "bucket", "workflow", "version", "template", "type", "trigger"],
    buckets: { originMs: range.from.getTime(), widthMs: range.bucketMs },
  });
  const models = await getModelAggregates(range);
  const failing = await getTopFailing({ ...range, limit: 5 });

  const buckets = Math.round((range.to.getTime() - range.from.getTime()) / range.bucketMs);
  const byStart = new Map(series.map((row) => [row.bucketStart.getTime(), row]));
  const filled = Array.from({ length: buckets }, (_, i) => {
    const start = range.from.getTime() + i * range.bucketMs;
    return { start: new Date(start).toISOString(), ...withRate(byStart.get(start) ?? NO_RUNS) };
  });

  const byWorkflow: Dashboard["byWorkflow"] = [];
  for (const row of workflows) {
    byWorkflow.push({
      definitionId: row.definitionId,
      name: row.name,
      ...withRate(row),
      versions: versions
        .filter((v) => v.definitionId === row.definitionId)
        .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
        .map((v) => ({ version: v.version, ...withRate(v) })),
    });
  }

  return {
    range: { key, from: range.from.toISOString(), to: range.to.toISOString(), bucketMs: range.bucketMs },
    totals: withRate(total),
    series: filled,
    byWorkflow,
    byTemplate: templates.map((row) => ({ templateId: row.templateId, name: row.name, ...withRate(row) })),
    byType: types.map((row) => ({ workflowType: row.workflowType, ...withRate(row) })),
    byTrigger: triggers
      .map((row) => ({ trigger: row.trigger, ...withRate(row) }))
      .sort((a, b) => b.runs - a.runs || a.trigger.localeCompare(b.trigger)),
    byModel: models.map((row) => {
      const { provider, model } = parseUsageKey(row.model);
      const price = getPricing(provider, model);
      const unpriced = row.unpricedInputTokens + row.unpricedOutputTokens;
      // The cost stored with each run (the price when it ran); usage stored without one at today's price.
      const modelCost =
        unpriced > 0 && !price.known
          ? null
          : Math.round(
              (row.storedCost +
                row.unpricedInputTokens * price.inputPerToken +
                row.unpricedOutputTokens * price.outputPerToken) *
                1e6,
            ) / 1e6;
      return {
        model: row.model,
        provider,
        name: model || row.model,
        modelInputTokens: row.modelInputTokens,
        modelOutputTokens: row.modelOutputTokens,
        modelCost,
        ...withRate(row),
      };
    }),
    topFailing: failing.map(({ workflowType: _type, lastFailedAt, ...row }) => ({
      ...row,
      lastFailedAt: lastFailedAt?.toISOString() ?? null,
    })),
  };
}
