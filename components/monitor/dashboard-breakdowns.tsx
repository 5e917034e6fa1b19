"use client";

/**
 * Where the runs, failures, time and money went: the range's figures broken down by workflow (with its
 * versions), template, model and run type, what started them (trigger), and the workflows that fail most with
 * their most common error. Each name links to the list filtered to it.
 */
import { clsx } from "clsx";
import {
  ChevronRight,
  CircleAlert,
  Clock,
  GitFork,
  Hand,
  KeyRound,
  type LucideIcon,
  MessageSquare,
  PartyPopper,
  Plug,
  RotateCcw,
  Webhook,
  Zap,
} from "lucide-react";
import Link from "next/link";
import { Fragment, useState, type ReactNode } from "react";
import { RelativeTime } from "@/components/ui/relative-time";
import type { Dashboard, RunAggregate } from "@/lib/contracts/dashboard";
import type { ExecutionFilters } from "./filters";
import type { TriggerType } from "@/lib/contracts/execution-request";
import {
  formatCost,
  formatCount,
  formatDuration,
  formatPercent,
  formatTokens,
  TRIGGER_LABELS,
  TYPE_LABELS,
} from "./format";

type Tab = "workflows" | "templates" | "models" | "types";
type FilterHref = (patch: Partial<ExecutionFilters>) => string;

const TABS: Array<{ id: Tab; label: string }> = [
  { id: "workflows", label: "Workflows" },
  { id: "templates", label: "Templates" },
  { id: "models", label: "Models" },
  { id: "types", label: "Run types" },
];

function SuccessCell({ row }: { row: RunAggregate }) {
  const rate = row.successRate;
  const title = `${formatCount(row.completed)} completed, ${formatCount(row.failed)} failed${
    row.cancelled > 0 ? `; ${formatCount(row.cancelled)} cancelled, not counted` : ""
  }`;
  return (
    <div className="flex items-center justify-end gap-2" title={title}>
      <span className="tabular-nums">{formatPercent(rate)}</span>
      <span aria-hidden className="hidden h-1.5 w-14 overflow-hidden rounded-full bg-zinc-100 sm:block">
        {rate !== null ? (
          <span
            className={clsx(
              "block h-full rounded-full",
              rate >= 0.95 ? "bg-emerald-500" : rate >= 0.8 ? "bg-amber-500" : "bg-red-500",
            )}
            style={{ width: `${Math.max(4, rate * 100)}%` }}
          />
        ) : null}
      </span>
    </div>
  );
}

