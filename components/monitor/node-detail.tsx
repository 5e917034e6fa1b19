"use client";

/**
 * One node of a run: for the selected pass (a node in a loop runs several times) its status, timing and
 * attempts; the state it started from and what it changed (from the run's step checkpoints, when the run
 * kept them); its output; tokens and cost; the text it streamed; its tool calls; its log; its error.
 */
import { clsx } from "clsx";
import { CircleAlert, History, Loader2, Wrench, X } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { ExecutionStep } from "@/lib/contracts/executions";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { getPricing } from "@/lib/models/pricing";
import { formatClock, formatCost, formatDuration, formatTokens } from "./format";
import { JsonView } from "./json-view";
import { logLevelClass, type Span } from "./run-model";

export interface GraphNodeInfo {
  id: string;
  type: string;
  label?: string;
  config: Record<string, unknown>;
}

/** The steps a node started from, in order (one per pass), and the step that followed each. */
export function stepsAround(
  steps: readonly ExecutionStep[],
  nodeId: string,
): Array<{ before: ExecutionStep; after: ExecutionStep | undefined }> {
  const ordered = [...steps].sort((a, b) => a.step - b.step);
  return ordered.flatMap((step, i) => (step.next.includes(nodeId) ? [{ before: step, after: ordered[i + 1] }] : []));
}

function variableChanges(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changes: Array<{ key: string; kind: "added" | "changed" | "removed"; from?: unknown; to?: unknown }> = [];
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) changes.push({ key, kind: "added", to: value });
    else if (JSON.stringify(before[key]) !== JSON.stringify(value))
      changes.push({ key, kind: "changed", from: before[key], to: value });
  }
  for (const key of Object.keys(before)) if (!(key in after)) changes.push({ key, kind: "removed", from: before[key] });
  return changes;
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? "undefined");
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** "provider:model" a node bills its tokens to, from its configuration. */
function modelOf(node: GraphNodeInfo): { provider: string; model: string } | null {
  const { provider, model } = node.config as { provider?: unknown; model?: unknown };
  if (!["model", "tools", "router", "memory"].includes(node.type)) return null;
  return {
    provider: typeof provider === "string" ? provider : "local",
    model: typeof model === "string" ? model : "echo",
  };
}

function Section({
  title,
  children,
  aside,
  testId,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="border-t border-zinc-100 px-4 py-3" data-testid={testId}>
      <h4 className="mb-1.5 flex items-center justify-between text-[11.5px] font-semibold tracking-wide text-zinc-500 uppercase">
        {title}
        {aside}
      </h4>
      {children}
    </section>
  );
}

