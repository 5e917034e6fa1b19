/**
 * How the monitor writes numbers, times and statuses — one place, so a duration or a cost reads the same
 * in the dashboard, the list and a run. Client-safe, framework-free.
 */
import type { BadgeTone } from "@/components/ui/badge";

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m ${seconds.toString().padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${(minutes % 60).toString().padStart(2, "0")}m`;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en");

export function formatTokens(tokens: number | null | undefined): string {
  if (!tokens) return "0";
  return tokens < 10_000 ? whole.format(tokens) : compact.format(tokens);
}

export function formatCount(n: number): string {
  return n < 10_000 ? whole.format(n) : compact.format(n);
}

/** Dollars: cents for everyday sums, more digits for the fractions of a cent tokens cost. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${whole.format(Math.round(usd))}`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return "—";
  const pct = rate * 100;
  return `${pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

const timeOfDay = new Intl.DateTimeFormat("en", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const dayAndTime = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

export function formatClock(iso: string | Date): string {
  return timeOfDay.format(typeof iso === "string" ? new Date(iso) : iso);
}

export function formatDayTime(iso: string | Date): string {
  return dayAndTime.format(typeof iso === "string" ? new Date(iso) : iso);
}

export type RunStatusName = "pending" | "running" | "paused" | "completed" | "failed" | "cancelled" | "interrupted";

export const STATUS_META: Record<RunStatusName, { label: string; tone: BadgeTone; dot: string; bar: string }> = {
  pending: { label: "Pending", tone: "neutral", dot: "bg-zinc-400", bar: "bg-zinc-300" },
  running: { label: "Running", tone: "indigo", dot: "bg-sky-500", bar: "bg-sky-500" },
  paused: { label: "Waiting", tone: "amber", dot: "bg-amber-500", bar: "bg-amber-400" },
  completed: { label: "Completed", tone: "green", dot: "bg-emerald-500", bar: "bg-emerald-500" },
  failed: { label: "Failed", tone: "red", dot: "bg-red-500", bar: "bg-red-500" },
  cancelled: { label: "Cancelled", tone: "neutral", dot: "bg-zinc-500", bar: "bg-zinc-400" },
  interrupted: { label: "Interrupted", tone: "red", dot: "bg-orange-500", bar: "bg-orange-500" },
};

export function statusMeta(status: string) {
  return STATUS_META[(status in STATUS_META ? status : "failed") as RunStatusName];
}

export const TYPE_LABELS: Record<string, string> = {
  CHAT: "Chat",
  DEFINITION: "Workflow",
  TEMPLATE: "Template",
  CUSTOM: "Ad-hoc",
};

/** What started a run (TRIGGER_TYPES), as the list and its filter name it. */
export const TRIGGER_LABELS: Record<string, string> = {
  manual: "Manual",
  api: "API",
  chat: "Chat",
  rerun: "Re-run",
  subworkflow: "Parent run",
  schedule: "Schedule",
  webhook: "Webhook",
  mcp: "MCP",
};

/** Chart colours (hex: recharts draws SVG, where Tailwind classes do not reach). */
export const CHART = {
  completed: "#10b981",
  failed: "#ef4444",
  cancelled: "#a1a1aa",
  active: "#0ea5e9",
  p50: "#6366f1",
  p95: "#f59e0b",
  tokens: "#818cf8",
  cost: "#0f766e",
  grid: "#e4e4e7",
  axis: "#71717a",
} as const;
