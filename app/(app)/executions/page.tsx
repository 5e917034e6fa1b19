import type { Metadata } from "next";
import { connection } from "next/server";
import { ExecutionsView } from "@/components/monitor/executions-view";
import { parseFilters } from "@/components/monitor/filters";
import type { RunNames } from "@/components/monitor/run-names";
import { executionListQuerySchema } from "@/lib/contracts/executions";
import { requireSessionUser } from "@/lib/auth";
import { getDashboard } from "@/lib/monitor/dashboard";
import { DASHBOARD_RANGES } from "@/lib/contracts/dashboard";
import { listExecutionsPage } from "@/lib/services/executions";
import { listTemplates } from "@/lib/services/templates";
import { listWorkflows } from "@/lib/services/workflows";

export const metadata: Metadata = { title: "Executions" };

/**
 * The monitor: the dashboard over the range in the URL and the first page of runs matching the URL's
 * filters, read here on the server; the client keeps both live from the feed of run status changes.
 */
export default async function ExecutionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/executions" });
  const filters = parseFilters(await searchParams);
  // Read before the data: the feed replays every change from this instant, so none falls in between.
  const renderedAt = Date.now();
  const query = executionListQuerySchema.parse({
    ...(filters.status.length ? { status: filters.status } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.workflowId ? { workflowId: filters.workflowId } : {}),
    ...(filters.templateId ? { templateId: filters.templateId } : {}),
    ...(filters.model ? { model: filters.model } : {}),
    from: new Date(renderedAt - DASHBOARD_RANGES[filters.range].ms).toISOString(),
  });
  const dashboard = await getDashboard({ ownerId: user.id, key: filters.range, now: new Date(renderedAt) });
  const page = await listExecutionsPage({ ownerId: user.id, query });
  const [workflows, templates] = await Promise.all([
    listWorkflows({ ownerId: user.id }),
    listTemplates({ ownerId: user.id }),
  ]);
  const names: RunNames = {
    workflows: Object.fromEntries(workflows.map((w) => [w.id, w.name])),
    templates: Object.fromEntries(templates.map((t) => [t.id, t.name])),
  };
  return (
    <ExecutionsView dashboard={dashboard} filters={filters} initialPage={page} names={names} renderedAt={renderedAt} />
  );
}
