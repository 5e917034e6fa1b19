"use client";

/**
 * One execution, live: its workflow on a read-only canvas with each node coloured by state as events
 * arrive, a waterfall of node runs, the selected node's detail, the answer streaming in, and what can be
 * done with the run — cancel it while it runs, answer it when it waits for a person, run it again, or run
 * it again from one of its steps with edited state (time travel).
 *
 * Events come from GET /api/executions/:id/events (stored ones, then live ones): the same stream whether
 * the run finished an hour ago or is running now.
 */
import "./monitor.css";
import { clsx } from "clsx";
import {
  ArrowLeft,
  Ban,
  Check,
  CircleAlert,
  CornerLeftUp,
  History,
  Loader2,
  MessageSquare,
  Pause,
  PencilRuler,
  Play,
  RotateCw,
  ThumbsDown,
  ThumbsUp,
  UserRound,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import { useEditorApi } from "@/components/editor/editor-context";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ExecutionDetail, ExecutionStep } from "@/lib/contracts/executions";
import { answerExecution, cancelExecution, rerunExecution } from "@/lib/api-client/monitor";
import { useExecutionEvents } from "./queries";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { isAppError } from "@/lib/errors";
import { computeCost } from "@/lib/models/pricing";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { formatCost, formatDuration, formatTokens, TYPE_LABELS } from "./format";
import { JsonView } from "./json-view";
import { LiveCanvas, LiveCanvasProvider } from "./live-canvas";
import { NodeDetail, type GraphNodeInfo } from "./node-detail";
import {
  applyMonitorEvent,
  displayStatus,
  EMPTY_RUN,
  endedRunText,
  logLevelClass,
  isLive,
  spansOf,
  type MonitorRun,
} from "./run-model";
import { StatusBadge } from "./status-badge";
import { TimeTravelDialog } from "./time-travel-dialog";
import { useNow } from "./use-now";
import { Waterfall } from "./waterfall";

export interface RunLinks {
  parent: { id: string; title: string; status: string } | null;
  /** The saved workflow it ran (editor link), when it still exists. */
  workflow: { id: string; name: string } | null;
  template: { id: string; name: string } | null;
  conversationId: string | null;
}

export interface RunViewProps {
  execution: ExecutionDetail;
  steps: ExecutionStep[];
  title: string;
  version: string | null;
  links: RunLinks;
  canvasNames: { knowledgeBases: Array<{ id: string; name: string }>; workflows: Array<{ id: string; name: string }> };
}

export function RunView(props: RunViewProps) {
  const definition = props.execution.definition;
  const graph = { nodes: definition?.nodes ?? [], edges: definition?.edges ?? [], metadata: {} };
  return (
    <LiveCanvasProvider definition={graph} names={props.canvasNames}>
      <RunViewBody {...props} />
    </LiveCanvasProvider>
  );
}

