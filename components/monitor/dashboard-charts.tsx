"use client";

/**
 * The dashboard's headline figures and its four charts over the chosen range: runs by outcome, success
 * rate, p50/p95 duration, and tokens with cost. Charts are recharts (SVG), sized by their container.
 */
import { clsx } from "clsx";
import { Activity, CircleCheck, Coins, type Gauge, Hash, Info, Timer } from "lucide-react";
import type { ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import type { Dashboard } from "@/lib/contracts/dashboard";
import { SUCCESS_RATE_RULE } from "@/lib/contracts/success-rate";

type ValueType = number | string | ReadonlyArray<number | string>;
type NameType = number | string;
import { CHART, formatCost, formatCount, formatDuration, formatPercent, formatTokens } from "./format";

type SeriesPoint = Dashboard["series"][number];

function tickFormatter(bucketMs: number) {
  const hours = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hour12: false });
  const days = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
  const dayHours = new Intl.DateTimeFormat("en", { weekday: "short", hour: "2-digit", hour12: false });
  return (value: string) => {
    const date = new Date(value);
    if (bucketMs < 3_600_000 * 2) return hours.format(date);
    if (bucketMs < 86_400_000) return dayHours.format(date);
    return days.format(date);
  };
}

export function KpiCards({ totals }: { totals: Dashboard["totals"] }) {
  const finished = totals.completed + totals.failed + totals.cancelled;
  const cancelledNote =
    totals.cancelled > 0
      ? ` This range has ${formatCount(totals.cancelled)} cancelled run${totals.cancelled === 1 ? "" : "s"}.`
      : "";
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5" data-testid="dashboard-kpis">
      <Kpi icon={Activity} label="Runs" value={formatCount(totals.runs)} testId="kpi-runs">
        {totals.active > 0 ? (
          <span className="text-sky-700">{totals.active} in progress</span>
        ) : (
          <span>{formatCount(finished)} finished</span>
        )}
      </Kpi>
      <Kpi
        icon={CircleCheck}
        label="Success rate"
        value={formatPercent(totals.successRate)}
        testId="kpi-success"
        title={`${SUCCESS_RATE_RULE}${cancelledNote}`}
        tone={
          totals.successRate === null
            ? undefined
            : totals.successRate >= 0.95
              ? "good"
              : totals.successRate >= 0.8
                ? "warn"
                : "bad"
        }
      >
        {totals.failed > 0 ? (
          <span className="text-red-700">{formatCount(totals.failed)} failed</span>
        ) : (
          <span>no failures</span>
        )}
        {totals.cancelled > 0 ? (
          <span className="text-zinc-500"> · {formatCount(totals.cancelled)} cancelled</span>
        ) : null}
      </Kpi>
      <Kpi icon={Timer} label="Duration p50" value={formatDuration(totals.p50DurationMs)} testId="kpi-p50">
        <span>p95 {formatDuration(totals.p95DurationMs)}</span>
      </Kpi>
      <Kpi icon={Hash} label="Tokens" value={formatTokens(totals.tokens)} testId="kpi-tokens">
        <span>
          {formatTokens(totals.inputTokens)} in · {formatTokens(totals.outputTokens)} out
        </span>
      </Kpi>
      <Kpi icon={Coins} label="Cost" value={formatCost(totals.cost)} testId="kpi-cost">
        <span>{totals.runs > 0 ? `${formatCost(totals.cost / totals.runs)} per run` : "—"}</span>
      </Kpi>
    </div>
  );
}

function Kpi({
  icon: Icon,
  label,
  value,
  children,
  testId,
  tone,
  title,
}: {
  icon: typeof Gauge;
  label: string;
  value: string;
  children?: ReactNode;
  testId: string;
  tone?: "good" | "warn" | "bad";
  /** How the figure is made (a tooltip). */
  title?: string;
}) {
  return (
    <div
      data-testid={testId}
      title={title}
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3.5 shadow-xs"
    >
      <div className="flex items-center gap-1.5 text-[12px] font-medium text-zinc-500">
        <Icon aria-hidden className="size-3.5" />
        {label}
        {title ? (
          <span className="ml-auto text-zinc-400" data-testid={`${testId}-hint`}>
            <Info aria-hidden className="size-3.5" />
            <span className="sr-only">{title}</span>
          </span>
        ) : null}
      </div>
      <div
        data-testid={`${testId}-value`}
        data-tone={tone ?? "neutral"}
        className={clsx(
          "mt-1.5 text-2xl font-semibold tracking-tight tabular-nums",
          tone === "good"
            ? "text-emerald-700"
            : tone === "warn"
              ? "text-amber-700"
              : tone === "bad"
                ? "text-red-700"
                : "text-zinc-900",
        )}
      >
        {value}
      </div>
      <div className="mt-0.5 truncate text-[12px] text-zinc-500">{children}</div>
    </div>
  );
}

