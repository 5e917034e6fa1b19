"use client";

/**
 * The run's timeline: one bar per node run, placed at its start and as long as it took (a running node's
 * bar grows), coloured by outcome; selecting a row selects the node.
 */
import { clsx } from "clsx";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { nodeIcon } from "@/components/editor/node-icons";
import { formatDuration } from "./format";
import type { Span } from "./run-model";

function ticks(total: number): number[] {
  if (total <= 0) return [0];
  const steps = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
    3_600_000,
  ];
  const step = steps.find((s) => total / s <= 5) ?? total / 4;
  const out: number[] = [];
  for (let t = 0; t <= total; t += step) out.push(t);
  return out;
}

export function Waterfall({
  spans,
  labels,
  start,
  end,
  selected,
  onSelect,
}: {
  spans: Span[];
  labels: Record<string, string>;
  /** Epoch ms of the run's start and of its end (or now, while it runs). */
  start: number;
  end: number;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const total = Math.max(1, end - start);
  const marks = ticks(total);
  if (spans.length === 0) {
    return (
      <p className="px-4 py-6 text-center text-[13px] text-zinc-500" data-testid="waterfall-empty">
        Node runs appear here as they start.
      </p>
    );
  }
  return (
    <div data-testid="waterfall" className="px-4 pt-2 pb-3">
      <div className="relative ml-44 mr-16 h-5 text-[10.5px] text-zinc-400" aria-hidden>
        {marks.map((t) => (
          <span
            key={t}
            className={clsx(
              "absolute top-0 whitespace-nowrap tabular-nums",
              t === 0 ? "" : t / total > 0.9 ? "-translate-x-full" : "-translate-x-1/2",
            )}
            style={{ left: `${(t / total) * 100}%` }}
          >
            {t === 0 ? "0" : formatDuration(t)}
          </span>
        ))}
      </div>
      <ol className="flex flex-col">
        {spans.map((span) => {
          const definition = getNodeDefinition(span.type);
          const Icon = nodeIcon(definition?.icon);
          const spanEnd = span.endedAt ?? (span.status === "running" ? end : span.startedAt);
          const left = ((span.startedAt - start) / total) * 100;
          const width = Math.max(0.4, ((spanEnd - span.startedAt) / total) * 100);
          const duration = span.durationMs ?? spanEnd - span.startedAt;
          const isSelected = selected === span.nodeId;
          return (
            <li key={span.index}>
              <button
                type="button"
                data-testid="waterfall-row"
                data-node-id={span.nodeId}
                data-status={span.status}
                onClick={() => onSelect(span.nodeId)}
                aria-pressed={isSelected}
                title={`${labels[span.nodeId] ?? span.nodeId}: ${span.status}, ${formatDuration(duration)}${span.error ? ` — ${span.error}` : ""}`}
                className={clsx(
                  "flex h-7 w-full items-center rounded text-left text-[12px] transition-colors",
                  isSelected ? "bg-indigo-50" : "hover:bg-zinc-50",
                )}
              >
                <span className="flex w-44 shrink-0 items-center gap-1.5 truncate pr-2 pl-1">
                  <span
                    aria-hidden
                    className="flex size-4.5 shrink-0 items-center justify-center rounded text-white"
                    style={{ backgroundColor: definition?.color ?? "#71717a" }}
                  >
                    <Icon className="size-3" />
                  </span>
                  <span className={clsx("truncate", isSelected ? "font-semibold text-indigo-900" : "text-zinc-700")}>
                    {labels[span.nodeId] ?? span.nodeId}
                  </span>
                  {span.attempts > 1 ? (
                    <span className="shrink-0 text-[10.5px] text-amber-700">×{span.attempts}</span>
                  ) : null}
                </span>
                <span className="relative h-full flex-1">
                  {marks.map((t) => (
                    <span
                      key={t}
                      aria-hidden
                      className="absolute inset-y-0 w-px bg-zinc-100"
                      style={{ left: `${(t / total) * 100}%` }}
                    />
                  ))}
                  <span
                    className={clsx(
                      "absolute top-1/2 h-3 -translate-y-1/2 rounded-sm",
                      span.status === "completed" && "bg-emerald-500",
                      span.status === "failed" && (span.handled ? "bg-amber-500" : "bg-red-500"),
                      span.status === "running" && "monitor-bar-live bg-sky-500",
                      span.status === "waiting" && "bg-amber-400",
                      span.status === "cancelled" && "bg-zinc-400",
                    )}
                    style={{ left: `${left}%`, width: `${width}%` }}
                  />
                </span>
                <span className="w-16 shrink-0 pr-1 text-right text-zinc-500 tabular-nums">
                  {formatDuration(duration)}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