export function NodeDetail({
  node,
  spans,
  after,
  steps,
  stepsKept,
  live,
  now,
  onClose,
  onTravel,
}: {
  node: GraphNodeInfo;
  spans: Span[];
  /** The variables after each pass (from the next node's input, or the run's result), by pass. */
  after: Array<Record<string, unknown> | undefined>;
  steps: readonly ExecutionStep[];
  /** The run kept step checkpoints (else input and state changes cannot be shown). */
  stepsKept: boolean;
  live: boolean;
  now: number;
  onClose: () => void;
  /** Opens the time-travel dialog at this step; absent when the run cannot be re-run from a step. */
  onTravel?: (checkpointId: string) => void;
}) {
  const [chosen, setChosen] = useState<number | null>(null);
  const pass = chosen !== null && chosen < spans.length ? chosen : spans.length - 1;
  const span = spans[pass];
  const definition = getNodeDefinition(node.type);
  const around = stepsAround(steps, node.id)[pass];
  const model = modelOf(node);
  const price = model ? getPricing(model.provider, model.model) : null;
  const cost =
    span?.usage && price
      ? span.usage.inputTokens * price.inputPerToken + span.usage.outputTokens * price.outputPerToken
      : null;
  const duration = span
    ? (span.durationMs ?? (span.status === "running" ? now - span.startedAt : undefined))
    : undefined;

  return (
    <div data-testid="node-detail" data-node-id={node.id} className="flex h-full flex-col">
      <header className="flex items-start gap-2 px-4 pt-3 pb-2.5">
        <div className="min-w-0 flex-1">
          <h3 className="truncate text-[14px] font-semibold text-zinc-900">
            {node.label || definition?.label || node.id}
          </h3>
          <p className="text-[12px] text-zinc-500">
            {definition?.label ?? node.type} · <code className="font-mono text-[11px]">{node.id}</code>
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close node details"
          className="rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
        >
          <X aria-hidden className="size-4" />
        </button>
      </header>

      {spans.length > 1 ? (
        <div className="flex flex-wrap gap-1 px-4 pb-2" role="tablist" aria-label="Passes">
          {spans.map((s, i) => (
            <button
              key={s.index}
              type="button"
              role="tab"
              aria-selected={i === pass}
              onClick={() => setChosen(i)}
              className={clsx(
                "rounded-full border px-2 py-0.5 text-[11.5px] font-medium",
                i === pass
                  ? "border-indigo-300 bg-indigo-50 text-indigo-800"
                  : "border-zinc-200 text-zinc-600 hover:border-zinc-300",
              )}
            >
              Pass {i + 1}
            </button>
          ))}
        </div>
      ) : null}

      <div className="min-h-0 flex-1 overflow-y-auto">
        {!span ? (
          <p
            className="border-t border-zinc-100 px-4 py-6 text-center text-[13px] text-zinc-500"
            data-testid="node-not-run"
          >
            {live ? "This node has not run yet." : "This node did not run."}
          </p>
        ) : (
          <>
            <dl className="grid grid-cols-3 gap-x-3 gap-y-2 border-t border-zinc-100 px-4 py-3 text-[12.5px]">
              <div>
                <dt className="text-zinc-500">Status</dt>
                <dd
                  data-testid="node-status"
                  className={clsx(
                    "font-medium",
                    span.status === "failed"
                      ? "text-red-700"
                      : span.status === "completed"
                        ? "text-emerald-700"
                        : span.status === "waiting"
                          ? "text-amber-700"
                          : span.status === "cancelled"
                            ? "text-zinc-600"
                            : "text-sky-700",
                  )}
                >
                  {span.status === "running" ? (
                    <span className="inline-flex items-center gap-1">
                      <Loader2 aria-hidden className="size-3 animate-spin" />
                      Running
                    </span>
                  ) : span.status === "waiting" ? (
                    "Waiting for an answer"
                  ) : span.status === "completed" ? (
                    "Completed"
                  ) : span.status === "cancelled" ? (
                    "Cancelled"
                  ) : span.handled ? (
                    "Failed, handled"
                  ) : (
                    "Failed"
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Duration</dt>
                <dd className="font-medium text-zinc-800 tabular-nums">{formatDuration(duration)}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Started</dt>
                <dd className="font-medium text-zinc-800 tabular-nums">{formatClock(new Date(span.startedAt))}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Attempts</dt>
                <dd className="font-medium text-zinc-800 tabular-nums">{span.attempts}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Tokens</dt>
                <dd className="font-medium text-zinc-800 tabular-nums" data-testid="node-tokens">
                  {span.usage ? (
                    <span title={`${span.usage.inputTokens} in · ${span.usage.outputTokens} out`}>
                      {formatTokens(span.usage.inputTokens + span.usage.outputTokens)}
                    </span>
                  ) : span.tokenCount ? (
                    `~${span.tokenCount}`
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Cost</dt>
                <dd className="font-medium text-zinc-800 tabular-nums">
                  {cost === null ? (
                    "—"
                  ) : price && !price.known ? (
                    <span title="Not in the price table">unknown</span>
                  ) : (
                    formatCost(cost)
                  )}
                </dd>
              </div>
              {model ? (
                <div className="col-span-3">
                  <dt className="sr-only">Model</dt>
                  <dd className="truncate text-[12px] text-zinc-500">
                    Model{" "}
                    <code className="font-mono text-[11.5px] text-zinc-700">{`${model.provider}:${model.model}`}</code>
                  </dd>
                </div>
              ) : null}
            </dl>

            {span.error ? (
              <Section title="Error" testId="node-error">
                <p className="flex items-start gap-1.5 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-800">
                  <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" />
                  <span className="break-words">
                    {span.error}
                    {span.handled ? (
                      <span className="block text-[11.5px] text-red-700/80">
                        The run went on along this node’s error path.
                      </span>
                    ) : null}
                  </span>
                </p>
              </Section>
            ) : null}

            <Section
              title="Input"
              aside={
                around && onTravel ? (
                  <Button
                    variant="ghost"
                    size="sm"
                    className="-my-1 h-6 px-1.5 text-[11.5px] normal-case"
                    data-testid="travel-from-node"
                    onClick={() => onTravel(around.before.checkpointId)}
                  >
                    <History aria-hidden />
                    Re-run from here
                  </Button>
                ) : null
              }
              testId="node-input"
            >
              {span.input || around ? (
                <div className="flex flex-col gap-2">
                  {(span.input?.lastMessage ?? around?.before.lastMessage) ? (
                    <p className="text-[12px] text-zinc-600" data-testid="node-input-message">
                      Last message ({(span.input?.lastMessage ?? around!.before.lastMessage)!.role},{" "}
                      {span.input?.messageCount ?? around!.before.messageCount} in all):{" "}
                      <span className="text-zinc-800">
                        {(span.input?.lastMessage ?? around!.before.lastMessage)!.text || "(empty)"}
                      </span>
                    </p>
                  ) : null}
                  <JsonView
                    value={around?.before.variables ?? span.input?.variables ?? {}}
                    testId="node-input-variables"
                  />
                </div>
              ) : (
                <p className="text-[12px] text-zinc-500">
                  {stepsKept
                    ? "No checkpoint was kept before this pass."
                    : "The state each node starts from is kept when a run saves step checkpoints (durability “sync”). Re-run with step checkpoints to see it."}
                </p>
              )}
            </Section>

            {span.output ? (
              <Section title="Output" testId="node-output">
                <JsonView value={span.output} testId="node-output-json" />
              </Section>
            ) : null}

            {around?.after ? (
              <Section title="State changes" testId="node-changes">
                <StateChanges before={around.before.variables} after={around.after.variables} />
              </Section>
            ) : span.input && after[pass] && span.status !== "running" ? (
              <Section title="State changes" testId="node-changes">
                <StateChanges before={span.input.variables} after={after[pass]!} />
              </Section>
            ) : null}

            {span.tokens ? (
              <Section title="Streamed" testId="node-stream">
                <p
                  className={clsx(
                    "max-h-48 overflow-y-auto text-[12.5px] leading-relaxed whitespace-pre-wrap text-zinc-800",
                    span.status === "running" && "monitor-caret",
                  )}
                >
                  {span.tokens}
                </p>
              </Section>
            ) : null}

            {span.toolCalls.length ? (
              <Section title={`Tool calls (${span.toolCalls.length})`}>
                <ol className="flex flex-col gap-2">
                  {span.toolCalls.map((call, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id and are only ever appended, in the order they happened
                    <li key={i} className="rounded-md border border-zinc-200 px-2.5 py-2 text-[12px]">
                      <p className="flex items-center gap-1.5 font-medium text-zinc-800">
                        <Wrench aria-hidden className="size-3.5 text-zinc-400" />
                        {call.name}
                      </p>
                      <p className="mt-1 font-mono text-[11px] break-all text-zinc-600">{preview(call.args)}</p>
                      {call.error ? (
                        <p className="mt-1 text-red-700">{call.error}</p>
                      ) : call.result ? (
                        <p className="mt-1 text-zinc-700">→ {call.result}</p>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </Section>
            ) : null}

            <Section title="Log" testId="node-log">
              <ol className="flex flex-col gap-1 font-mono text-[11.5px]">
                {span.logs.map((entry) => (
                  <li key={entry.seq} className="flex gap-2">
                    <span className="shrink-0 text-zinc-400 tabular-nums">
                      +{formatDuration(entry.at - span.startedAt)}
                    </span>
                    <span className={logLevelClass(entry.level)}>{entry.text}</span>
                  </li>
                ))}
                {span.tokenCount ? (
                  <li className="flex gap-2 text-zinc-500">
                    <span className="shrink-0 tabular-nums">
                      +{formatDuration((span.firstTokenAt ?? span.startedAt) - span.startedAt)}
                    </span>
                    <span>First of {span.tokenCount} streamed tokens</span>
                  </li>
                ) : null}
              </ol>
            </Section>
          </>
        )}
      </div>
    </div>
  );
}

function StateChanges({ before, after }: { before: Record<string, unknown>; after: Record<string, unknown> }) {
  const changes = variableChanges(before, after);
  if (changes.length === 0) return <p className="text-[12px] text-zinc-500">No variable changed.</p>;
  return (
    <ul className="flex flex-col gap-1 font-mono text-[11.5px]">
      {changes.map((change) => (
        <li key={change.key} className="break-all">
          <span
            className={
              change.kind === "added"
                ? "text-emerald-700"
                : change.kind === "removed"
                  ? "text-red-700"
                  : "text-amber-700"
            }
          >
            {change.kind === "added" ? "+" : change.kind === "removed" ? "−" : "~"} {change.key}
          </span>{" "}
          {change.kind === "changed" ? (
            <span className="text-zinc-600">
              {preview(change.from)} → <span className="text-zinc-900">{preview(change.to)}</span>
            </span>
          ) : (
            <span className="text-zinc-700">{preview(change.kind === "added" ? change.to : change.from)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
