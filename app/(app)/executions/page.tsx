import type { Metadata } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { Suspense } from "react";
import { DASHBOARD_COOKIE, dashboardOpenFrom } from "@/components/monitor/dashboard-preference";
import { ExecutionsView } from "@/components/monitor/executions-view";
import { parseFilters } from "@/components/monitor/filters";
import type { RunNames } from "@/components/monitor/run-names";
import { ServerClockProvider } from "@/components/monitor/server-clock";
import { ExecutionsSkeleton } from "@/components/monitor/skeletons";
import { executionListQuerySchema } from "@/lib/contracts/executions";
import { requireSessionUser } from "@/lib/auth";
import { getDashboard } from "@/lib/monitor/dashboard";
import { DASHBOARD_RANGES } from "@/lib/contracts/dashboard";
import { listExecutionsPage } from "@/lib/services/executions";
import { listTemplates } from "@/lib/services/templates";
import { listWorkflows } from "@/lib/services/workflows";

export const metadata: Metadata = { title: "Executions" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The monitor: the dashboard over the range in the URL and the first page of runs matching the URL's
 * filters, read here on the server; the client keeps both live from the feed of run status changes.
 * Its skeleton is this page's own Suspense fallback: a `loading.tsx` here would also wrap /executions/:id
 * and start that page's response (HTTP 200) before it could find that a run does not exist.
 */
export default function ExecutionsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <Suspense fallback={<ExecutionsSkeleton />}>
      <Monitor searchParams={searchParams} />
    </Suspense>
  );
}

async function Monitor({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/executions" });
  const filters = parseFilters(await searchParams);
  const dashboardOpen = dashboardOpenFrom((await cookies()).get(DASHBOARD_COOKIE)?.value);
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
    <ServerClockProvider now={renderedAt}>
      <ExecutionsView
        dashboard={dashboard}
        dashboardOpen={dashboardOpen}
        filters={filters}
        initialPage={page}
        names={names}
        renderedAt={renderedAt}
      />
    </ServerClockProvider>
  );
}
