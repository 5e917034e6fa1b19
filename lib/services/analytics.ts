/**
 * Analytics for the API: the tracker's analytics (lib/tracking/analytics.ts, computed from the caller's
 * execution rows) shaped into the API's DTOs. The range rules — defaults, from before to, at most a year —
 * are the tracker's; a range they refuse is a 422 naming the parameter.
 */
import "server-only";
import { AppError, issuesFromZod } from "@/lib/errors";
import {
  analyticsRangeQuerySchema,
  getAnalyticsSummary,
  getDefinitionAnalytics,
  getTemplateAnalytics,
  type AnalyticsRangeQuery,
} from "@/lib/tracking/analytics";
import type { AnalyticsSummary, TemplateAnalytics, WorkflowAnalytics } from "@/lib/contracts/analytics";
import { getQueueDepth } from "@/lib/queue/depth";

export interface AnalyticsQuery {
  from?: string;
  to?: string;
  bucket?: "hour" | "day";
  workflowId?: string;
  trigger?: string;
}

function rangeQuery({ from, to, bucket, workflowId, trigger }: AnalyticsQuery): AnalyticsRangeQuery {
  const parsed = analyticsRangeQuerySchema.safeParse({ from, to, bucket, definitionId: workflowId, trigger });
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues).map((issue) =>
      issue.path === "definitionId" ? { ...issue, path: "workflowId" } : issue,
    );
    throw new AppError(
      "validation:query",
      `Invalid query parameter ${issues[0]?.path ?? ""}: ${issues[0]?.message ?? ""}`.trim(),
      { issues },
    );
  }
  return parsed.data;
}

export async function analyticsSummary({
  ownerId,
  query,
}: {
  ownerId: string;
  query: AnalyticsQuery;
}): Promise<AnalyticsSummary> {
  const [result, queue] = await Promise.all([
    getAnalyticsSummary({ ownerId, query: rangeQuery(query) }),
    getQueueDepth({ ownerId }),
  ]);
  return {
    range: { from: result.range.from.toISOString(), to: result.range.to.toISOString(), bucket: result.range.bucket },
    summary: result.summary,
    series: result.series.map(({ bucketStart, ...stats }) => ({ bucketStart: bucketStart.toISOString(), ...stats })),
    triggers: result.triggers,
    models: result.models,
    failing: result.failing,
    queue,
  };
}

export async function templateAnalytics({
  ownerId,
  query,
}: {
  ownerId: string;
  query: AnalyticsQuery;
}): Promise<TemplateAnalytics> {
  const result = await getTemplateAnalytics({ ownerId, query: rangeQuery(query) });
  return {
    range: { from: result.range.from.toISOString(), to: result.range.to.toISOString() },
    templates: result.templates,
  };
}

export async function workflowAnalytics({
  ownerId,
  query,
}: {
  ownerId: string;
  query: AnalyticsQuery;
}): Promise<WorkflowAnalytics> {
  const result = await getDefinitionAnalytics({ ownerId, query: rangeQuery(query) });
  return {
    range: { from: result.range.from.toISOString(), to: result.range.to.toISOString() },
    workflows: result.definitions.map(({ definitionId, ...rest }) => ({ workflowId: definitionId, ...rest })),
  };
}