function ChartCard({
  title,
  subtitle,
  titleHint,
  children,
  testId,
}: {
  title: string;
  subtitle?: string;
  /** How the chart's figure is made (a tooltip on the card). */
  titleHint?: string;
  children: ReactNode;
  testId: string;
}) {
  return (
    <figure
      data-testid={testId}
      title={titleHint}
      className="flex flex-col rounded-lg border border-zinc-200 bg-white px-4 pt-3.5 pb-2 shadow-xs"
    >
      <figcaption className="flex items-baseline justify-between gap-2">
        <span className="text-[13px] font-semibold text-zinc-800">{title}</span>
        {subtitle ? <span className="text-[11.5px] text-zinc-500">{subtitle}</span> : null}
      </figcaption>
      <div className="mt-2 h-44">{children}</div>
    </figure>
  );
}

function ChartTooltip({
  active,
  payload,
  label,
  formatLabel,
  formatValue,
  footer,
}: TooltipContentProps<ValueType, NameType> & {
  formatLabel: (value: string) => string;
  formatValue: (name: string, value: number) => string;
  /** A line under the values, from the hovered point. */
  footer?: (point: SeriesPoint) => ReactNode;
}) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-zinc-200 bg-white/95 px-2.5 py-2 text-[12px] shadow-md backdrop-blur">
      <div className="mb-1 font-medium text-zinc-700">{formatLabel(String(label))}</div>
      {payload.map((item) => (
        <div key={String(item.dataKey)} className="flex items-center gap-2 text-zinc-600">
          <span aria-hidden className="size-2 rounded-full" style={{ backgroundColor: item.color }} />
          <span className="flex-1">{item.name}</span>
          <span className="font-medium text-zinc-900 tabular-nums">
            {formatValue(String(item.dataKey), Number(item.value ?? 0))}
          </span>
        </div>
      ))}
      {footer && payload[0]?.payload ? (
        <div className="mt-1 max-w-56 border-t border-zinc-100 pt-1 text-[11.5px] text-zinc-500">
          {footer(payload[0].payload as SeriesPoint)}
        </div>
      ) : null}
    </div>
  );
}

const axisProps = { tick: { fontSize: 11, fill: CHART.axis }, tickLine: false, axisLine: false } as const;

