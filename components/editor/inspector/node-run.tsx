"use client";

/**
 * "Run this node" in the inspector: the node run alone from an input the user can pin (kept in the node's
 * data, so it is saved with the workflow), and what it did — its output, tokens, cost and errors. The run is
 * a CUSTOM request through POST /api/executions (see ../model/single-node), tracked like any run.
 */
import { Pin, PinOff, Play } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { isRepeatClick, singleFlight } from "@/components/ui/single-flight";
import { useEditor, useEditorApi } from "../editor-context";
import type { EditorNode } from "../model/document";
import type { EditorStore } from "../model/editor-store";
import { applyRunEvent, IDLE_RUN, isRunActive } from "../model/run-state";
import {
  formatInput,
  nodeOutputOf,
  parseInput,
  proposeInput,
  refusalText,
  requestIssues,
  singleNodeRequest,
  singleRunSupport,
  type NodeRunSession,
} from "../model/single-node";
import { CancelRunButton, formatMs, RunPhaseBadge } from "../panels/run-status";
import { runFollower, type RunFollower } from "../run-follow";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { FieldMessage, TextArea } from "./widgets";

const SOURCE_TEXT = {
  pinned: "Pinned: kept with the workflow (saved with it). Edits are kept when you leave the field.",
  "last-run": "What this node started from in the last test run. Pin it to keep it.",
  skeleton: "A starting point: a message and the workflow’s initial variables. Pin it to keep it.",
} as const;

export function NodeRun({ node }: { node: EditorNode }) {
  const support = singleRunSupport(node.type);
  return (
    <section
      data-testid="node-run"
      aria-label="Run this node"
      className="flex flex-col gap-2 border-t border-zinc-100 pt-4"
    >
      <p className="text-[12.5px] font-semibold text-zinc-800">Run this node</p>
      {support.ok ? (
        <NodeRunner node={node} note={support.note} />
      ) : (
        <>
          <button
            type="button"
            disabled
            className={RUN_BUTTON}
            data-testid="node-run-start"
            aria-describedby={`${node.id}-run-reason`}
          >
            <Play aria-hidden className="size-3.5 fill-current" /> Run this node
          </button>
          <FieldMessage tone="hint" id={`${node.id}-run-reason`}>
            <span data-testid="node-run-unavailable">{support.reason}</span>
          </FieldMessage>
        </>
      )}
    </section>
  );
}

const RUN_BUTTON =
  "flex h-8 items-center gap-1.5 self-start rounded-md bg-emerald-600 px-3 text-[12.5px] font-medium text-white shadow-sm hover:bg-emerald-500 disabled:cursor-not-allowed disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500";
const SECONDARY_BUTTON =
  "flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 text-[12px] font-medium text-zinc-700 shadow-xs hover:bg-zinc-50 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-indigo-500";

/**
 * One follower per editor: a node's run replaces the one before (whichever node it was), so the store's one
 * session is always the run being followed.
 */
const followers = new WeakMap<EditorStore, RunFollower>();
function followerOf(store: EditorStore): RunFollower {
  let follower = followers.get(store);
  if (!follower) {
    const update = (change: (session: NodeRunSession) => NodeRunSession) => store.getState().updateNodeRun(change);
    follower = runFollower({
      get: () => store.getState().nodeRun?.run ?? IDLE_RUN,
      apply: (events) => update((s) => ({ ...s, run: events.reduce(applyRunEvent, s.run) })),
      update: (change) => update((s) => ({ ...s, run: change(s.run) })),
      refused: (error) => update((s) => ({ ...s, refusal: refusalText(error), issues: requestIssues(error) })),
    });
    followers.set(store, follower);
  }
  return follower;
}

