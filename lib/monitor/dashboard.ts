/**
 * The monitor dashboard: the owner's figures over a time range, assembled from the dashboard queries into
 * the client-safe `Dashboard` DTO (empty buckets filled, workflow versions nested under their workflow,
 * model costs at list price).
 */
import "server-only";
import {
  getDashboardByModel,
  getDashboardByTemplate,
  getDashboardByType,
  getDashboardByWorkflow,
  getDashboardSeries,
  getDashboardTopFailing,
  getDashboardTotals,
  type DashboardRange,
  type RunAggregate as RowAggregate,
} from "@/lib/db/queries/dashboard";
import { getPricing, parseUsageKey } from "@/lib/models/pricing";
import { DASHBOARD_RANGES, type Dashboard, type DashboardRangeKey, type RunAggregate } from "./dashboard-schema";

function withRate(row: RowAggregate): RunAggregate {
  const finished = row.completed + row.failed + row.cancelled;
  return {
    runs: row.runs,
    completed: row.completed,
    failed: row.failed,
    cancelled: row.cancelled,
    active: row.active,
    successRate: finished > 0 ? row.completed / finished : null,
    p50DurationMs: row.p50DurationMs,
    p95DurationMs: row.p95DurationMs,
    avgDurationMs: row.avgDurationMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    tokens: row.tokens,
    cost: row.cost,
  };
}

const EMPTY: RowAggregate = {
  runs: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  active: 0,
  p50DurationMs: null,
  p95DurationMs: null,
  avgDurationMs: null,
  inputTokens: 0,
  outputTokens: 0,
  tokens: 0,
  cost: 0,
};

/** The range ending now (rounded up to the next bucket, so buckets stay put while the page refreshes). */
export function dashboardRange({ ownerId, key, now = new Date() }: { ownerId: string; key: DashboardRangeKey; now?: Date }): DashboardRange {
  const { ms, bucketMs } = DASHBOARD_RANGES[key];
  const to = new Date(Math.ceil((now.getTime() + 1) / bucketMs) * bucketMs);
  return { ownerId, from: new Date(to.getTime() - ms), to, bucketMs };
}

export async function getDashboard({ ownerId, key, now }: { ownerId: string; key: DashboardRangeKey; now?: Date }): Promise<Dashboard> {
  const range = dashboardRange({ ownerId, key, ...(now ? { now } : {}) });
  // One statement at a time: the embedded database serves one query at a time anyway, and a pooled
  // server is better left to the requests of other users than flooded by one page.
  const totals = await getDashboardTotals(range);
  const series = await getDashboardSeries(range);
  const workflows = await getDashboardByWorkflow(range);
  const templates = await getDashboardByTemplate(range);
  const types = await getDashboardByType(range);
  const models = await getDashboardByModel(range);
  const failing = await getDashboardTopFailing({ ...range, limit: 5 });

  const buckets = Math.round((range.to.getTime() - range.from.getTime()) / range.bucketMs);
  const byBucket = new Map(series.map((row) => [row.bucket, row]));
  const filled = Array.from({ length: buckets }, (_, i) => ({
    start: new Date(range.from.getTime() + i * range.bucketMs).toISOString(),
    ...withRate(byBucket.get(i) ?? EMPTY),
  }));

  const byWorkflow: Dashboard["byWorkflow"] = [];
  for (const row of workflows) {
    if (row.version !== null) continue;
    byWorkflow.push({
      definitionId: row.definitionId,
      name: row.name,
      ...withRate(row),
      versions: workflows
        .filter((v) => v.definitionId === row.definitionId && v.version !== null)
        .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
        .map((v) => ({ version: v.version, ...withRate(v) })),
    });
  }

  return {
    range: { key, from: range.from.toISOString(), to: range.to.toISOString(), bucketMs: range.bucketMs },
    totals: withRate(totals),
    series: filled,
    byWorkflow,
    byTemplate: templates.map((row) => ({ templateId: row.templateId, name: row.name, ...withRate(row) })),
    byType: types.map((row) => ({ workflowType: row.workflowType, ...withRate(row) })),
    byModel: models.map((row) => {
      const { provider, model } = parseUsageKey(row.model);
      const price = getPricing(provider, model);
      const unpriced = row.unpricedInputTokens + row.unpricedOutputTokens;
      // The cost stored with each run (the price when it ran); usage stored without one at today's price.
      const modelCost =
        unpriced > 0 && !price.known
          ? null
          : Math.round((row.storedCost + row.unpricedInputTokens * price.inputPerToken + row.unpricedOutputTokens * price.outputPerToken) * 1e6) / 1e6;
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
    topFailing: failing.map((row) => ({ ...row, lastFailedAt: row.lastFailedAt?.toISOString() ?? null })),
  };
}