function RunViewBody({ execution, steps, title, version, links }: RunViewProps) {
  const router = useRouter();
  const store = useEditorApi();
  const [run, dispatch] = useReducer(applyMonitorEvent, EMPTY_RUN);
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [action, setAction] = useState<null | "cancel" | "answer" | "rerun" | "travel">(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [travel, setTravel] = useState<{ open: boolean; checkpointId: string | null; key: number }>({
    open: false,
    checkpointId: null,
    key: 0,
  });

  // Replaying a finished run's history must not make it "running" for a moment: that hid the run's
  // actions and reset an open time-travel dialog mid-edit.
  const status = displayStatus(execution.status, run.phase);
  const live = status === "running" || status === "pending";
  const finished = !live && status !== "paused";

  const onEvent = useCallback(
    (event: ExecutionEvent) => {
      dispatch(event);
      store.getState().applyRunEvents([event]);
      // The run's record (totals, steps to travel from) is final once it ends or pauses: read it again.
      if (event.type === "run_completed" || event.type === "run_failed" || event.type === "run_cancelled") {
        setAction(null);
        router.refresh();
      }
    },
    [router, store],
  );
  const stream = useExecutionEvents({
    executionId: execution.id,
    afterSeq: () => runRef.current.lastSeq,
    generation,
    onEvent,
    // A finished run whose events were pruned ends its stream at once: do not keep reconnecting to it.
    shouldReconnect: () =>
      isLive(runRef.current.phase) &&
      (execution.status === "running" || execution.status === "pending" || runRef.current.phase === "running"),
  });

  const select = useCallback(
    (nodeId: string | null) => {
      setSelected(nodeId);
      if (nodeId) store.getState().selectNode(nodeId);
      else store.getState().clearSelection();
    },
    [store],
  );

  const now = useNow(live || run.spans.some((s) => s.status === "running"), 250);
  const nodes = useMemo<GraphNodeInfo[]>(
    () =>
      (execution.definition?.nodes ?? []).map((node) => ({
        id: node.id,
        type: node.type,
        ...(typeof node.data?.label === "string" && node.data.label ? { label: node.data.label } : {}),
        config: (node.data?.config ?? {}) as Record<string, unknown>,
      })),
    [execution.definition],
  );
  const labels = useMemo(
    () => Object.fromEntries(nodes.map((n) => [n.id, n.label ?? getNodeDefinition(n.type)?.label ?? n.id])),
    [nodes],
  );
  // One log for the run: its own lines and every node's, in the order they happened.
  const log = useMemo(
    () =>
      [
        ...run.logs.map((entry) => ({ ...entry, node: null as string | null })),
        ...run.spans.flatMap((span) => span.logs.map((entry) => ({ ...entry, node: span.nodeId }))),
      ].sort((a, b) => a.seq - b.seq),
    [run.logs, run.spans],
  );
  const selectedNode = selected
    ? (nodes.find((n) => n.id === selected) ?? { id: selected, type: "unknown", config: {} })
    : null;

  const startedAt = run.startedAt ?? (execution.startedAt ? Date.parse(execution.startedAt) : null);
  const endedAt = run.endedAt ?? (execution.completedAt && finished ? Date.parse(execution.completedAt) : null);
  const duration =
    (finished || status === "paused") && execution.durationMs !== null && execution.status === status
      ? execution.durationMs
      : status === "paused" && run.result
        ? run.result.durationMs
        : startedAt
          ? (endedAt ?? (live ? now : (run.spans.at(-1)?.endedAt ?? now))) - startedAt
          : null;
  const liveUsage = run.spans.reduce(
    (sum, s) => ({
      input: sum.input + (s.usage?.inputTokens ?? 0),
      output: sum.output + (s.usage?.outputTokens ?? (s.status === "running" ? s.tokenCount : 0)),
    }),
    { input: 0, output: 0 },
  );
  const tokens =
    run.result?.usage.totalTokens ?? (live ? liveUsage.input + liveUsage.output : execution.usage.totalTokens);
  const cost = run.result?.cost ?? execution.cost;
  const interrupt = run.interrupt ?? (status === "paused" ? (run.result?.interrupt ?? null) : null);
  const error =
    run.result?.error ??
    (execution.errorMessage && !live ? { message: execution.errorMessage, code: "", nodeId: undefined } : undefined);
  // Any finished run: one that kept steps re-runs from them (a chat turn too); the dialog says what one
  // that kept none can restore (lib/contracts/rerun.ts).
  const canTravel = finished;

  async function act<T>(kind: NonNullable<typeof action>, work: () => Promise<T>, then: (value: T) => void) {
    setAction(kind);
    setActionError(null);
    try {
      then(await work());
    } catch (e) {
      setActionError(isAppError(e) ? e.message : "Something went wrong. Try again.");
      setAction(null);
    }
  }

  const cancel = () =>
    void act(
      "cancel",
      () => cancelExecution(execution.id),
      () => undefined,
    );
  const answer = (body: { approved?: boolean; text?: string }) =>
    void act(
      "answer",
      () => answerExecution(execution.id, body),
      () => {
        // The same execution goes on: follow its stream again from the last event seen.
        setGeneration((g) => g + 1);
        setAction(null);
      },
    );
  const rerun = (body: Parameters<typeof rerunExecution>[1]) =>
    void act(
      body?.fromStep ? "travel" : "rerun",
      () => rerunExecution(execution.id, body),
      ({ executionId }) => router.push(`/executions/${executionId}`),
    );

  return (
    <div
      className="flex flex-col gap-5"
      data-testid="run-view"
      data-execution-id={execution.id}
      data-status={status}
      data-stream={stream}
      data-last-seq={run.lastSeq}
      data-last-at={run.lastAt ?? ""}
    >
      <header className="flex flex-col gap-3 border-b border-zinc-200 pb-5">
        <Link
          href="/executions"
          className="inline-flex w-fit items-center gap-1 text-[12.5px] font-medium text-zinc-500 hover:text-zinc-800"
        >
          <ArrowLeft aria-hidden className="size-3.5" />
          Executions
        </Link>
        <div className="flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="truncate text-xl font-semibold tracking-tight text-zinc-900" data-testid="run-title">
                {title}
              </h1>
              {version ? <Badge>{version}</Badge> : null}
              <StatusBadge status={status} className="text-[12.5px]" />
            </div>
            <dl className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-[12.5px] text-zinc-500">
              <Meta label="Type">{TYPE_LABELS[execution.workflowType] ?? execution.workflowType}</Meta>
              <Meta label="Started">{execution.startedAt ? <RelativeTime date={execution.startedAt} /> : "—"}</Meta>
              <Meta label="Duration" testId="run-duration">
                {formatDuration(duration)}
              </Meta>
              <Meta label="Tokens" testId="run-tokens">
                {formatTokens(tokens)}
              </Meta>
              <Meta label="Cost">{formatCost(cost)}</Meta>
              <Meta label="Id">
                <code className="font-mono text-[11.5px] text-zinc-600">{execution.id}</code>
              </Meta>
            </dl>
            <RunLinksRow links={links} />
          </div>
          <div className="flex shrink-0 flex-wrap items-center gap-2">
            {live || status === "paused" ? (
              <Button
                variant="secondary"
                data-testid="cancel-run"
                disabled={action === "cancel"}
                onClick={cancel}
                className="text-red-700 hover:text-red-800"
              >
                {action === "cancel" ? <Loader2 aria-hidden className="animate-spin" /> : <Ban aria-hidden />}
                {action === "cancel" ? "Cancelling…" : "Cancel run"}
              </Button>
            ) : null}
            {finished ? (
              <>
                {canTravel ? (
                  <Button
                    variant="secondary"
                    data-testid="time-travel-open"
                    onClick={() => setTravel((t) => ({ open: true, checkpointId: null, key: t.key + 1 }))}
                  >
                    <History aria-hidden />
                    Re-run from a step
                  </Button>
                ) : null}
                <Button data-testid="rerun" disabled={action === "rerun"} onClick={() => rerun({})}>
                  {action === "rerun" ? <Loader2 aria-hidden className="animate-spin" /> : <RotateCw aria-hidden />}
                  Re-run
                </Button>
              </>
            ) : null}
          </div>
        </div>
        {actionError && !travel.open ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800">
            {actionError}
          </p>
        ) : null}
      </header>

      {interrupt && status === "paused" ? (
        <AnswerPanel
          key={`${interrupt.nodeId}-${run.lastSeq}`}
          question={interrupt.question}
          mode={interrupt.mode}
          {...(interrupt.kind === "breakpoint"
            ? { breakpoint: { when: interrupt.when ?? "before", step: labels[interrupt.nodeId] ?? interrupt.nodeId } }
            : {})}
          busy={action === "answer"}
          onAnswer={answer}
          onShowNode={() => select(interrupt.nodeId)}
        />
      ) : null}

      {error && (status === "failed" || status === "interrupted" || status === "cancelled") ? (
        <div
          role="status"
          data-testid="run-error"
          className={clsx(
            "flex items-start gap-2.5 rounded-lg border px-4 py-3 text-[13px]",
            status === "cancelled"
              ? "border-zinc-200 bg-zinc-50 text-zinc-700"
              : "border-red-200 bg-red-50 text-red-800",
          )}
        >
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <div className="min-w-0 flex-1">
            {(() => {
              const text = endedRunText(status, error.message);
              return (
                <>
                  <p className="font-medium">{text.heading}</p>
                  {text.detail ? <p className="mt-0.5 break-words opacity-90">{text.detail}</p> : null}
                </>
              );
            })()}
          </div>
          {error.nodeId ? (
            <Button variant="ghost" size="sm" onClick={() => select(error.nodeId ?? null)}>
              Show node
            </Button>
          ) : null}
        </div>
      ) : null}

      <section
        aria-label="Workflow"
        className="h-[22rem] overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
      >
        {nodes.length ? (
          <LiveCanvas onSelect={select} />
        ) : (
          <div className="flex h-full items-center justify-center px-6 text-center text-[13px] text-zinc-500">
            The graph this run used was not kept with it.
          </div>
        )}
      </section>

      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <section
            aria-label="Timeline"
            className="flex max-h-[30rem] flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
          >
            <header className="flex items-center justify-between border-b border-zinc-200 px-4 py-2.5">
              <h2 className="text-[13px] font-semibold text-zinc-800">Timeline</h2>
              <span className="text-[12px] text-zinc-500">
                {run.spans.length} node run{run.spans.length === 1 ? "" : "s"}
                {stream === "reconnecting" ? " · reconnecting…" : ""}
              </span>
            </header>
            <div className="min-h-0 flex-1 overflow-y-auto">
              <Waterfall
                spans={run.spans}
                labels={labels}
                start={startedAt ?? now}
                end={
                  endedAt ??
                  (live ? now : Math.max(startedAt ?? now, ...run.spans.map((span) => span.endedAt ?? span.startedAt)))
                }
                selected={selected}
                onSelect={select}
              />
            </div>
          </section>
          <section aria-label="Output" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
            <header className="flex items-center justify-between border-b border-zinc-200 px-4 py-2.5">
              <h2 className="text-[13px] font-semibold text-zinc-800">{live ? "Streaming" : "Answer"}</h2>
              {live ? <Loader2 aria-hidden className="size-3.5 animate-spin text-sky-500" /> : null}
            </header>
            <OutputText run={run} execution={execution} live={live} />
          </section>
          <section aria-label="Run log" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
            <header className="border-b border-zinc-200 px-4 py-2.5">
              <h2 className="text-[13px] font-semibold text-zinc-800">Run log</h2>
            </header>
            <ol
              className="flex max-h-72 flex-col gap-1 overflow-y-auto px-4 py-3 font-mono text-[11.5px]"
              data-testid="run-log"
            >
              {log.length === 0 ? (
                <li className="font-sans text-[12.5px] text-zinc-500">
                  {stream === "live" || stream === "connecting"
                    ? "Waiting for events…"
                    : "No events were kept for this run."}
                </li>
              ) : null}
              {log.map((entry) => (
                <li key={entry.seq} className="flex gap-2">
                  <span className="w-14 shrink-0 text-right text-zinc-400 tabular-nums">
                    {startedAt ? `+${formatDuration(Math.max(0, entry.at - startedAt))}` : ""}
                  </span>
                  <span className={logLevelClass(entry.level)}>
                    {entry.node ? (
                      <button
                        type="button"
                        className="font-semibold hover:underline"
                        onClick={() => select(entry.node)}
                      >
                        {labels[entry.node] ?? entry.node}
                      </button>
                    ) : null}
                    {entry.node ? " " : ""}
                    {entry.text}
                  </span>
                </li>
              ))}
            </ol>
          </section>
        </div>
        <aside
          aria-label={selectedNode ? "Node details" : "Run details"}
          className="h-[34rem] overflow-hidden rounded-lg lg:sticky lg:top-4 lg:h-[calc(100vh-2rem)] lg:max-h-[46rem] border border-zinc-200 bg-white shadow-xs"
        >
          {selectedNode ? (
            <NodeDetail
              key={selectedNode.id}
              node={selectedNode}
              spans={spansOf(run, selectedNode.id)}
              after={variablesAfter(run, selectedNode.id)}
              steps={steps}
              stepsKept={steps.length > 0}
              live={live}
              now={now}
              onClose={() => select(null)}
              {...(canTravel && steps.length
                ? {
                    onTravel: (checkpointId: string) =>
                      setTravel((t) => ({ open: true, checkpointId, key: t.key + 1 })),
                  }
                : {})}
            />
          ) : (
            <RunSummary execution={execution} run={run} />
          )}
        </aside>
      </div>

      {canTravel ? (
        <TimeTravelDialog
          key={travel.key}
          open={travel.open}
          steps={steps}
          labels={labels}
          workflowType={execution.workflowType}
          initialCheckpointId={travel.checkpointId}
          busy={action === "travel" || action === "rerun"}
          error={travel.open ? actionError : null}
          onClose={() => {
            setTravel((t) => ({ ...t, open: false }));
            setActionError(null);
          }}
          onRun={(checkpointId, variables) => rerun({ fromStep: { checkpointId, variables } })}
          onRerunWithSteps={() => rerun({ durability: "sync" })}
        />
      ) : null}
    </div>
  );
}

