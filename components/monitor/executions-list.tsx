"use client";

/**
 * The executions list: a filter bar whose state lives in the URL, and a table of runs — newest first, kept
 * current by the live feed (the page above feeds it), with cursor pagination ("Load more").
 */
import { clsx } from "clsx";
import { CornerDownRight, Filter, Loader2, RotateCcw, SearchX } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, type MouseEvent } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { EXECUTION_RECORD_STATUSES, type ExecutionSummary } from "@/lib/contracts/executions";
import { useExecutionPages, type ExecutionPage } from "./queries";
import { hasListFilters, type ExecutionFilters, type WorkflowTypeName } from "./filters";
import { formatCost, formatDuration, formatTokens, statusMeta, TRIGGER_LABELS, TYPE_LABELS } from "./format";
import type { TriggerType } from "@/lib/contracts/execution-request";
import { runTitle, type RunNames } from "./run-names";
import { StatusBadge } from "./status-badge";
import { useNow } from "./use-now";

const selectClass =
  "h-8 rounded-md border border-zinc-300 bg-white pr-7 pl-2.5 text-[13px] text-zinc-800 shadow-xs focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none";

export function ExecutionFilterBar({
  filters,
  names,
  models,
  onChange,
}: {
  filters: ExecutionFilters;
  names: RunNames;
  models: string[];
  onChange: (patch: Partial<ExecutionFilters>) => void;
}) {
  const toggleStatus = (status: ExecutionFilters["status"][number]) =>
    onChange({
      status: filters.status.includes(status)
        ? filters.status.filter((s) => s !== status)
        : [...filters.status, status].sort(),
    });
  const workflowOptions = Object.entries(names.workflows).sort((a, b) => a[1].localeCompare(b[1]));
  const templateOptions = Object.entries(names.templates).sort((a, b) => a[1].localeCompare(b[1]));
  const modelOptions = [...new Set([...models, ...(filters.model ? [filters.model] : [])])].sort();

  return (
    <div
      data-testid="execution-filters"
      className="flex flex-col gap-2.5 rounded-lg border border-zinc-200 bg-white px-3 py-2.5 shadow-xs"
    >
      <fieldset className="flex min-w-0 flex-wrap items-center gap-1.5" aria-label="Status">
        <Filter aria-hidden className="mr-1 size-3.5 text-zinc-400" />
        {EXECUTION_RECORD_STATUSES.filter((s) => s !== "pending").map((status) => {
          const on = filters.status.includes(status);
          const meta = statusMeta(status);
          return (
            <button
              key={status}
              type="button"
              aria-pressed={on}
              data-testid={`filter-status-${status}`}
              onClick={() => toggleStatus(status)}
              className={clsx(
                "inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-[12.5px] font-medium transition-colors",
                on
                  ? "border-indigo-300 bg-indigo-50 text-indigo-800"
                  : "border-zinc-200 bg-white text-zinc-600 hover:border-zinc-300 hover:text-zinc-800",
              )}
            >
              <span aria-hidden className={clsx("size-1.5 rounded-full", meta.dot)} />
              {meta.label}
            </button>
          );
        })}
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="filter-type">
          Type
        </label>
        <select
          id="filter-type"
          data-testid="filter-type"
          className={selectClass}
          value={filters.type ?? ""}
          onChange={(e) => onChange({ type: (e.target.value || null) as WorkflowTypeName | null })}
        >
          <option value="">All types</option>
          {Object.entries(TYPE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-trigger">
          Started by
        </label>
        <select
          id="filter-trigger"
          data-testid="filter-trigger"
          className={selectClass}
          value={filters.trigger ?? ""}
          onChange={(e) => onChange({ trigger: (e.target.value || null) as TriggerType | null })}
        >
          <option value="">Any trigger</option>
          {Object.entries(TRIGGER_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-workflow">
          Workflow
        </label>
        <select
          id="filter-workflow"
          data-testid="filter-workflow"
          className={clsx(selectClass, "max-w-48")}
          value={filters.workflowId ?? ""}
          onChange={(e) => onChange({ workflowId: e.target.value || null })}
        >
          <option value="">All workflows</option>
          {filters.workflowId && !names.workflows[filters.workflowId] ? (
            <option value={filters.workflowId}>Workflow {filters.workflowId}</option>
          ) : null}
          {workflowOptions.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-template">
          Template
        </label>
        <select
          id="filter-template"
          data-testid="filter-template"
          className={clsx(selectClass, "max-w-48")}
          value={filters.templateId ?? ""}
          onChange={(e) => onChange({ templateId: e.target.value || null })}
        >
          <option value="">All templates</option>
          {filters.templateId && !names.templates[filters.templateId] ? (
            <option value={filters.templateId}>Template {filters.templateId}</option>
          ) : null}
          {templateOptions.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-model">
          Model
        </label>
        <select
          id="filter-model"
          data-testid="filter-model"
          className={clsx(selectClass, "max-w-56")}
          value={filters.model ?? ""}
          onChange={(e) => onChange({ model: e.target.value || null })}
        >
          <option value="">All models</option>
          {modelOptions.map((model) => (
            <option key={model} value={model}>
              {model}
            </option>
          ))}
        </select>
        {hasListFilters(filters) ? (
          <Button
            variant="ghost"
            size="sm"
            data-testid="filter-clear"
            onClick={() =>
              onChange({ status: [], type: null, trigger: null, workflowId: null, templateId: null, model: null })
            }
          >
            <RotateCcw aria-hidden />
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function durationOf(run: ExecutionSummary, now: number): number | null {
  if (run.durationMs !== null && run.status !== "running") return run.durationMs;
  if (run.status === "running" && run.startedAt) return now - new Date(run.startedAt).getTime();
  return run.durationMs;
}

export function ExecutionsTable({
  filters,
  initialPage,
  names,
  fresh,
  pending,
  onClearFilters,
}: {
  filters: ExecutionFilters;
  initialPage: ExecutionPage;
  names: RunNames;
  /** Runs that arrived live, briefly highlighted. */
  fresh: ReadonlySet<string>;
  /** A filter change is loading. */
  pending: boolean;
  onClearFilters: () => void;
}) {
  const router = useRouter();
  const query = useExecutionPages(filters, initialPage);
  const runs = useMemo(() => {
    const seen = new Set<string>();
    return (query.data?.pages.flatMap((page) => page.executions) ?? []).filter(
      (run) => !seen.has(run.id) && seen.add(run.id),
    );
  }, [query.data]);
  const now = useNow(runs.some((run) => run.status === "running"));

  if (runs.length === 0) {
    return (
      <div className="rounded-lg border border-zinc-200 bg-white">
        <EmptyState
          compact
          icon={SearchX}
          title={hasListFilters(filters) ? "No runs match these filters" : "No runs in this time range"}
          description={
            hasListFilters(filters)
              ? "New runs that match appear here as they start."
              : "Runs started in this range appear here as they start; pick a longer range to see older ones."
          }
          actions={
            hasListFilters(filters) ? (
              <Button variant="secondary" size="sm" onClick={onClearFilters}>
                <RotateCcw aria-hidden />
                Clear filters
              </Button>
            ) : null
          }
        />
      </div>
    );
  }

  return (
    <div
      className={clsx(
        "overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs transition-opacity",
        pending && "opacity-60",
      )}
    >
      <div className="overflow-x-auto">
        <table className="w-full text-[13px] text-zinc-700" data-testid="execution-list">
          <thead>
            <tr className="border-b border-zinc-200 bg-zinc-50/60 text-left text-[11.5px] font-medium tracking-wide text-zinc-500 uppercase">
              <th className="px-4 py-2 font-medium">Status</th>
              <th className="px-3 py-2 font-medium">Workflow</th>
              <th className="hidden px-3 py-2 font-medium sm:table-cell">Type</th>
              <th className="px-3 py-2 font-medium">Started</th>
              <th className="px-3 py-2 text-right font-medium">Duration</th>
              <th className="hidden px-3 py-2 text-right font-medium md:table-cell">Tokens</th>
              <th className="hidden px-4 py-2 text-right font-medium md:table-cell">Cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {runs.map((run) => {
              const { title, version } = runTitle(run, names);
              const href = `/executions/${run.id}`;
              return (
                <tr
                  key={run.id}
                  data-testid="execution-row"
                  data-execution-id={run.id}
                  data-status={run.status}
                  // The whole row opens the run; the title is the link keyboards and screen readers use.
                  onClick={(event: MouseEvent) => {
                    if ((event.target as HTMLElement).closest("a") || window.getSelection()?.toString()) return;
                    router.push(href);
                  }}
                  className={clsx(
                    "group cursor-pointer transition-colors hover:bg-zinc-50",
                    fresh.has(run.id) && "monitor-flash",
                  )}
                >
                  <td className="px-4 py-2.5">
                    <StatusBadge status={run.status} />
                  </td>
                  <td className="max-w-72 px-3 py-2.5">
                    <div className="flex min-w-0 items-center gap-1.5">
                      {run.parentExecutionId ? (
                        <CornerDownRight aria-label="A re-run" className="size-3.5 shrink-0 text-zinc-400" />
                      ) : null}
                      <Link
                        href={href}
                        prefetch={false}
                        data-testid="execution-link"
                        className="truncate font-medium text-zinc-900 group-hover:text-indigo-700 focus-visible:underline focus-visible:outline-none"
                      >
                        {title}
                      </Link>
                      {version ? (
                        <span className="shrink-0 rounded bg-zinc-100 px-1 text-[11px] text-zinc-500">{version}</span>
                      ) : null}
                    </div>
                    {run.errorMessage && (run.status === "failed" || run.status === "interrupted") ? (
                      <p className="mt-0.5 truncate text-[12px] text-red-600" title={run.errorMessage}>
                        {run.errorMessage}
                      </p>
                    ) : null}
                  </td>
                  <td className="hidden px-3 py-2.5 text-zinc-600 sm:table-cell">
                    {TYPE_LABELS[run.workflowType] ?? run.workflowType}
                    {run.trigger !== "manual" ? (
                      <span
                        className="ml-1.5 rounded bg-zinc-100 px-1 text-[11px] text-zinc-500"
                        data-testid="execution-trigger"
                      >
                        {TRIGGER_LABELS[run.trigger] ?? run.trigger}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap text-zinc-600">
                    <RelativeTime date={run.startedAt ?? run.createdAt} />
                  </td>
                  <td
                    className="px-3 py-2.5 text-right whitespace-nowrap tabular-nums"
                    data-testid="execution-duration"
                  >
                    {formatDuration(durationOf(run, now))}
                  </td>
                  <td className="hidden px-3 py-2.5 text-right tabular-nums md:table-cell">
                    {formatTokens(run.usage.totalTokens)}
                  </td>
                  <td className="hidden px-4 py-2.5 text-right tabular-nums md:table-cell">{formatCost(run.cost)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <footer className="flex items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2.5 text-[12.5px] text-zinc-500">
        <span>
          {runs.length} run{runs.length === 1 ? "" : "s"}
          {query.hasNextPage ? " shown" : ""}
        </span>
        {query.isFetchNextPageError ? (
          <span role="alert" className="text-red-600">
            Could not load more runs.
          </span>
        ) : null}
        {query.hasNextPage ? (
          <Button
            variant="secondary"
            size="sm"
            data-testid="load-more"
            disabled={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {query.isFetchingNextPage ? <Loader2 aria-hidden className="animate-spin" /> : null}
            {query.isFetchNextPageError ? "Try again" : "Load more"}
          </Button>
        ) : null}
      </footer>
    </div>
  );
}