export function DashboardCharts({ dashboard }: { dashboard: Dashboard }) {
  const tick = tickFormatter(dashboard.range.bucketMs);
  const label = (value: string) => {
    const start = new Date(value);
    const end = new Date(start.getTime() + dashboard.range.bucketMs);
    const f = new Intl.DateTimeFormat("en", {
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    return `${f.format(start)} – ${f.format(end)}`;
  };
  const data = dashboard.series.map((point: SeriesPoint) => ({
    ...point,
    successPct: point.successRate === null ? null : Math.round(point.successRate * 1000) / 10,
  }));
  const interval = Math.max(0, Math.ceil(data.length / 8) - 1);
  const tooltip =
    (formatValue: (name: string, value: number) => string, footer?: (point: SeriesPoint) => ReactNode) =>
    (props: TooltipContentProps<ValueType, NameType>) => (
      <ChartTooltip {...props} formatLabel={label} formatValue={formatValue} footer={footer} />
    );
  const successFooter = (point: SeriesPoint) =>
    `${formatCount(point.completed)} completed, ${formatCount(point.failed)} failed${
      point.cancelled > 0 ? `; ${formatCount(point.cancelled)} cancelled, not counted` : ""
    }`;

  return (
    <div className="grid gap-3 lg:grid-cols-2">
      <ChartCard title="Runs over time" subtitle="by outcome" testId="chart-runs">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 4, left: -20, bottom: 0 }} barCategoryGap="18%">
            <CartesianGrid vertical={false} stroke={CHART.grid} />
            <XAxis dataKey="start" tickFormatter={tick} interval={interval} {...axisProps} />
            <YAxis allowDecimals={false} {...axisProps} />
            <Tooltip cursor={{ fill: "rgb(244 244 245 / 0.7)" }} content={tooltip((_, v) => formatCount(v))} />
            <Legend iconType="circle" iconSize={7} itemSorter={null} wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="completed" name="Completed" stackId="runs" fill={CHART.completed} isAnimationActive={false} />
            <Bar dataKey="failed" name="Failed" stackId="runs" fill={CHART.failed} isAnimationActive={false} />
            <Bar dataKey="cancelled" name="Cancelled" stackId="runs" fill={CHART.cancelled} isAnimationActive={false} />
            <Bar
              dataKey="active"
              name="In progress"
              stackId="runs"
              fill={CHART.active}
              radius={[2, 2, 0, 0]}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="Success rate"
        subtitle="of runs that completed or failed"
        titleHint={SUCCESS_RATE_RULE}
        testId="chart-success"
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 4, right: 4, left: -20, bottom: 0 }}>
            <defs>
              <linearGradient id="success-fill" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={CHART.completed} stopOpacity={0.3} />
                <stop offset="100%" stopColor={CHART.completed} stopOpacity={0.02} />
              </linearGradient>
            </defs>
            <CartesianGrid vertical={false} stroke={CHART.grid} />
            <XAxis dataKey="start" tickFormatter={tick} interval={interval} {...axisProps} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} {...axisProps} />
            <Tooltip content={tooltip((_, v) => `${v}%`, successFooter)} />
            <Area
              dataKey="successPct"
              name="Success rate"
              type="monotone"
              stroke={CHART.completed}
              strokeWidth={2}
              fill="url(#success-fill)"
              connectNulls
              dot={{ r: 2.5, strokeWidth: 0, fill: CHART.completed }}
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard title="Duration" subtitle="p50 and p95 of finished runs" testId="chart-duration">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 4, left: -8, bottom: 0 }}>
            <CartesianGrid vertical={false} stroke={CHART.grid} />
            <XAxis dataKey="start" tickFormatter={tick} interval={interval} {...axisProps} />
            <YAxis tickFormatter={(v: number) => (v === 0 ? "0" : formatDuration(v))} width={56} {...axisProps} />
            <Tooltip content={tooltip((_, v) => formatDuration(v))} />
            <Legend iconType="circle" iconSize={7} itemSorter={null} wrapperStyle={{ fontSize: 11 }} />
            <Line
              dataKey="p50DurationMs"
              name="p50"
              type="monotone"
              stroke={CHART.p50}
              strokeWidth={2}
              dot={{ r: 2.5, strokeWidth: 0, fill: CHART.p50 }}
              connectNulls
              isAnimationActive={false}
            />
            <Line
              dataKey="p95DurationMs"
              name="p95"
              type="monotone"
              stroke={CHART.p95}
              strokeWidth={2}
              dot={{ r: 2.5, strokeWidth: 0, fill: CHART.p95 }}
              connectNulls
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard title="Tokens and cost" testId="chart-usage">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 4, right: -8, left: -16, bottom: 0 }}>
            <CartesianGrid vertical={false} stroke={CHART.grid} />
            <XAxis dataKey="start" tickFormatter={tick} interval={interval} {...axisProps} />
            <YAxis yAxisId="tokens" tickFormatter={(v: number) => formatTokens(v)} {...axisProps} />
            <YAxis
              yAxisId="cost"
              orientation="right"
              domain={[0, (max: number) => (max > 0 ? max : 0.01)]}
              tickFormatter={(v: number) => formatCost(v)}
              width={64}
              {...axisProps}
            />
            <Tooltip content={tooltip((key, v) => (key === "cost" ? formatCost(v) : formatTokens(v)))} />
            <Legend iconType="circle" iconSize={7} itemSorter={null} wrapperStyle={{ fontSize: 11 }} />
            <Bar
              yAxisId="tokens"
              dataKey="tokens"
              name="Tokens"
              fill={CHART.tokens}
              radius={[2, 2, 0, 0]}
              isAnimationActive={false}
            />
            <Line
              yAxisId="cost"
              dataKey="cost"
              name="Cost"
              type="monotone"
              stroke={CHART.cost}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