/**
 * The variables after each pass of a node: the input of the next node that started once it ended, or the
 * run's final variables when nothing started after it.
 */
function variablesAfter(run: MonitorRun, nodeId: string): Array<Record<string, unknown> | undefined> {
  return spansOf(run, nodeId).map((span) => {
    if (span.endedAt === undefined || span.status === "running") return undefined;
    const next = run.spans.find(
      (other) => other.index > span.index && other.input && other.startedAt >= span.endedAt! - 1,
    );
    return next?.input?.variables ?? run.result?.output.variables;
  });
}

function Meta({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex items-baseline gap-1.5">
      <dt>{label}</dt>
      <dd className="font-medium text-zinc-800 tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function RunLinksRow({ links }: { links: RunLinks }) {
  const items: ReactNode[] = [];
  if (links.parent) {
    items.push(
      <Link
        key="parent"
        href={`/executions/${links.parent.id}`}
        data-testid="parent-link"
        className="inline-flex items-center gap-1 hover:text-indigo-700"
      >
        <CornerLeftUp aria-hidden className="size-3.5" />
        Re-run of <span className="font-medium text-zinc-800">{links.parent.title}</span>
        <code className="font-mono text-[11px] text-zinc-500">{links.parent.id.slice(-6).toLowerCase()}</code>
      </Link>,
    );
  }
  if (links.workflow) {
    items.push(
      <Link
        key="workflow"
        href={`/workflows/${links.workflow.id}`}
        prefetch={false}
        data-testid="workflow-link"
        className="inline-flex items-center gap-1 hover:text-indigo-700"
      >
        <PencilRuler aria-hidden className="size-3.5" />
        Open {links.workflow.name} in the editor
      </Link>,
    );
  }
  if (links.template) {
    items.push(
      <Link key="template" href="/templates" className="inline-flex items-center gap-1 hover:text-indigo-700">
        From template <span className="font-medium text-zinc-800">{links.template.name}</span>
      </Link>,
    );
  }
  if (links.conversationId) {
    items.push(
      <Link
        key="chat"
        href={`/chat/${links.conversationId}`}
        data-testid="conversation-link"
        className="inline-flex items-center gap-1 hover:text-indigo-700"
      >
        <MessageSquare aria-hidden className="size-3.5" />
        Open the conversation
      </Link>,
    );
  }
  if (!items.length) return null;
  return <div className="mt-2.5 flex flex-wrap gap-x-4 gap-y-1 text-[12.5px] text-zinc-600">{items}</div>;
}

/** A run paused at a breakpoint (started with interruptBefore/After): it continues without an answer. */
function BreakpointPanel({
  when,
  step,
  busy,
  onContinue,
  onShowNode,
}: {
  when: "before" | "after";
  /** The step's name as the canvas shows it. */
  step: string;
  busy: boolean;
  onContinue: () => void;
  onShowNode: () => void;
}) {
  return (
    <section data-testid="breakpoint-panel" className="rounded-lg border border-sky-200 bg-sky-50/70 px-4 py-3.5">
      <div className="flex items-center gap-2.5">
        <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-sky-100 text-sky-700">
          <Pause aria-hidden className="size-4" />
        </span>
        <p className="min-w-0 flex-1 text-[13px] text-zinc-800">
          Paused at a breakpoint {when} <span className="font-medium">{step}</span> ·{" "}
          <button type="button" className="underline-offset-2 hover:underline" onClick={onShowNode}>
            show the step
          </button>
        </p>
        <Button data-testid="breakpoint-continue" disabled={busy} onClick={onContinue}>
          {busy ? <Loader2 aria-hidden className="animate-spin" /> : <Play aria-hidden />}
          Continue
        </Button>
      </div>
    </section>
  );
}

function AnswerPanel({
  question,
  mode,
  breakpoint,
  busy,
  onAnswer,
  onShowNode,
}: {
  question: string;
  mode: "approval" | "input";
  /** Paused at a breakpoint, not a human node: a Continue button instead of a question. */
  breakpoint?: { when: "before" | "after"; step: string };
  busy: boolean;
  onAnswer: (body: { approved?: boolean; text?: string }) => void;
  onShowNode: () => void;
}) {
  const [text, setText] = useState("");
  if (breakpoint)
    return (
      <BreakpointPanel
        when={breakpoint.when}
        step={breakpoint.step}
        busy={busy}
        onContinue={() => onAnswer({})}
        onShowNode={onShowNode}
      />
    );
  return (
    <section data-testid="answer-panel" className="rounded-lg border border-amber-200 bg-amber-50/70 px-4 py-3.5">
      <div className="flex items-start gap-2.5">
        <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-amber-100 text-amber-700">
          <UserRound aria-hidden className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-[12px] font-medium text-amber-800">
            Waiting for a person ·{" "}
            <button type="button" className="underline-offset-2 hover:underline" onClick={onShowNode}>
              show the step
            </button>
          </p>
          <p className="mt-0.5 text-[14px] font-medium text-zinc-900" data-testid="answer-question">
            {question}
          </p>
          <form
            className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-start"
            onSubmit={(event) => {
              event.preventDefault();
              if (mode === "input" && text.trim()) onAnswer({ text: text.trim() });
            }}
          >
            {mode === "input" ? (
              <>
                <label htmlFor="answer-text" className="sr-only">
                  Your answer
                </label>
                <textarea
                  id="answer-text"
                  data-testid="answer-text"
                  rows={2}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  placeholder="Your answer"
                  className="min-h-9 flex-1 resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
                />
                <Button type="submit" data-testid="answer-send" disabled={busy || !text.trim()}>
                  {busy ? <Loader2 aria-hidden className="animate-spin" /> : <Check aria-hidden />}
                  Send answer
                </Button>
              </>
            ) : (
              <>
                <label htmlFor="answer-comment" className="sr-only">
                  Comment (optional)
                </label>
                <input
                  id="answer-comment"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  placeholder="Comment (optional)"
                  className="h-9 flex-1 rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
                />
                <Button
                  data-testid="answer-approve"
                  disabled={busy}
                  onClick={() => onAnswer({ approved: true, ...(text.trim() ? { text: text.trim() } : {}) })}
                >
                  {busy ? <Loader2 aria-hidden className="animate-spin" /> : <ThumbsUp aria-hidden />}
                  Approve
                </Button>
                <Button
                  variant="secondary"
                  data-testid="answer-reject"
                  disabled={busy}
                  onClick={() => onAnswer({ approved: false, ...(text.trim() ? { text: text.trim() } : {}) })}
                >
                  <ThumbsDown aria-hidden />
                  Reject
                </Button>
              </>
            )}
          </form>
        </div>
      </div>
    </section>
  );
}

function OutputText({ run, execution, live }: { run: MonitorRun; execution: ExecutionDetail; live: boolean }) {
  const final =
    run.result?.output.message ?? (typeof execution.output?.message === "string" ? execution.output.message : "");
  const text = live ? run.tokens : final || run.tokens;
  return (
    <div className="max-h-72 overflow-y-auto px-4 py-3" data-testid="run-output">
      {text ? (
        <p className={clsx("text-[13.5px] leading-relaxed whitespace-pre-wrap text-zinc-800", live && "monitor-caret")}>
          {text}
        </p>
      ) : (
        <p className="text-[13px] text-zinc-500">
          {live ? "Tokens appear here as the model writes them." : "This run produced no message."}
        </p>
      )}
    </div>
  );
}

function RunSummary({ execution, run }: { execution: ExecutionDetail; run: MonitorRun }) {
  const usage = run.result?.usageByModel ?? execution.usageByModel ?? {};
  const models = Object.entries(usage);
  const output = run.result?.output ?? execution.output;
  return (
    <div className="flex h-full flex-col overflow-y-auto" data-testid="run-summary">
      <header className="px-4 pt-3 pb-2">
        <h3 className="text-[14px] font-semibold text-zinc-900">Run</h3>
        <p className="text-[12px] text-zinc-500">Select a node on the canvas or the timeline for its details.</p>
      </header>
      <section className="border-t border-zinc-100 px-4 py-3">
        <h4 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-zinc-500 uppercase">Input</h4>
        <JsonView value={execution.input ?? {}} testId="run-input" />
      </section>
      {output ? (
        <section className="border-t border-zinc-100 px-4 py-3">
          <h4 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-zinc-500 uppercase">Output variables</h4>
          <JsonView value={(output as { variables?: unknown }).variables ?? {}} testId="run-variables" />
        </section>
      ) : null}
      <section className="border-t border-zinc-100 px-4 py-3">
        <h4 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-zinc-500 uppercase">Models</h4>
        {models.length === 0 ? (
          <p className="text-[12px] text-zinc-500">
            {isLive(run.phase) ? "Known when the run ends." : "No model was called."}
          </p>
        ) : (
          <table className="w-full text-[12px]">
            <tbody className="divide-y divide-zinc-100">
              {models.map(([model, u]) => (
                <tr key={model}>
                  <td className="py-1 pr-2 font-mono text-[11.5px] text-zinc-700">{model}</td>
                  <td className="py-1 text-right text-zinc-600 tabular-nums">
                    {formatTokens(u.inputTokens)} in · {formatTokens(u.outputTokens)} out
                  </td>
                  <td className="py-1 pl-2 text-right font-medium text-zinc-800 tabular-nums">
                    {formatCost(computeCost({ [model]: u }))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {execution.correlationId && execution.correlationId !== execution.id ? (
        <p className="border-t border-zinc-100 px-4 py-3 text-[12px] text-zinc-500">
          Correlation <code className="font-mono text-[11px] text-zinc-700">{execution.correlationId}</code>
        </p>
      ) : null}
    </div>
  );
}