function NodeRunner({ node, note }: { node: EditorNode; note?: string }) {
  const store = useEditorApi();
  const inputId = useId();
  const lastRun = useEditor((state) => state.run);
  const startNode = useEditor((state) => state.nodes.find((entry) => getNodeDefinition(entry.type ?? "")?.entry));
  const session = useEditor((state) => (state.nodeRun?.nodeId === node.id ? state.nodeRun : null));
  const proposal = proposeInput({ nodes: startNode ? [node, startNode] : [node] }, node.id, lastRun);
  const baseline = formatInput(proposal.input);
  const [text, setText] = useState(baseline);
  const [inputError, setInputError] = useState<string | null>(null);
  // A new proposal (a pin set or cleared, undone, a test run that reached this node) replaces the text,
  // unless the user has typed an input of their own that is not pinned.
  const shown = useRef(baseline);
  useEffect(() => {
    setText((current) => (current === shown.current || proposal.source === "pinned" ? baseline : current));
    shown.current = baseline;
  }, [baseline, proposal.source]);

  const follower = followerOf(store);
  const [flight] = useState(() => singleFlight<void>());
  const active = session ? isRunActive(session.run) : false;

  const read = () => {
    const parsed = parseInput(text);
    setInputError(parsed.ok ? null : parsed.error);
    return parsed.ok ? parsed.input : null;
  };
  const pinned = proposal.source === "pinned";
  /** Keeps the text as the pin when it parses and says something new. */
  const keep = () => {
    const input = read();
    if (input && formatInput(input) !== baseline) store.getState().setPinnedInput(node.id, input);
    return input;
  };

  const start = () =>
    void flight.run(async () => {
      const input = pinned ? keep() : read();
      if (!input) return;
      const body = singleNodeRequest(store.getState(), node.id, input);
      store.getState().startNodeRun(node.id);
      await follower.follow("/api/executions", body);
    });

  return (
    <>
      {note ? <FieldMessage tone="hint">{note}</FieldMessage> : null}
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={inputId} className="text-[12px] font-medium text-zinc-700">
          Input
        </label>
        {pinned ? (
          <span
            data-testid="node-run-pinned"
            className="inline-flex items-center gap-1 rounded-full bg-indigo-50 px-1.5 py-px text-[10.5px] font-medium text-indigo-700 ring-1 ring-indigo-600/20 ring-inset"
          >
            <Pin aria-hidden className="size-2.5" /> Pinned
          </span>
        ) : null}
      </div>
      <TextArea
        id={inputId}
        data-testid="node-run-input"
        value={text}
        rows={8}
        spellCheck={false}
        aria-invalid={inputError ? true : undefined}
        aria-describedby={`${inputId}-source`}
        className="font-mono text-[11.5px] leading-snug"
        onChange={(event) => setText(event.target.value)}
        onBlur={() => {
          if (pinned) keep();
        }}
      />
      {inputError ? (
        <FieldMessage tone="error">
          <span data-testid="node-run-input-error">{inputError}</span>
        </FieldMessage>
      ) : (
        <FieldMessage tone="hint" id={`${inputId}-source`}>
          {pinned || text === baseline ? (
            <>
              {SOURCE_TEXT[proposal.source]}
              {proposal.note ? ` ${proposal.note}` : ""}
            </>
          ) : (
            "Your own input, not pinned: pin it to keep it with the workflow."
          )}
        </FieldMessage>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {active ? (
          <CancelRunButton
            testId="node-run-cancel"
            onCancel={() => void follower.cancel()}
            className={SECONDARY_BUTTON}
          />
        ) : (
          <button type="button" data-testid="node-run-start" onClick={start} className={RUN_BUTTON}>
            <Play aria-hidden className="size-3.5 fill-current" /> Run this node
          </button>
        )}
        {pinned ? (
          <button
            type="button"
            data-testid="node-run-unpin"
            onClick={(event) => {
              // Clear takes Pin's place once pinned: the second click of a double-click on Pin must not clear it.
              if (!isRepeatClick(event)) store.getState().setPinnedInput(node.id, undefined);
            }}
            className={SECONDARY_BUTTON}
          >
            <PinOff aria-hidden className="size-3.5" /> Clear pin
          </button>
        ) : (
          <button
            type="button"
            data-testid="node-run-pin"
            onClick={() => {
              const input = read();
              if (input) store.getState().setPinnedInput(node.id, input);
            }}
            className={SECONDARY_BUTTON}
          >
            <Pin aria-hidden className="size-3.5" /> Pin input
          </button>
        )}
      </div>
      {session && session.run.phase !== "idle" ? <NodeRunResult session={session} /> : null}
    </>
  );
}

/** What the node did: status, time, tokens and cost, its error or why the run was refused, and its output. */
function NodeRunResult({ session }: { session: NodeRunSession }) {
  const store = useEditorApi();
  const { run, nodeId, issues, refusal } = session;
  const info = run.nodes[nodeId];
  const output = nodeOutputOf(run, nodeId);
  const failure = info?.error ?? run.result?.error?.message ?? run.error;
  const usage = info?.usage;
  return (
    <div
      data-testid="node-run-result"
      className="mt-1 flex flex-col gap-2 rounded-lg border border-zinc-200 bg-zinc-50/60 p-2.5"
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-[11.5px]">
        <RunPhaseBadge phase={run.phase} testId="node-run-status" />
        <span data-testid="node-run-usage" className="text-zinc-500 tabular-nums">
          {[
            formatMs(info?.durationMs),
            usage ? `${usage.inputTokens} in · ${usage.outputTokens} out tokens` : run.result ? "no tokens" : "",
            run.result ? `$${run.result.cost.toFixed(run.result.cost > 0 && run.result.cost < 0.01 ? 5 : 2)}` : "",
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
        {run.executionId ? (
          <Link
            href={`/executions/${run.executionId}`}
            className="ml-auto font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            View in monitor
          </Link>
        ) : null}
      </div>

      {refusal && issues.length > 0 ? (
        <div
          data-testid="node-run-issues"
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-2.5 py-2 text-[12px] text-red-800"
        >
          <p className="font-medium">{refusal}</p>
          <ul className="mt-1 flex flex-col gap-1">
            {issues.map((issue) => (
              <li key={`${issue.field}:${issue.message}`} className="flex items-start justify-between gap-2">
                <span>{issue.message}</span>
                {issue.field ? (
                  <button
                    type="button"
                    onClick={() => store.getState().selectNode(nodeId, issue.field)}
                    className="shrink-0 font-medium text-red-900 underline underline-offset-2 hover:no-underline"
                  >
                    Show field
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : failure ? (
        <p
          data-testid="node-run-error"
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-2.5 py-2 text-[12px] text-red-800"
        >
          {failure}
        </p>
      ) : null}

      {info?.tokens && isRunActive(run) ? (
        <p className="max-h-40 overflow-y-auto rounded bg-white px-2 py-1.5 text-[12px] whitespace-pre-wrap text-zinc-800">
          {info.tokens}
        </p>
      ) : null}
      {output ? (
        <div>
          <p className="mb-1 text-[10.5px] font-semibold tracking-wide text-zinc-400 uppercase">Output</p>
          <pre
            data-testid="node-run-output"
            className="max-h-56 overflow-auto rounded bg-zinc-900 px-2 py-1.5 font-mono text-[11px] leading-snug whitespace-pre-wrap break-words text-zinc-100"
          >
            {JSON.stringify(output, null, 2)}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
