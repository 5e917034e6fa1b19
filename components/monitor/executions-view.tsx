"use client";

/**
 * /executions: the live list of runs over the chosen time range, under the range's headline figures; the
 * dashboard's charts and breakdowns fold away above the list (folded at first, the choice remembered in a
 * cookie), so the runs are what the page opens on. One subscription to the feed of run status changes keeps
 * everything current — the list row by row, at once; the figures by re-reading them on the server a moment
 * after runs change (batched).
 */
import "./monitor.css";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { clsx } from "clsx";
import { Activity, ChartColumn, ChevronRight, MessageSquare, Workflow } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState, useTransition } from "react";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import type { ExecutionSummary } from "@/lib/contracts/executions";
import { monitorKeys, useRunFeed, type ExecutionPage, type StreamState } from "./queries";
import {
  DASHBOARD_RANGE_KEYS,
  DASHBOARD_RANGES,
  type Dashboard,
  type DashboardRangeKey,
} from "@/lib/contracts/dashboard";
import type { RunStatusEvent } from "@/lib/contracts/feed-events";
import { DashboardBreakdowns, TopFailing, TriggerBreakdown } from "./dashboard-breakdowns";
import { DashboardCharts, KpiCards } from "./dashboard-charts";
import { rememberDashboardOpen } from "./dashboard-preference";
import { ExecutionFilterBar, ExecutionsTable } from "./executions-list";
import { filtersToSearch, hasListFilters, matchesFilters, type ExecutionFilters } from "./filters";
import { runTitle, type RunNames } from "./run-names";

/** How long the dashboard waits after a change before re-reading its figures (runs often finish in bursts). */
const DASHBOARD_REFRESH_MS = 1_500;

function summaryFromFeed(event: RunStatusEvent, existing: ExecutionSummary | undefined): ExecutionSummary {
  return {
    id: event.executionId,
    status: event.status,
    workflowType: event.workflowType,
    definitionId: event.definitionId,
    definitionVersion: event.definitionVersion,
    templateId: event.templateId,
    conversationId: event.conversationId,
    parentExecutionId: event.parentExecutionId,
    trigger: event.trigger,
    triggerId: event.triggerId,
    startedAt: event.startedAt,
    completedAt: event.completedAt,
    durationMs: event.durationMs === null ? null : Math.round(event.durationMs),
    usage: {
      inputTokens: existing?.usage.inputTokens ?? 0,
      outputTokens: existing?.usage.outputTokens ?? 0,
      totalTokens: event.tokens,
    },
    cost: event.cost,
    errorMessage: event.error,
    createdAt: existing?.createdAt ?? event.startedAt ?? event.at,
  };
}

