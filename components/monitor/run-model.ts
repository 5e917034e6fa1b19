/**
 * One run as the monitor shows it, folded from its event stream (lib/contracts/events.ts): every node run as a
 * span on a timeline (a node that runs again in a loop gets another span; a retry stays in its span), what
 * each produced, streamed, called and logged, the run's phase, pause and result. A pure reducer: replayed
 * or duplicated events (a reconnect) change nothing. Framework-free, so it is tested without a DOM.
 */
import type { ExecutionEvent, NodeInput } from "@/lib/contracts/events";
import type { ExecutionResult, InterruptInfo } from "@/lib/contracts/execution-result";

/**
 * "waiting": a human node the run paused at (its span ends at the pause; answering starts a new one).
 * "cancelled": the node was running when the run was cancelled — stopped on purpose, not a failure.
 */
export type SpanStatus = "running" | "waiting" | "completed" | "failed" | "cancelled";

export interface LogEntry {
  seq: number;
  /** Epoch ms the engine emitted it. */
  at: number;
  level: "info" | "warn" | "error";
  text: string;
}

export interface ToolCall {
  name: string;
  args: unknown;
  result?: string;
  error?: string;
}

export interface Span {
  /** Index in `spans` (stable: spans are only appended). */
  index: number;
  nodeId: string;
  type: string;
  label?: string;
  status: SpanStatus;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  attempts: number;
  /** The state it started from (as the engine summarised it). */
  input?: NodeInput;
  output?: Record<string, unknown>;
  usage?: { inputTokens: number; outputTokens: number };
  error?: string;
  /** A failure the run routed along the node's error edge. */
  handled?: boolean;
  tokens: string;
  tokenCount: number;
  firstTokenAt?: number;
  toolCalls: ToolCall[];
  logs: LogEntry[];
}

export type RunPhase = "waiting" | "running" | "paused" | "completed" | "failed" | "cancelled";

export interface MonitorRun {
  phase: RunPhase;
  lastSeq: number;
  /** The `at` of the latest event (ISO), for the monitor's lag measurement. */
  lastAt: string | null;
  startedAt: number | null;
  endedAt: number | null;
  spans: Span[];
  /** The open span of each node (its latest run), by node id. */
  open: Record<string, number>;
  tokens: string;
  interrupt: InterruptInfo | null;
  result: ExecutionResult | null;
  /** Run-level log lines (started, paused, resumed, ended). */
  logs: LogEntry[];
}

export const EMPTY_RUN: MonitorRun = {
  phase: "waiting",
  lastSeq: 0,
  lastAt: null,
  startedAt: null,
  endedAt: null,
  spans: [],
  open: {},
  tokens: "",
  interrupt: null,
  result: null,
  logs: [],
};

function updateSpan(state: MonitorRun, index: number, change: (span: Span) => Span): MonitorRun {
  const spans = state.spans.slice();
  spans[index] = change(spans[index]!);
  return { ...state, spans };
}

function openSpan(state: MonitorRun, nodeId: string, type: string, at: number, label?: string): [MonitorRun, number] {
  const index = state.spans.length;
  const span: Span = {
    index,
    nodeId,
    type,
    ...(label ? { label } : {}),
    status: "running",
    startedAt: at,
    attempts: 1,
    tokens: "",
    tokenCount: 0,
    toolCalls: [],
    logs: [],
  };
  return [{ ...state, spans: [...state.spans, span], open: { ...state.open, [nodeId]: index } }, index];
}

/** The span an event of `nodeId` belongs to: its open one, or a new one (an event of a node never started). */
function spanFor(state: MonitorRun, nodeId: string, type: string, at: number): [MonitorRun, number] {
  const index = state.open[nodeId];
  if (index !== undefined) return [state, index];
  return openSpan(state, nodeId, type, at);
}

const log =
  (entry: LogEntry) =>
  (span: Span): Span => ({ ...span, logs: [...span.logs, entry] });

function settle(state: MonitorRun, status: SpanStatus, at: number): MonitorRun {
  if (!state.spans.some((span) => span.status === "running")) return state;
  return {
    ...state,
    spans: state.spans.map((span) =>
      span.status === "running" ? { ...span, status, endedAt: at, durationMs: at - span.startedAt } : span,
    ),
  };
}