function Figures({ row, tokens, cost }: { row: RunAggregate; tokens?: ReactNode; cost?: ReactNode }) {
  return (
    <>
      <td className="px-3 py-2 text-right tabular-nums">{formatCount(row.runs)}</td>
      <td className="px-3 py-2 text-right">
        <SuccessCell row={row} />
      </td>
      <td className="hidden px-3 py-2 text-right tabular-nums md:table-cell">{formatDuration(row.p50DurationMs)}</td>
      <td className="hidden px-3 py-2 text-right tabular-nums md:table-cell">{formatDuration(row.p95DurationMs)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{tokens ?? formatTokens(row.tokens)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{cost ?? formatCost(row.cost)}</td>
    </>
  );
}

function Head({ first }: { first: string }) {
  return (
    <thead>
      <tr className="border-b border-zinc-200 text-left text-[11.5px] font-medium tracking-wide text-zinc-500 uppercase">
        <th className="px-3 py-2 font-medium">{first}</th>
        <th className="px-3 py-2 text-right font-medium">Runs</th>
        <th className="px-3 py-2 text-right font-medium">Success</th>
        <th className="hidden px-3 py-2 text-right font-medium md:table-cell">p50</th>
        <th className="hidden px-3 py-2 text-right font-medium md:table-cell">p95</th>
        <th className="px-3 py-2 text-right font-medium">Tokens</th>
        <th className="px-3 py-2 text-right font-medium">Cost</th>
      </tr>
    </thead>
  );
}

function EmptyRow({ children }: { children: ReactNode }) {
  return (
    <tr>
      <td colSpan={7} className="px-3 py-8 text-center text-[13px] text-zinc-500">
        {children}
      </td>
    </tr>
  );
}

const nameLink = "font-medium text-zinc-800 hover:text-indigo-700 hover:underline";

export function DashboardBreakdowns({ dashboard, filterHref }: { dashboard: Dashboard; filterHref: FilterHref }) {
  const [tab, setTab] = useState<Tab>("workflows");
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section data-testid="dashboard-breakdowns" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <header className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5">
        <h2 className="text-[13px] font-semibold text-zinc-800">Breakdown</h2>
        <div role="tablist" aria-label="Break down by" className="flex rounded-md bg-zinc-100 p-0.5">
          {TABS.map((item) => (
            <button
              key={item.id}
              type="button"
              role="tab"
              aria-selected={tab === item.id}
              data-testid={`breakdown-tab-${item.id}`}
              onClick={() => setTab(item.id)}
              className={clsx(
                "rounded px-2.5 py-1 text-[12.5px] font-medium transition-colors",
                tab === item.id ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800",
              )}
            >
              {item.label}
            </button>
          ))}
        </div>
      </header>
      <div className="overflow-x-auto">
        <table className="w-full text-[13px] text-zinc-700" data-testid={`breakdown-${tab}`}>
          {tab === "workflows" ? (
            <>
              <Head first="Workflow" />
              <tbody className="divide-y divide-zinc-100">
                {dashboard.byWorkflow.length === 0 ? <EmptyRow>No saved workflow ran in this range.</EmptyRow> : null}
                {dashboard.byWorkflow.map((workflow) => {
                  const expanded = open.has(workflow.definitionId);
                  const several = workflow.versions.length > 1;
                  return (
                    <Fragment key={workflow.definitionId}>
                      <tr data-testid="breakdown-row">
                        <td className="px-3 py-2">
                          <div className="flex items-center gap-1.5">
                            <button
                              type="button"
                              onClick={() => toggle(workflow.definitionId)}
                              aria-expanded={expanded}
                              aria-label={`${expanded ? "Hide" : "Show"} versions of ${workflow.name}`}
                              className="rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
                            >
                              <ChevronRight
                                aria-hidden
                                className={clsx("size-3.5 transition-transform", expanded && "rotate-90")}
                              />
                            </button>
                            <Link
                              href={filterHref({
                                workflowId: workflow.definitionId,
                                templateId: null,
                                model: null,
                                type: null,
                              })}
                              className={nameLink}
                            >
                              {workflow.name}
                            </Link>
                            <span className="text-[11.5px] text-zinc-400">
                              {several
                                ? `${workflow.versions.length} versions`
                                : `v${workflow.versions[0]?.version ?? "?"}`}
                            </span>
                          </div>
                        </td>
                        <Figures row={workflow} />
                      </tr>
                      {expanded
                        ? workflow.versions.map((version) => (
                            <tr
                              key={`${workflow.definitionId}-${version.version}`}
                              className="bg-zinc-50/70 text-zinc-600"
                            >
                              <td className="py-1.5 pr-3 pl-10 text-[12.5px]">Version {version.version ?? "—"}</td>
                              <Figures row={version} />
                            </tr>
                          ))
                        : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </>
          ) : tab === "templates" ? (
            <>
              <Head first="Template" />
              <tbody className="divide-y divide-zinc-100">
                {dashboard.byTemplate.length === 0 ? <EmptyRow>No template ran in this range.</EmptyRow> : null}
                {dashboard.byTemplate.map((template) => (
                  <tr key={template.templateId} data-testid="breakdown-row">
                    <td className="px-3 py-2">
                      <Link
                        href={filterHref({
                          templateId: template.templateId,
                          workflowId: null,
                          model: null,
                          type: null,
                        })}
                        className={nameLink}
                      >
                        {template.name}
                      </Link>
                    </td>
                    <Figures row={template} />
                  </tr>
                ))}
              </tbody>
            </>
          ) : tab === "models" ? (
            <>
              <Head first="Model" />
              <tbody className="divide-y divide-zinc-100">
                {dashboard.byModel.length === 0 ? <EmptyRow>No model answered in this range.</EmptyRow> : null}
                {dashboard.byModel.map((model) => (
                  <tr key={model.model} data-testid="breakdown-row">
                    <td className="px-3 py-2">
                      <Link
                        href={filterHref({ model: model.model, workflowId: null, templateId: null, type: null })}
                        className={nameLink}
                      >
                        {model.name}
                      </Link>
                      <span className="ml-1.5 rounded bg-zinc-100 px-1 py-px text-[10.5px] font-medium text-zinc-500">
                        {model.provider}
                      </span>
                    </td>
                    <Figures
                      row={model}
                      tokens={
                        <span
                          title={`${formatTokens(model.modelInputTokens)} in · ${formatTokens(model.modelOutputTokens)} out`}
                        >
                          {formatTokens(model.modelInputTokens + model.modelOutputTokens)}
                        </span>
                      }
                      cost={
                        model.modelCost === null ? (
                          <span className="text-zinc-400" title="This model is not in the price table">
                            unknown
                          </span>
                        ) : (
                          formatCost(model.modelCost)
                        )
                      }
                    />
                  </tr>
                ))}
              </tbody>
            </>
          ) : (
            <>
              <Head first="Type" />
              <tbody className="divide-y divide-zinc-100">
                {dashboard.byType.length === 0 ? <EmptyRow>Nothing ran in this range.</EmptyRow> : null}
                {dashboard.byType.map((type) => (
                  <tr key={type.workflowType} data-testid="breakdown-row">
                    <td className="px-3 py-2">
                      <Link
                        href={filterHref({
                          type: type.workflowType as ExecutionFilters["type"],
                          workflowId: null,
                          templateId: null,
                          model: null,
                        })}
                        className={nameLink}
                      >
                        {TYPE_LABELS[type.workflowType] ?? type.workflowType}
                      </Link>
                    </td>
                    <Figures row={type} />
                  </tr>
                ))}
              </tbody>
            </>
          )}
        </table>
      </div>
      {tab === "models" ? (
        <p className="border-t border-zinc-100 px-4 py-2 text-[11.5px] text-zinc-500">
          Runs, success and durations count every run that used the model; tokens and cost are the model’s own share, at
          list price.
        </p>
      ) : null}
    </section>
  );
}

export function TopFailing({ dashboard, filterHref }: { dashboard: Dashboard; filterHref: FilterHref }) {
  const items = dashboard.topFailing;
  return (
    <section data-testid="top-failing" className="flex flex-col rounded-lg border border-zinc-200 bg-white shadow-xs">
      <header className="border-b border-zinc-200 px-4 py-2.5">
        <h2 className="text-[13px] font-semibold text-zinc-800">Failing most</h2>
      </header>
      {items.length === 0 ? (
        <div className="flex flex-1 flex-col items-center justify-center px-4 py-8 text-center">
          <PartyPopper aria-hidden className="size-5 text-emerald-500" />
          <p className="mt-2 text-[13px] font-medium text-zinc-700">No failures in this range</p>
          <p className="mt-0.5 text-[12px] text-zinc-500">
            Runs that fail or are interrupted show up here with their most common error.
          </p>
        </div>
      ) : (
        <ol className="divide-y divide-zinc-100">
          {items.map((item) => {
            const patch: Partial<ExecutionFilters> =
              item.subject === "workflow"
                ? { workflowId: item.key, templateId: null, type: null, model: null }
                : item.subject === "template"
                  ? { templateId: item.key, workflowId: null, type: null, model: null }
                  : { type: item.key as ExecutionFilters["type"], workflowId: null, templateId: null, model: null };
            const name = item.subject === "type" ? `${TYPE_LABELS[item.key] ?? item.key} runs` : item.name;
            return (
              <li key={`${item.subject}-${item.key}`} data-testid="failing-row" className="px-4 py-3">
                <div className="flex items-baseline justify-between gap-3">
                  <Link
                    href={filterHref({ ...patch, status: ["failed", "interrupted"] })}
                    className={clsx(nameLink, "truncate text-[13px]")}
                  >
                    {name}
                  </Link>
                  <span className="shrink-0 text-[12px] text-zinc-500 tabular-nums">
                    <span className="font-semibold text-red-600">{item.failures}</span> of {item.runs} failed
                  </span>
                </div>
                {item.commonError ? (
                  <p className="mt-1 flex items-start gap-1.5 text-[12px] text-zinc-600">
                    <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0 text-red-500" />
                    <span className="line-clamp-2 break-words" title={item.commonError}>
                      {item.commonError}
                    </span>
                    {item.commonErrorCount > 1 ? (
                      <span className="shrink-0 text-zinc-400">×{item.commonErrorCount}</span>
                    ) : null}
                  </p>
                ) : null}
                {item.lastFailedAt ? (
                  <p className="mt-0.5 text-[11.5px] text-zinc-400">
                    last <RelativeTime date={item.lastFailedAt} />
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

const TRIGGER_ICONS: Record<string, LucideIcon> = {
  manual: Hand,
  api: KeyRound,
  chat: MessageSquare,
  rerun: RotateCcw,
  subworkflow: GitFork,
  schedule: Clock,
  webhook: Webhook,
  mcp: Plug,
};

/**
 * What started the range's runs: per trigger its runs (with its share of all runs as a bar), failures
 * (interrupted included), tokens and cost. Compact enough for the dashboard's side column.
 */
export function TriggerBreakdown({ dashboard, filterHref }: { dashboard: Dashboard; filterHref: FilterHref }) {
  const rows = dashboard.byTrigger;
  const most = Math.max(1, ...rows.map((row) => row.runs));
  return (
    <section data-testid="trigger-breakdown" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <header className="flex items-baseline justify-between border-b border-zinc-200 px-4 py-2.5">
        <h2 className="text-[13px] font-semibold text-zinc-800">By trigger</h2>
        <span className="text-[11.5px] text-zinc-500">what started the runs</span>
      </header>
      {rows.length === 0 ? (
        <p className="px-4 py-6 text-center text-[13px] text-zinc-500">Nothing ran in this range.</p>
      ) : (
        <table className="w-full text-[12.5px] text-zinc-700">
          <thead>
            <tr className="text-left text-[11px] font-medium tracking-wide text-zinc-500 uppercase">
              <th className="px-4 pt-2 pb-1 font-medium">Trigger</th>
              <th className="px-2 pt-2 pb-1 text-right font-medium">Runs</th>
              <th className="px-2 pt-2 pb-1 text-right font-medium">Failed</th>
              <th className="px-2 pt-2 pb-1 text-right font-medium">Tokens</th>
              <th className="pt-2 pr-4 pb-1 pl-2 text-right font-medium">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const Icon = TRIGGER_ICONS[row.trigger] ?? Zap;
              const label = TRIGGER_LABELS[row.trigger] ?? row.trigger;
              return (
                <tr key={row.trigger} data-testid="trigger-row" data-trigger={row.trigger}>
                  <td className="px-4 py-1.5">
                    <Link
                      href={filterHref({ trigger: row.trigger as TriggerType })}
                      className="group flex items-center gap-2"
                    >
                      <span className="grid size-6 shrink-0 place-items-center rounded-md bg-zinc-100 text-zinc-500 group-hover:bg-indigo-50 group-hover:text-indigo-600">
                        <Icon aria-hidden className="size-3.5" />
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="block truncate font-medium text-zinc-800 group-hover:text-indigo-700 group-hover:underline">
                          {label}
                        </span>
                        <span aria-hidden className="mt-0.5 block h-1 overflow-hidden rounded-full bg-zinc-100">
                          <span
                            className="block h-full rounded-full bg-indigo-400"
                            style={{ width: `${Math.max(3, (row.runs / most) * 100)}%` }}
                          />
                        </span>
                      </span>
                    </Link>
                  </td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{formatCount(row.runs)}</td>
                  <td
                    className={clsx(
                      "px-2 py-1.5 text-right tabular-nums",
                      row.failed > 0 ? "font-medium text-red-600" : "text-zinc-400",
                    )}
                    title={`${formatCount(row.failed)} failed or interrupted · ${formatPercent(row.successRate)} success`}
                  >
                    {formatCount(row.failed)}
                  </td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{formatTokens(row.tokens)}</td>
                  <td className="py-1.5 pr-4 pl-2 text-right tabular-nums">{formatCost(row.cost)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
