"use client";

/**
 * The parts of an assistant message around its text: tool calls as collapsible steps, the sources it
 * cites, a human node's question with its controls, and the run's tokens, cost and duration with a link to
 * the run in the monitor.
 */
import { clsx } from "clsx";
import {
  Activity,
  BookOpen,
  Check,
  ChevronRight,
  CircleAlert,
  CircleX,
  FileText,
  Loader2,
  ThumbsDown,
  ThumbsUp,
  Wrench,
} from "lucide-react";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import type { InterruptInfo, Source } from "@/lib/contracts/execution-result";
import { countOf } from "@/components/knowledge/format";
import { Button } from "@/components/ui/button";
import { focusRingTight } from "@/components/ui/focus-ring";
import type { ToolCallStep } from "./live-run";
import type { HumanAnswer } from "./transcript";

function formatArgs(args: unknown): string {
  if (args === undefined || args === null) return "";
  if (typeof args === "string") return args;
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

/** One line summary of a call's arguments: `expression: "2+2"`. */
function argsSummary(args: unknown): string {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    const entries = Object.entries(args as Record<string, unknown>);
    const text = entries
      .map(([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v)}`)
      .join(", ");
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  }
  const text = formatArgs(args);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function ToolSteps({ steps }: { steps: readonly ToolCallStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ol data-testid="tool-steps" className="mb-3 flex flex-col gap-1.5">
      {steps.map((step) => (
        <ToolStep key={step.key} step={step} />
      ))}
    </ol>
  );
}

/**
 * The tool steps a reader opened, by step key (the provider's call id where it gives one). An answer still
 * streaming is a new element once its saved copy replaces it; the step stays open across that.
 */
const openToolSteps = new Set<string>();

function ToolStep({ step }: { step: ToolCallStep }) {
  const [open, setOpen] = useState(() => openToolSteps.has(step.key));
  const toggle = () => {
    if (open) openToolSteps.delete(step.key);
    else openToolSteps.add(step.key);
    setOpen(!open);
  };
  const bodyId = useId();
  const failed = step.error !== undefined;
  return (
    <li
      data-testid="tool-step"
      data-tool={step.name}
      className="overflow-hidden rounded-lg border border-zinc-200 bg-white"
    >
      <button
        type="button"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={toggle}
        className={clsx(
          "flex w-full items-center gap-2 px-3 py-2 text-left text-[13px] hover:bg-zinc-50",
          focusRingTight,
        )}
      >
        <ChevronRight
          aria-hidden
          className={clsx("size-3.5 shrink-0 text-zinc-400 transition-transform", open && "rotate-90")}
        />
        <span
          className={clsx(
            "flex size-5 shrink-0 items-center justify-center rounded",
            failed ? "bg-red-50 text-red-600" : "bg-zinc-100 text-zinc-600",
          )}
        >
          <Wrench aria-hidden className="size-3" />
        </span>
        <span className="shrink-0 font-medium text-zinc-800">
          {failed ? "Tried" : "Used"} <span className="font-mono text-[12.5px]">{step.name}</span>
        </span>
        <span className="min-w-0 truncate font-mono text-[12px] text-zinc-500">{argsSummary(step.args)}</span>
        <span className="ml-auto shrink-0">
          {failed ? (
            <CircleAlert aria-label="Failed" className="size-3.5 text-red-500" />
          ) : (
            <Check aria-label="Done" className="size-3.5 text-emerald-600" />
          )}
        </span>
      </button>
      {open ? (
        <div
          id={bodyId}
          data-testid="tool-step-details"
          className="grid gap-3 border-t border-zinc-100 bg-zinc-50/60 px-3 py-3 text-[12.5px]"
        >
          <div>
            <div className="mb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase">Arguments</div>
            <pre className="overflow-x-auto rounded-md bg-white p-2 font-mono text-zinc-800 ring-1 ring-zinc-200">
              {formatArgs(step.args) || "(none)"}
            </pre>
          </div>
          <div>
            <div className="mb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase">
              {failed ? "Error" : "Result"}
            </div>
            <pre
              className={clsx(
                "max-h-64 overflow-auto rounded-md p-2 font-mono whitespace-pre-wrap ring-1",
                failed ? "bg-red-50 text-red-800 ring-red-200" : "bg-white text-zinc-800 ring-zinc-200",
              )}
            >
              {failed ? step.error : step.result || "(empty)"}
            </pre>
          </div>
        </div>
      ) : null}
    </li>
  );
}

export function SourceList({ sources }: { sources: readonly Source[] }) {
  if (sources.length === 0) return null;
  return (
    <div data-testid="citations" className="mt-3">
      <div className="mb-1.5 flex items-center gap-1.5 text-[12px] font-medium text-zinc-500">
        <BookOpen aria-hidden className="size-3.5" />
        Sources
      </div>
      <ol className="grid gap-1.5 sm:grid-cols-2">
        {sources.map((source, i) => (
          <li
            key={source.chunkId}
            id={`source-${source.chunkId}`}
            data-testid="citation"
            className="flex min-w-0 gap-2 rounded-lg border border-zinc-200 bg-white px-2.5 py-2 target:ring-2 target:ring-indigo-300"
          >
            <span className="mt-px flex size-5 shrink-0 items-center justify-center rounded-md bg-indigo-50 text-[11px] font-semibold text-indigo-700 ring-1 ring-indigo-200 ring-inset">
              {i + 1}
            </span>
            <div className="min-w-0">
              <div className="flex items-center gap-1 truncate text-[13px] font-medium text-zinc-800">
                <FileText aria-hidden className="size-3 shrink-0 text-zinc-400" />
                <span className="truncate">{source.title}</span>
              </div>
              {source.excerpt ? (
                <p className="mt-0.5 line-clamp-2 text-[12px] leading-snug text-zinc-500">{source.excerpt}</p>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** What an answered human step says about its answer: rejected, approved, the text given, or just answered. */
export function humanOutcome(
  interrupt: Pick<InterruptInfo, "mode">,
  answer: HumanAnswer | undefined,
): { kind: "approved" | "rejected" | "answered"; label: string } {
  if (interrupt.mode === "approval" && answer?.approved === false) return { kind: "rejected", label: "Rejected" };
  if (interrupt.mode === "approval" && answer?.approved === true) return { kind: "approved", label: "Approved" };
  if (answer?.text) return { kind: "answered", label: `Answered: ${answer.text}` };
  return { kind: "answered", label: "Answered" };
}

export function HumanStep({
  interrupt,
  state,
  answer,
  draft,
  onAnswer,
}: {
  interrupt: InterruptInfo;
  state: "open" | "answering" | "answered";
  /** How it was answered, when known. */
  answer?: HumanAnswer | undefined;
  /** The answer's own text when it is more than the question (a draft the question is about). */
  draft?: string | undefined;
  onAnswer: (answer: { approved?: boolean; text?: string }) => void;
}) {
  const [text, setText] = useState("");
  const inputId = useId();
  const busy = state === "answering";
  const outcome = state === "answered" ? humanOutcome(interrupt, answer) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) onAnswer({ text: text.trim() });
  };
  return (
    <div
      data-testid="human-step"
      data-state={state}
      data-outcome={outcome?.kind}
      className={clsx(
        "mt-3 rounded-xl border px-4 py-3",
        state === "open" ? "border-amber-300 bg-amber-50/70" : "border-zinc-200 bg-zinc-50",
      )}
    >
      <div className="flex items-center gap-1.5 text-[12px] font-medium text-amber-800">
        {outcome?.kind === "rejected" ? (
          <CircleX aria-hidden className="size-3.5 text-red-600" />
        ) : outcome ? (
          <Check aria-hidden className="size-3.5 text-emerald-600" />
        ) : (
          <CircleAlert aria-hidden className="size-3.5" />
        )}
        <span
          data-testid="human-outcome"
          className={clsx(outcome?.kind === "rejected" ? "text-red-700" : outcome ? "text-zinc-600" : undefined)}
        >
          {outcome
            ? outcome.label
            : interrupt.mode === "approval"
              ? "Waiting for your approval"
              : "Waiting for your answer"}
        </span>
      </div>
      {outcome?.kind === "rejected" ? (
        // The draft was not approved: it is not part of the conversation, only kept for a look.
        <details data-testid="withheld-draft" className="group/draft mt-1.5">
          <summary
            className={clsx(
              "w-fit cursor-pointer rounded text-[13px] text-zinc-600 marker:text-zinc-400 hover:text-zinc-900",
              focusRingTight,
            )}
          >
            Withheld — show the rejected draft
          </summary>
          <div className="mt-1.5 rounded-lg border border-dashed border-zinc-300 bg-white px-3 py-2 text-[13px] leading-relaxed whitespace-pre-wrap text-zinc-500">
            {draft ? <p className="mb-2">{draft}</p> : null}
            <p>{interrupt.question}</p>
          </div>
        </details>
      ) : (
        <p className="mt-1.5 text-[13.5px] leading-relaxed whitespace-pre-wrap text-zinc-800">{interrupt.question}</p>
      )}
      {state === "answered" ? null : interrupt.mode === "approval" ? (
        <div className="mt-3 flex gap-2">
          <Button size="sm" data-testid="human-approve" disabled={busy} onClick={() => onAnswer({ approved: true })}>
            {busy ? <Loader2 aria-hidden className="animate-spin" /> : <ThumbsUp aria-hidden />}
            Approve
          </Button>
          <Button
            size="sm"
            variant="secondary"
            data-testid="human-reject"
            disabled={busy}
            onClick={() => onAnswer({ approved: false })}
          >
            <ThumbsDown aria-hidden />
            Reject
          </Button>
        </div>
      ) : (
        <form className="mt-3 flex gap-2" onSubmit={submit}>
          <label htmlFor={inputId} className="sr-only">
            Your answer
          </label>
          <input
            id={inputId}
            data-testid="human-answer"
            value={text}
            onChange={(event) => setText(event.target.value)}
            disabled={busy}
            placeholder="Type your answer"
            className={clsx(
              "h-8 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] shadow-sm",
              focusRingTight,
            )}
          />
          <Button size="sm" type="submit" data-testid="human-submit" disabled={busy || !text.trim()}>
            {busy ? <Loader2 aria-hidden className="animate-spin" /> : null}
            Send answer
          </Button>
        </form>
      )}
    </div>
  );
}

const costFormat = new Intl.NumberFormat("en", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

export function formatCost(cost: number): string {
  if (cost > 0 && cost < 0.0001) return "<$0.0001";
  return costFormat.format(cost);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function MessageMeta({
  tokens,
  cost,
  durationMs,
  executionId,
}: {
  tokens?: number;
  cost?: number;
  durationMs?: number | null;
  executionId?: string;
}) {
  const parts: Array<{ id: string; text: string }> = [];
  if (tokens !== undefined) parts.push({ id: "message-tokens", text: countOf(tokens, "token") });
  if (cost !== undefined) parts.push({ id: "message-cost", text: formatCost(cost) });
  if (durationMs !== undefined && durationMs !== null)
    parts.push({ id: "message-duration", text: formatDuration(durationMs) });
  return (
    <div
      data-testid="message-meta"
      className="flex flex-wrap items-center gap-x-1.5 text-[12px] text-zinc-400 tabular-nums"
    >
      {parts.map((part, i) => (
        <span key={part.id} className="flex items-center gap-1.5">
          {i > 0 ? <span aria-hidden>·</span> : null}
          <span data-testid={part.id}>{part.text}</span>
        </span>
      ))}
      {executionId ? (
        <>
          {parts.length > 0 ? <span aria-hidden>·</span> : null}
          <Link
            href={`/executions/${executionId}`}
            data-testid="message-execution-link"
            prefetch={false}
            className={clsx(
              "inline-flex items-center gap-1 rounded text-zinc-500 hover:text-indigo-600",
              focusRingTight,
            )}
          >
            <Activity aria-hidden className="size-3" />
            View run
          </Link>
        </>
      ) : null}
    </div>
  );
}
