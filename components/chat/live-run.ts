/**
 * The assistant's answer while its run streams: a pure fold of the run's events (the stream contract in
 * lib/contracts/events.ts) into what the message shows — text as it arrives, tool-call steps, sources, a human
 * node's question, the node at work, and at the end status, usage, cost and duration. Client-safe.
 */
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionError, InterruptInfo, Source, Usage } from "@/lib/contracts/execution-result";

export interface ToolCallStep {
  /** Stable key for rendering: the call id, or the event's sequence number. */
  key: string;
  name: string;
  args: unknown;
  result?: string;
  error?: string;
}

export type LiveRunStatus = "starting" | "streaming" | "completed" | "paused" | "stopped" | "failed";

export interface LiveRun {
  executionId?: string;
  conversationId?: string;
  status: LiveRunStatus;
  /** What the message shows: the streamed text of the node answering now, then the run's final answer. */
  text: string;
  toolCalls: ToolCallStep[];
  sources: Source[];
  interrupt?: InterruptInfo;
  /** The node at work and its label, for "Find passages…" while no text has come yet. */
  activeNode?: { nodeId: string; type: string; label?: string };
  usage?: Usage;
  cost?: number;
  durationMs?: number;
  error?: ExecutionError;
  /** The saved assistant message, named by the run's last event. */
  messageId?: string;
  lastSeq: number;
}

export function newLiveRun(init: Partial<Pick<LiveRun, "executionId" | "conversationId">> = {}): LiveRun {
  return { status: "starting", text: "", toolCalls: [], sources: [], lastSeq: 0, ...init };
}

/** True while the run may still produce output. */
export function isLive(run: LiveRun): boolean {
  return run.status === "starting" || run.status === "streaming";
}

/** Streamed text per node, most recent node last; kept beside the run so a node's tokens concatenate. */
const textByNode = new WeakMap<LiveRun, { nodeId: string; text: string }>();

export function applyEvents(run: LiveRun, events: readonly ExecutionEvent[]): LiveRun {
  let next: LiveRun = run;
  let streaming = textByNode.get(run);
  for (const event of events) {
    if (event.seq <= next.lastSeq) continue;
    next = { ...next, lastSeq: event.seq, executionId: next.executionId ?? event.executionId };
    switch (event.type) {
      case "run_started":
        next.status = "streaming";
        if (event.data.conversationId) next.conversationId = event.data.conversationId;
        break;
      case "node_started":
        next.status = "streaming";
        next.activeNode = {
          nodeId: event.data.nodeId,
          type: event.data.type,
          ...(event.data.label ? { label: event.data.label } : {}),
        };
        break;
      case "token": {
        next.status = "streaming";
        // A later node's answer replaces an earlier node's streamed text (a router's pick, a draft…).
        if (!streaming || streaming.nodeId !== event.data.nodeId) streaming = { nodeId: event.data.nodeId, text: "" };
        streaming = { nodeId: streaming.nodeId, text: streaming.text + event.data.text };
        next.text = streaming.text;
        break;
      }
      case "tool_call":
        next.toolCalls = [
          ...next.toolCalls,
          {
            key: event.data.callId ?? `seq-${event.seq}`,
            name: event.data.name,
            args: event.data.args,
            ...(event.data.result !== undefined ? { result: event.data.result } : {}),
            ...(event.data.error !== undefined ? { error: event.data.error } : {}),
          },
        ];
        break;
      case "node_completed":
        if (next.activeNode?.nodeId === event.data.nodeId) delete next.activeNode;
        break;
      case "node_failed":
        if (next.activeNode?.nodeId === event.data.nodeId) delete next.activeNode;
        break;
      case "interrupt":
        next.interrupt = event.data;
        break;
      case "run_completed":
      case "run_failed":
      case "run_cancelled": {
        const result = event.data;
        next.status =
          event.type === "run_cancelled"
            ? "stopped"
            : event.type === "run_failed"
              ? "failed"
              : result.status === "paused"
                ? "paused"
                : "completed";
        // The final answer is what was saved; a stopped run keeps the text that had arrived.
        if (result.output.message || next.status === "completed") next.text = result.output.message;
        if (result.output.sources) next.sources = result.output.sources;
        if (result.interrupt) next.interrupt = result.interrupt;
        next.usage = result.usage;
        next.cost = result.cost;
        next.durationMs = result.durationMs;
        if (result.error) next.error = result.error;
        if (result.messageId) next.messageId = result.messageId;
        if (result.conversationId) next.conversationId = result.conversationId;
        delete next.activeNode;
        break;
      }
    }
  }
  if (streaming) textByNode.set(next, streaming);
  return next;
}
