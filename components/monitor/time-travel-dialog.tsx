"use client";

/**
 * Time travel: pick one of the run's steps (a checkpoint between nodes), edit the variables it holds, and
 * run the rest of the workflow again from there as a new execution linked to this one (a chat turn's is
 * not added to its conversation). For a run that kept no step checkpoints the dialog says what a re-run
 * can and cannot restore (lib/contracts/rerun.ts) and offers one from the start that keeps them.
 */
import { clsx } from "clsx";
import { History, Loader2 } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { ExecutionStep } from "@/lib/contracts/executions";
import type { WorkflowType } from "@/lib/contracts/execution-request";
import { CHAT_STEP_RERUN, rerunWithoutSteps } from "@/lib/contracts/rerun";
import { formatClock } from "./format";

export function TimeTravelDialog({
  open,
  steps,
  labels,
  workflowType,
  initialCheckpointId,
  busy,
  error,
  onClose,
  onRun,
  onRerunWithSteps,
}: {
  open: boolean;
  steps: readonly ExecutionStep[];
  labels: Record<string, string>;
  workflowType: WorkflowType;
  initialCheckpointId: string | null;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  onRun: (checkpointId: string, variables: Record<string, unknown>) => void;
  onRerunWithSteps: () => void;
}) {
  const ordered = [...steps].sort((a, b) => a.step - b.step);
  const [checkpointId, setCheckpointId] = useState<string | null>(
    initialCheckpointId ?? ordered[0]?.checkpointId ?? null,
  );
  const step = ordered.find((s) => s.checkpointId === checkpointId) ?? ordered[0];
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const draft = step ? (drafts[step.checkpointId] ?? JSON.stringify(step.variables, null, 2)) : "";
  let parsed: Record<string, unknown> | null = null;
  let parseError: string | null = null;
  try {
    const value: unknown = JSON.parse(draft || "{}");
    if (typeof value !== "object" || value === null || Array.isArray(value))
      parseError = "Variables must be a JSON object.";
    else parsed = value as Record<string, unknown>;
  } catch (e) {
    parseError = e instanceof SyntaxError ? e.message : "Not valid JSON.";
  }
  const nextLabel = (s: ExecutionStep) => s.next.map((id) => labels[id] ?? id).join(", ");
  const withoutSteps = rerunWithoutSteps(workflowType);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Re-run from a step"
      description={
        ordered.length
          ? `Pick the step to start from and edit the variables it holds. The rest of the workflow runs again as a new execution linked to this one; this run stays as it is.${workflowType === "CHAT" ? ` ${CHAT_STEP_RERUN}` : ""}`
          : withoutSteps.summary
      }
      className="sm:max-w-2xl"
      data-testid="time-travel-dialog"
      footer={
        ordered.length ? (
          <>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button
              data-testid="time-travel-run"
              disabled={!step || !parsed || busy}
              onClick={() => step && parsed && onRun(step.checkpointId, parsed)}
            >
              {busy ? <Loader2 aria-hidden className="animate-spin" /> : <History aria-hidden />}
              Run from {step ? nextLabel(step) : "here"}
            </Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
            <Button data-testid="rerun-with-steps" disabled={busy} onClick={onRerunWithSteps}>
              {busy ? <Loader2 aria-hidden className="animate-spin" /> : <History aria-hidden />}
              Re-run from the start, keeping steps
            </Button>
          </>
        )
      }
    >
      {ordered.length ? (
        <div className="grid gap-4 sm:grid-cols-[14rem_minmax(0,1fr)]">
          <ol className="flex max-h-72 flex-col gap-1 overflow-y-auto" aria-label="Steps">
            {ordered.map((s) => (
              <li key={s.checkpointId}>
                <button
                  type="button"
                  data-testid="time-travel-step"
                  data-next={s.next.join(",")}
                  aria-pressed={s.checkpointId === step?.checkpointId}
                  onClick={() => setCheckpointId(s.checkpointId)}
                  className={clsx(
                    "w-full rounded-md border px-2.5 py-1.5 text-left text-[12.5px] transition-colors",
                    s.checkpointId === step?.checkpointId
                      ? "border-indigo-300 bg-indigo-50"
                      : "border-zinc-200 hover:border-zinc-300 hover:bg-zinc-50",
                  )}
                >
                  <span className="block font-medium text-zinc-800">Before {nextLabel(s)}</span>
                  <span className="block text-[11.5px] text-zinc-500">
                    Step {s.step} · {formatClock(s.createdAt)} · {Object.keys(s.variables).length} variable
                    {Object.keys(s.variables).length === 1 ? "" : "s"}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <div className="flex min-w-0 flex-col gap-1.5">
            <label htmlFor="time-travel-variables" className="text-[12.5px] font-medium text-zinc-700">
              Variables at this step
            </label>
            <textarea
              id="time-travel-variables"
              data-testid="time-travel-variables"
              spellCheck={false}
              value={draft}
              onChange={(e) => step && setDrafts((d) => ({ ...d, [step.checkpointId]: e.target.value }))}
              aria-invalid={parseError ? true : undefined}
              className="h-56 w-full resize-y rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-[12px] text-zinc-900 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none aria-invalid:border-red-500"
            />
            {step?.lastMessage ? (
              <p className="truncate text-[11.5px] text-zinc-500" title={step.lastMessage.text}>
                Last message ({step.lastMessage.role}): {step.lastMessage.text || "(empty)"}
              </p>
            ) : null}
            {parseError ? (
              <p role="alert" className="text-[12px] text-red-600">
                {parseError}
              </p>
            ) : null}
          </div>
        </div>
      ) : (
        <dl className="grid gap-2 text-[13px] text-zinc-600" data-testid="rerun-restores">
          <div>
            <dt className="font-medium text-zinc-800">Can be restored</dt>
            <dd>{withoutSteps.restores}</dd>
          </div>
          <div>
            <dt className="font-medium text-zinc-800">Cannot be restored</dt>
            <dd>{withoutSteps.cannotRestore}</dd>
          </div>
          <div>
            <dt className="font-medium text-zinc-800">To re-run from a step next time</dt>
            <dd>{withoutSteps.keepSteps}</dd>
          </div>
        </dl>
      )}
      {error ? (
        <p
          role="alert"
          className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-800"
        >
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
