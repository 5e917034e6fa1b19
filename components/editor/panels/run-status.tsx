/**
 * A run's phase as a badge, a duration as text, and the Cancel button: shared by the Test panel and the inspector's
 * "Run this node", so both say the same thing the same way.
 */
import { clsx } from "clsx";
import { Loader2, Square } from "lucide-react";
import { isRepeatClick } from "@/components/ui/single-flight";
import type { RunState } from "../model/run-state";

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const PHASE_LABELS: Record<RunState["phase"], string> = {
  idle: "Idle",
  starting: "Starting…",
  running: "Running…",
  paused: "Waiting for you",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function RunPhaseBadge({ phase, testId }: { phase: RunState["phase"]; testId: string }) {
  const active = phase === "running" || phase === "starting";
  return (
    <span
      data-testid={testId}
      data-phase={phase}
      className={clsx(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-[11.5px] font-medium ring-1 ring-inset",
        phase === "completed" && "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        (phase === "failed" || phase === "cancelled") && "bg-red-50 text-red-700 ring-red-600/20",
        active && "bg-sky-50 text-sky-700 ring-sky-600/20",
        phase === "paused" && "bg-amber-50 text-amber-800 ring-amber-600/20",
      )}
    >
      {active ? <Loader2 aria-hidden className="size-3 animate-spin" /> : null}
      {PHASE_LABELS[phase]}
    </span>
  );
}

/** Cancel takes Run's place as the run starts: the second click of a double-click on Run must not stop it. */
export function CancelRunButton({
  testId,
  onCancel,
  className,
}: {
  testId: string;
  onCancel: () => void;
  className: string;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={(event) => {
        if (!isRepeatClick(event)) onCancel();
      }}
      className={className}
    >
      <Square aria-hidden className="size-3.5 fill-current" /> Cancel
    </button>
  );
}
