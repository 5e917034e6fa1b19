"use client";

/**
 * Test runs from the editor: a chat message or a JSON input, run through the same API as any client with
 * the answer streaming in token by token while the canvas lights up node by node. Each step's output,
 * duration and tool calls can be opened; a human node asks its question here; Cancel stops the run.
 * A saved, unchanged workflow runs as itself (DEFINITION, so the run counts towards it); with unsaved
 * changes the canvas as it is runs as a CUSTOM graph.
 */
import { clsx } from "clsx";
import {
  Ban,
  CheckCircle2,
  ChevronRight,
  CircleSlash,
  FileText,
  Loader2,
  Play,
  UserCheck,
  XCircle,
} from "lucide-react";
import { useState } from "react";
import { executionInputSchema, type ExecutionInput } from "@/lib/contracts/execution-request";
import { getNodeDefinition } from "@/lib/nodes/registry";
import Link from "next/link";
import { useEditor, useEditorApi } from "../editor-context";
import { toDefinition } from "../model/document";
import { documentOf, isDirty } from "../model/editor-store";
import { isRunActive, runAnswer, startingRun, type NodeRunInfo, type RunState } from "../model/run-state";
import { runFollower } from "../run-follow";
import { CancelRunButton, formatMs, RunPhaseBadge } from "./run-status";
import { FieldMessage, TextArea } from "../inspector/widgets";

type InputMode = "message" | "json";

export function RunPanel() {
  const store = useEditorApi();
  const run = useEditor((state) => state.run);
  const errorCount = useEditor((state) => state.issues.errorCount);
  const dirty = useEditor((state) => isDirty(state) || state.workflowId === null);
  const [mode, setMode] = useState<InputMode>("message");
  const [message, setMessage] = useState("Hello! What can you do?");
  const [json, setJson] = useState('{\n  "message": "Hello!",\n  "variables": {}\n}');
  const [inputError, setInputError] = useState<string | null>(null);
  // One follower per panel: a new run's stream replaces the one before.
  const [follower] = useState(() =>
    runFollower({
      get: () => store.getState().run,
      apply: (events) => store.getState().applyRunEvents(events),
      update: (change) => store.getState().updateRun(change),
    }),
  );
  const follow = (url: string, body: unknown) => follower.follow(url, body);
  const active = isRunActive(run);

  const readInput = (): ExecutionInput | null => {
    if (mode === "message") return { message };
    try {
      const parsed = executionInputSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
      setInputError(
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; "),
      );
    } catch (cause) {
      setInputError(cause instanceof Error ? cause.message : "Not valid JSON.");
    }
    return null;
  };

  const start = () => {
    setInputError(null);
    const input = readInput();
    if (!input) return;
    const state = store.getState();
    const body =
      state.workflowId && !isDirty(state)
        ? { type: "DEFINITION", definitionId: state.workflowId, input }
        : (() => {
            const { nodes, edges, metadata } = toDefinition(documentOf(state));
            return { type: "CUSTOM", definition: { nodes, edges, metadata }, input };
          })();
    state.resetRun(startingRun(input));
    void follow("/api/executions", body);
  };

  const cancel = () => follower.cancel();

  const answer = (reply: { approved?: boolean; answer?: string }) => {
    const id = store.getState().run.executionId;
    if (!id) return;
    store.getState().updateRun((current) => ({ ...current, phase: "running", interrupt: null, error: null }));
    void follow(`/api/executions/${id}/resume`, reply);
  };

  return (
    <section data-testid="run-panel" aria-label="Test run" className="flex flex-col gap-4 p-4">
      <div>
        <div className="mb-2 flex items-center justify-between">
          <p className="text-[13px] font-semibold text-zinc-900">Test input</p>
          <div role="tablist" aria-label="Input type" className="flex rounded-md bg-zinc-100 p-0.5 text-[11.5px]">
            {(["message", "json"] as const).map((value) => (
              <button
                key={value}
                type="button"
                role="tab"
                aria-selected={mode === value}
                data-testid={`run-mode-${value}`}
                onClick={() => setMode(value)}
                className={clsx(
                  "rounded px-2 py-0.5 font-medium focus-visible:outline-2 focus-visible:outline-indigo-500",
                  mode === value ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800",
                )}
              >
                {value === "message" ? "Chat message" : "JSON input"}
              </button>
            ))}
          </div>
        </div>
        {mode === "message" ? (
          <TextArea
            data-testid="run-input-message"
            aria-label="Chat message"
            value={message}
            rows={3}
            onChange={(event) => setMessage(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.metaKey || event.ctrlKey) && !active) {
                event.preventDefault();
                start();
              }
            }}
          />
        ) : (
          <TextArea
            data-testid="run-input-json"
            aria-label="JSON input"
            value={json}
            rows={5}
            spellCheck={false}
            className="font-mono text-[12px]"
            onChange={(event) => setJson(event.target.value)}
          />
        )}
        {inputError ? <FieldMessage tone="error">{inputError}</FieldMessage> : null}
        <div className="mt-2 flex items-center gap-2">
          {active ? (
            <CancelRunButton
              testId="run-cancel"
              onCancel={() => void cancel()}
              className="flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 text-[13px] font-medium text-zinc-800 shadow-xs hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
            />
          ) : (
            <button
              type="button"
              data-testid="run-start"
              onClick={start}
              disabled={errorCount > 0 || run.phase === "paused"}
              className="flex h-8 items-center gap-1.5 rounded-md bg-emerald-600 px-3 text-[13px] font-medium text-white shadow-sm hover:bg-emerald-500 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
            >
              <Play aria-hidden className="size-3.5 fill-current" /> Run
            </button>
          )}
          <span className="text-[11.5px] text-zinc-500">
            {errorCount > 0
              ? `Fix ${errorCount} ${errorCount === 1 ? "error" : "errors"} first.`
              : dirty
                ? "Runs the canvas as it is (unsaved)."
                : "Runs the saved version."}
          </span>
        </div>
      </div>

      {run.phase === "idle" ? (
        <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-[12.5px] text-zinc-500">
          Run the workflow to see the answer stream in and each step light up on the canvas.
        </p>
      ) : (
        <RunResult run={run} onAnswer={answer} />
      )}
    </section>
  );
}