export function applyMonitorEvent(state: MonitorRun, event: ExecutionEvent): MonitorRun {
  if (event.seq <= state.lastSeq) return state;
  const at = Date.parse(event.at);
  let next: MonitorRun = { ...state, lastSeq: event.seq, lastAt: event.at };
  const entry = (level: LogEntry["level"], text: string): LogEntry => ({ seq: event.seq, at, level, text });

  switch (event.type) {
    case "run_started":
      return {
        ...next,
        phase: "running",
        startedAt: next.startedAt ?? at,
        endedAt: null,
        interrupt: null,
        logs: [...next.logs, entry("info", event.data.resumed ? "Resumed with the answer" : "Run started")],
      };
    case "node_started": {
      const { nodeId, type, label, attempt, input } = event.data;
      const current = next.open[nodeId];
      if (attempt > 1 && current !== undefined) {
        // A retry: same span, one more attempt.
        return updateSpan(next, current, (span) =>
          log(entry("warn", `Attempt ${attempt} started`))({
            ...span,
            status: "running",
            attempts: attempt,
            error: undefined,
          }),
        );
      }
      let index: number;
      [next, index] = openSpan(next, nodeId, type, at, label);
      return updateSpan({ ...next, phase: "running" }, index, (span) =>
        log(entry("info", "Started"))(input ? { ...span, input } : span),
      );
    }
    case "token": {
      let index: number;
      [next, index] = spanFor(next, event.data.nodeId, "", at);
      return updateSpan({ ...next, tokens: next.tokens + event.data.text }, index, (span) => ({
        ...span,
        tokens: span.tokens + event.data.text,
        tokenCount: span.tokenCount + 1,
        firstTokenAt: span.firstTokenAt ?? at,
      }));
    }
    case "tool_call": {
      let index: number;
      [next, index] = spanFor(next, event.data.nodeId, "", at);
      const call: ToolCall = {
        name: event.data.name,
        args: event.data.args,
        ...(event.data.result !== undefined ? { result: event.data.result } : {}),
        ...(event.data.error !== undefined ? { error: event.data.error } : {}),
      };
      return updateSpan(next, index, (span) =>
        log(entry(call.error ? "error" : "info", `Called ${call.name}${call.error ? ` — failed: ${call.error}` : ""}`))(
          {
            ...span,
            toolCalls: [...span.toolCalls, call],
          },
        ),
      );
    }
    case "node_completed": {
      const { nodeId, type, durationMs, output, usage } = event.data;
      let index: number;
      [next, index] = spanFor(next, nodeId, type, at - durationMs);
      const { [nodeId]: _closed, ...open } = next.open;
      next = { ...next, open };
      return updateSpan(next, index, (span) =>
        log(entry("info", `Completed in ${Math.round(durationMs)} ms`))({
          ...span,
          type,
          status: "completed",
          durationMs,
          endedAt: span.startedAt + durationMs,
          output,
          ...(usage ? { usage } : {}),
        }),
      );
    }
    case "node_failed": {
      const { nodeId, type, durationMs, error, attempts, handled } = event.data;
      let index: number;
      [next, index] = spanFor(next, nodeId, type, at - durationMs);
      const { [nodeId]: _closed, ...open } = next.open;
      next = { ...next, open };
      return updateSpan(next, index, (span) =>
        log(
          entry(
            "error",
            `Failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${error}${handled ? " (handled by its error path)" : ""}`,
          ),
        )({
          ...span,
          type,
          status: "failed",
          durationMs,
          endedAt: span.startedAt + durationMs,
          attempts,
          error,
          handled,
        }),
      );
    }
    case "interrupt": {
      const index = next.open[event.data.nodeId];
      next = {
        ...next,
        phase: "paused",
        interrupt: event.data,
        logs: [...next.logs, entry("warn", `Waiting for a person: ${event.data.question}`)],
      };
      return index === undefined ? next : updateSpan(next, index, log(entry("warn", "Paused for an answer")));
    }
    case "run_completed": {
      const paused = event.data.status === "paused";
      return {
        ...(paused ? settle(next, "waiting", at) : next),
        phase: paused ? "paused" : "completed",
        result: event.data,
        endedAt: paused ? null : at,
        interrupt: paused ? (event.data.interrupt ?? next.interrupt) : null,
        logs: [...next.logs, entry("info", paused ? "Paused" : "Run completed")],
      };
    }
    case "run_failed":
      return {
        ...settle(next, "failed", at),
        phase: "failed",
        result: event.data,
        endedAt: at,
        interrupt: null,
        logs: [...next.logs, entry("error", `Run failed: ${event.data.error?.message ?? "unknown error"}`)],
      };
    case "run_cancelled":
      return {
        ...settle(next, "cancelled", at),
        phase: "cancelled",
        result: event.data,
        endedAt: at,
        interrupt: null,
        logs: [...next.logs, entry("warn", "Run cancelled")],
      };
    default:
      return next;
  }
}

const ENDED_RECORD = new Set(["completed", "failed", "cancelled", "interrupted"]);
const PHASE_STATUS: Record<RunPhase, string | null> = {
  waiting: null,
  running: "running",
  paused: "paused",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * How a run stands on its page: a run whose stored record has ended keeps that end (replaying its history
 * must not show it "running" again for a moment); otherwise the stream's phase, and the record until the
 * first event arrives.
 */
export function displayStatus(recordStatus: string, phase: RunPhase): string {
  if (ENDED_RECORD.has(recordStatus)) return recordStatus;
  return PHASE_STATUS[phase] ?? recordStatus;
}

export function isLive(phase: RunPhase): boolean {
  return phase === "waiting" || phase === "running";
}

/** The spans of one node, oldest first (a node in a loop has several). */
export function spansOf(run: MonitorRun, nodeId: string): Span[] {
  return run.spans.filter((span) => span.nodeId === nodeId);
}

/**
 * The heading and the detail line of a run that did not complete. The detail is left out when it only
 * says the heading again ("This run was cancelled" over "The run was cancelled.").
 */
export function endedRunText(
  status: "failed" | "interrupted" | "cancelled",
  message: string,
): { heading: string; detail?: string } {
  const heading =
    status === "cancelled"
      ? "This run was cancelled"
      : status === "interrupted"
        ? "This run was interrupted"
        : "This run failed";
  const plain = (text: string) =>
    text
      .toLowerCase()
      .replace(/^(this|the) run /, "")
      .replace(/[.\s]+$/, "");
  return plain(message) === plain(heading) ? { heading } : { heading, detail: message };
}

/** The text colour of a log line, by its level. */
export function logLevelClass(level: string): string {
  return level === "error" ? "text-red-700" : level === "warn" ? "text-amber-700" : "text-zinc-700";
}