export function ExecutionsView({
  dashboard,
  dashboardOpen,
  filters,
  initialPage,
  names,
  renderedAt,
}: {
  dashboard: Dashboard;
  /** Whether the charts and breakdowns start unfolded (the user's remembered choice). */
  dashboardOpen: boolean;
  filters: ExecutionFilters;
  initialPage: ExecutionPage;
  names: RunNames;
  /** When the server read this page's data (epoch ms): the feed replays what changed after it. */
  renderedAt: number;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [chartsOpen, setChartsOpen] = useState(dashboardOpen);
  const chartsId = useId();
  const toggleCharts = () => {
    rememberDashboardOpen(!chartsOpen);
    setChartsOpen(!chartsOpen);
  };
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const filtersRef = useRef(filters);
  const namesRef = useRef(names);
  useEffect(() => {
    filtersRef.current = filters;
    namesRef.current = names;
  });

  // A new server render (a refresh after runs changed) brings a fresh first page: it replaces the cached
  // one; pages loaded further down stay (the table drops the rows that now appear twice).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are part of the server render that brought `initialPage` (they change together); a new filters object alone must not overwrite the cached first page
  useEffect(() => {
    queryClient.setQueryData<InfiniteData<ExecutionPage, string | null>>(monitorKeys.list(filters), (data) =>
      data ? { ...data, pages: [initialPage, ...data.pages.slice(1)] } : { pages: [initialPage], pageParams: [null] },
    );
  }, [initialPage, queryClient]);

  const navigate = useCallback(
    (next: ExecutionFilters) =>
      startTransition(() => router.replace(`/executions${filtersToSearch(next)}`, { scroll: false })),
    [router],
  );
  const change = (patch: Partial<ExecutionFilters>) => navigate({ ...filters, ...patch });
  const filterHref = (patch: Partial<ExecutionFilters>) =>
    `/executions${filtersToSearch({ ...filters, ...patch })}#runs`;

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = undefined;
      router.refresh();
    }, DASHBOARD_REFRESH_MS);
  }, [router]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const onFeedEvent = useCallback(
    (event: RunStatusEvent) => {
      const current = filtersRef.current;
      const key = monitorKeys.list(current);
      let added = false;
      queryClient.setQueryData<InfiniteData<ExecutionPage, string | null>>(key, (data) => {
        if (!data) return data;
        let found = false;
        const pages = data.pages.map((page) => ({
          ...page,
          executions: page.executions.map((run) => {
            if (run.id !== event.executionId) return run;
            found = true;
            return summaryFromFeed(event, run);
          }),
        }));
        if (found) return { ...data, pages };
        const summary = summaryFromFeed(event, undefined);
        const newest = pages[0]?.executions[0];
        // Only runs newer than the top of the list are new; an older one belongs further down, in a page
        // not loaded yet (ULIDs order runs by start).
        if (matchesFilters(summary, current) !== true || (newest && newest.id > summary.id) || !pages[0]) return data;
        added = true;
        return { ...data, pages: [{ ...pages[0], executions: [summary, ...pages[0].executions] }, ...pages.slice(1)] };
      });
      if (added) setFresh((ids) => new Set([...ids, event.executionId]));
      const summary = summaryFromFeed(event, undefined);
      // The model filter cannot be checked from a feed event, and a run of a workflow this page does not
      // know yet needs its name: both come with a server refresh.
      if (matchesFilters(summary, current) === null || !runTitle(summary, namesRef.current).known) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      scheduleRefresh();
    },
    [queryClient, scheduleRefresh],
  );
  const feed = useRunFeed(onFeedEvent, { since: renderedAt });

  const empty =
    dashboard.totals.runs === 0 && initialPage.executions.length === 0 && !hasListFilters(filters) && fresh.size === 0;
  const models = dashboard.byModel.map((m) => m.model);

  return (
    <div className="flex flex-col gap-6" data-testid="executions-page">
      <PageHeader
        title="Executions"
        description="Every run — from chat, the API or the editor — with its status, timings, tokens and cost, live."
        actions={
          <>
            <LiveIndicator state={feed} />
            <RangePicker value={filters.range} onChange={(range) => change({ range })} />
          </>
        }
      />
      {empty ? (
        <EmptyState
          icon={Activity}
          title="Runs appear here as they start"
          description="Send a chat message or run a workflow, and follow it live here, node by node."
          actions={
            <>
              <Link href="/chat" className={buttonClasses({ variant: "secondary" })}>
                <MessageSquare aria-hidden />
                Open chat
              </Link>
              <Link href="/workflows" className={buttonClasses({ variant: "secondary" })}>
                <Workflow aria-hidden />
                Your workflows
              </Link>
            </>
          }
        />
      ) : (
        <>
          <section
            aria-label="Dashboard"
            className={clsx("flex flex-col gap-3 transition-opacity", pending && "opacity-70")}
          >
            <KpiCards totals={dashboard.totals} />
            <button
              type="button"
              data-testid="dashboard-toggle"
              aria-expanded={chartsOpen}
              aria-controls={chartsId}
              onClick={toggleCharts}
              className="group inline-flex w-fit items-center gap-1.5 rounded-md px-1.5 py-1 text-[13px] font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              <ChevronRight
                aria-hidden
                className={clsx("size-4 text-zinc-400 transition-transform", chartsOpen && "rotate-90")}
              />
              <ChartColumn aria-hidden className="size-3.5 text-zinc-500" />
              {chartsOpen ? "Hide charts and breakdowns" : "Show charts and breakdowns"}
            </button>
            <div id={chartsId} hidden={!chartsOpen} className="flex flex-col gap-3">
              {chartsOpen ? (
                <>
                  <DashboardCharts dashboard={dashboard} />
                  <div className="grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
                    <DashboardBreakdowns dashboard={dashboard} filterHref={filterHref} />
                    <div className="flex flex-col gap-3">
                      <TopFailing dashboard={dashboard} filterHref={filterHref} />
                      <TriggerBreakdown dashboard={dashboard} filterHref={filterHref} />
                    </div>
                  </div>
                </>
              ) : null}
            </div>
          </section>
          <section id="runs" aria-label="Runs" className="flex scroll-mt-6 flex-col gap-3">
            <div className="flex items-baseline justify-between">
              <h2 className="text-[15px] font-semibold text-zinc-900">Runs</h2>
              <span className="text-[12px] text-zinc-500">{DASHBOARD_RANGES[filters.range].label}</span>
            </div>
            <ExecutionFilterBar filters={filters} names={names} models={models} onChange={change} />
            <ExecutionsTable
              key={filtersToSearch(filters)}
              filters={filters}
              initialPage={initialPage}
              names={names}
              fresh={fresh}
              pending={pending}
              onClearFilters={() =>
                change({ status: [], type: null, trigger: null, workflowId: null, templateId: null, model: null })
              }
            />
          </section>
        </>
      )}
    </div>
  );
}

function LiveIndicator({ state }: { state: StreamState }) {
  const live = state === "live";
  return (
    <span
      data-testid="feed-state"
      data-state={state}
      className={clsx(
        "inline-flex h-8 items-center gap-1.5 rounded-full border px-2.5 text-[12px] font-medium",
        live ? "border-emerald-200 bg-emerald-50 text-emerald-700" : "border-amber-200 bg-amber-50 text-amber-800",
      )}
      title={live ? "New runs and status changes appear as they happen" : "Connecting to the live feed…"}
    >
      <span aria-hidden className="relative flex size-1.5">
        {live ? (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-400 opacity-75" />
        ) : null}
        <span
          className={clsx("relative inline-flex size-1.5 rounded-full", live ? "bg-emerald-500" : "bg-amber-500")}
        />
      </span>
      {live ? "Live" : state === "connecting" ? "Connecting" : "Reconnecting"}
    </span>
  );
}

/** A segmented control of native radio buttons (Tab enters at the chosen range, the arrow keys move it). */
function RangePicker({ value, onChange }: { value: DashboardRangeKey; onChange: (range: DashboardRangeKey) => void }) {
  const name = useId();
  return (
    <div
      role="radiogroup"
      aria-label="Time range"
      className="flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs"
      data-testid="range-picker"
    >
      {DASHBOARD_RANGE_KEYS.map((key) => (
        <label
          key={key}
          title={DASHBOARD_RANGES[key].label}
          data-testid={`range-${key}`}
          className={clsx(
            "relative cursor-pointer rounded px-2.5 py-1 text-[12.5px] font-medium tabular-nums transition-colors",
            "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-500",
            value === key
              ? "bg-indigo-600 text-white shadow-xs"
              : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
          )}
        >
          <input
            type="radio"
            name={name}
            value={key}
            checked={value === key}
            onChange={() => onChange(key)}
            className="sr-only"
          />
          {key}
        </label>
      ))}
    </div>
  );
}