function RunResult({
  run,
  onAnswer,
}: {
  run: RunState;
  onAnswer: (reply: { approved?: boolean; answer?: string }) => void;
}) {
  // The settled answer is the result's (the End node's output), as everywhere else; tokens only while streaming.
  const output = runAnswer(run);
  const sources = run.result?.output.sources ?? [];
  const failure = run.result?.error?.message ?? run.error;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-center gap-2">
        <RunPhaseBadge phase={run.phase} testId="run-status" />
        {run.result ? (
          <span className="text-[11.5px] text-zinc-500">
            {formatMs(run.result.durationMs)} · {run.result.usage.totalTokens} tokens
            {run.result.cost > 0 ? ` · $${run.result.cost.toFixed(4)}` : ""}
          </span>
        ) : null}
        {run.executionId ? (
          <Link
            href={`/executions/${run.executionId}`}
            data-testid="run-execution-link"
            className="ml-auto text-[11.5px] font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            View in monitor
          </Link>
        ) : null}
      </div>

      {failure && run.phase !== "paused" ? (
        <p
          data-testid="run-error"
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-800"
        >
          {failure}
        </p>
      ) : null}

      <div>
        <p className="mb-1 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">Answer</p>
        <div
          data-testid="run-output"
          aria-live="polite"
          className="max-h-64 min-h-12 overflow-y-auto rounded-lg border border-zinc-200 bg-white px-3 py-2 text-[13px] leading-relaxed whitespace-pre-wrap text-zinc-800"
        >
          {output}
          {run.phase === "running" ? (
            <span aria-hidden className="ml-0.5 inline-block h-3.5 w-1.5 animate-pulse bg-indigo-500 align-middle" />
          ) : null}
          {!output && run.phase !== "running" ? <span className="text-zinc-400">No answer.</span> : null}
        </div>
      </div>

      {sources.length > 0 ? (
        <div data-testid="run-sources">
          <p className="mb-1 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">Sources</p>
          <ol className="flex flex-col gap-1.5">
            {sources.map((source, index) => (
              <li
                key={source.chunkId}
                className="rounded-md border border-zinc-200 bg-zinc-50/60 px-2.5 py-1.5 text-[12px]"
              >
                <span className="flex items-center gap-1.5 font-medium text-zinc-800">
                  <span className="text-zinc-400">[{index + 1}]</span>
                  <FileText aria-hidden className="size-3.5 text-zinc-400" />
                  <span className="truncate">{source.title}</span>
                  <span className="ml-auto text-[10.5px] font-normal text-zinc-400">{source.score.toFixed(2)}</span>
                </span>
                {source.excerpt ? (
                  <span className="mt-0.5 line-clamp-2 block text-zinc-500">{source.excerpt}</span>
                ) : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}

      {run.phase === "paused" && run.interrupt ? (
        <HumanPrompt key={run.lastSeq} interrupt={run.interrupt} onAnswer={onAnswer} />
      ) : null}

      <RunSteps run={run} />
    </div>
  );
}

function HumanPrompt({
  interrupt,
  onAnswer,
}: {
  interrupt: NonNullable<RunState["interrupt"]>;
  onAnswer: (reply: { approved?: boolean; answer?: string }) => void;
}) {
  const [text, setText] = useState("");
  return (
    <div data-testid="run-interrupt" className="rounded-lg border border-amber-300 bg-amber-50 p-3">
      <p className="flex items-center gap-1.5 text-[12px] font-semibold text-amber-900">
        <UserCheck aria-hidden className="size-4" /> The workflow asks
      </p>
      <p className="mt-1 text-[13px] whitespace-pre-wrap text-zinc-900">{interrupt.question}</p>
      {interrupt.mode === "approval" ? (
        <div className="mt-2 flex gap-2">
          <button
            type="button"
            data-testid="run-approve"
            onClick={() => onAnswer({ approved: true })}
            className="rounded-md bg-emerald-600 px-3 py-1.5 text-[12.5px] font-medium text-white hover:bg-emerald-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
          >
            Approve
          </button>
          <button
            type="button"
            data-testid="run-reject"
            onClick={() => onAnswer({ approved: false })}
            className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-[12.5px] font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
          >
            Reject
          </button>
        </div>
      ) : (
        <form
          className="mt-2 flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (text.trim()) onAnswer({ answer: text });
          }}
        >
          <TextArea
            data-testid="run-answer"
            aria-label="Your answer"
            rows={2}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <button
            type="submit"
            data-testid="run-answer-submit"
            disabled={!text.trim()}
            className="self-start rounded-md bg-indigo-600 px-3 py-1.5 text-[12.5px] font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            Send answer
          </button>
        </form>
      )}
    </div>
  );
}

function RunSteps({ run }: { run: RunState }) {
  if (run.order.length === 0) return null;
  return (
    <div>
      <p className="mb-1 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">Steps</p>
      <ol data-testid="run-steps" className="flex flex-col gap-1">
        {run.order.map((nodeId) => {
          const info = run.nodes[nodeId];
          return info ? <RunStep key={nodeId} info={info} /> : null;
        })}
      </ol>
    </div>
  );
}

function RunStep({ info }: { info: NodeRunInfo }) {
  const store = useEditorApi();
  const [open, setOpen] = useState(false);
  const label = useEditor((state) => state.nodes.find((node) => node.id === info.nodeId)?.data.label) ?? info.nodeId;
  const typeLabel = getNodeDefinition(info.type)?.label ?? info.type;
  const StatusIcon =
    info.status === "running"
      ? Loader2
      : info.status === "completed"
        ? CheckCircle2
        : info.status === "cancelled"
          ? Ban
          : info.handled
            ? CircleSlash
            : XCircle;
  return (
    <li
      data-testid={`run-step-${info.nodeId}`}
      data-status={info.status}
      className="rounded-md border border-zinc-200 bg-white"
    >
      <button
        type="button"
        onClick={() => {
          setOpen((value) => !value);
          store.getState().selectNode(info.nodeId);
          store.getState().setPanel("run");
        }}
        aria-expanded={open}
        className="flex w-full items-center gap-2 px-2.5 py-1.5 text-left text-[12.5px] focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <ChevronRight
          aria-hidden
          className={clsx("size-3.5 shrink-0 text-zinc-400 transition-transform", open && "rotate-90")}
        />
        <StatusIcon
          aria-label={info.status}
          className={clsx(
            "size-4 shrink-0",
            info.status === "running" && "animate-spin text-sky-500",
            info.status === "completed" && "text-emerald-600",
            info.status === "failed" && (info.handled ? "text-amber-600" : "text-red-600"),
            info.status === "cancelled" && "text-zinc-500",
          )}
        />
        <span className="min-w-0 flex-1 truncate font-medium text-zinc-800">{label}</span>
        <span className="shrink-0 text-[11px] text-zinc-400">{typeLabel}</span>
        <span className="w-14 shrink-0 text-right text-[11px] text-zinc-500 tabular-nums">
          {formatMs(info.durationMs)}
        </span>
      </button>
      {open ? (
        <div className="flex flex-col gap-2 border-t border-zinc-100 px-2.5 py-2 text-[12px]">
          {info.error ? (
            <p className="text-red-700">
              {info.error}
              {info.handled ? " (handled by its error output)" : ""}
            </p>
          ) : null}
          {info.attempt > 1 ? <p className="text-zinc-500">Attempts: {info.attempt}</p> : null}
          {info.usage ? (
            <p className="text-zinc-500">
              Tokens: {info.usage.inputTokens} in, {info.usage.outputTokens} out
            </p>
          ) : null}
          {info.toolCalls.length > 0 ? (
            <div>
              <p className="font-medium text-zinc-700">Tool calls</p>
              <ul className="mt-0.5 flex flex-col gap-1">
                {info.toolCalls.map((call, index) => (
                  <li
                    // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id and are only ever appended, in the order they happened
                    key={index}
                    className="rounded bg-zinc-50 px-2 py-1 font-mono text-[11px] break-all text-zinc-700"
                  >
                    {call.name}({JSON.stringify(call.args)}) →{" "}
                    {call.error ? `error: ${call.error}` : (call.result ?? "…")}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {info.output ? (
            <pre
              data-testid={`run-step-output-${info.nodeId}`}
              className="max-h-48 overflow-auto rounded bg-zinc-900 px-2 py-1.5 font-mono text-[11px] leading-snug text-zinc-100"
            >
              {JSON.stringify(info.output, null, 2)}
            </pre>
          ) : info.status === "running" ? (
            <p className="text-zinc-500">Running…</p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
