/**
 * LangGraph's stream modes, derived from a Lattice run's events (the ones the tracker stores and the event
 * bus publishes, so a stream can be joined from any instance and resumed with Last-Event-ID):
 * - `values`: the state at the run's end (or pause, with `__interrupt__`), from its last checkpoint;
 * - `updates`: `{ [node]: what it changed }` per finished node (with `messages` when it streamed an answer),
 *   `{ __interrupt__: [...] }` at a pause;
 * - `messages-tuple` (SSE `messages`): `[AIMessageChunk, metadata]` per model token;
 * - `messages`: `messages/metadata`, `messages/partial` (the message so far) and `messages/complete`;
 * - `custom`: Lattice's own run events (what nodes write to LangGraph's custom stream);
 * - `events`: LangChain-style `on_chain_start`/`on_chat_model_stream`/`on_chain_end`;
 * - `debug` (and `tasks`): task starts and results.
 * Each SSE id is `<seq>-<k>`: the Lattice event's sequence number and the place of the frame it made. A child
 * run's frames (stream_subgraphs, subgraphs.ts) are named `<event>|<namespace>` and their ids say where they
 * sit: `<anchor seq>~<child execution id>~<the child's own id>` (see `framePlace`).
 */
import "server-only";
import type { ExecutionEvent } from "@/lib/contracts/events";

export type LgFrame = { event: string; data: unknown; id?: string };

export interface FrameContext {
  runId: string;
  threadId: string;
  executionId: string;
  modes: ReadonlySet<string>;
  /** A child run's namespace (`<parent node id>:<child execution id>`, nested ones joined by "|"). */
  namespace?: string;
}

/** What the mapping remembers while it reads one run's events in order. */
export class FrameMapper {
  /** The message a node is streaming: its id and text so far, by node id. */
  private readonly streaming = new Map<string, { id: string; text: string }>();
  private step = 0;

  constructor(private readonly ctx: FrameContext) {}

  private has(mode: string): boolean {
    return this.ctx.modes.has(mode);
  }

  private metadataOf(nodeId: string) {
    return {
      langgraph_node: nodeId,
      langgraph_step: this.step,
      langgraph_triggers: [],
      langgraph_checkpoint_ns: this.ctx.namespace ?? "",
      run_id: this.ctx.runId,
      thread_id: this.ctx.threadId,
      lattice_execution_id: this.ctx.executionId,
    };
  }

  private chunk(id: string, text: string, type: "AIMessageChunk" | "ai") {
    return {
      type,
      id,
      content: text,
      additional_kwargs: {},
      response_metadata: {},
      tool_calls: [],
      invalid_tool_calls: [],
      ...(type === "AIMessageChunk" ? { tool_call_chunks: [] } : {}),
    };
  }

  /** The frames one Lattice event makes (terminal events are handled by the caller). */
  frames(event: ExecutionEvent): LgFrame[] {
    const out = this.rootFrames(event);
    const ns = this.ctx.namespace;
    return ns ? out.map((frame) => ({ ...frame, event: `${frame.event}|${ns}` })) : out;
  }

  private rootFrames(event: ExecutionEvent): LgFrame[] {
    const out: LgFrame[] = [];
    const timestamp = event.at;
    if (this.has("custom") && event.type !== "run_started") out.push({ event: "custom", data: event });
    switch (event.type) {
      case "run_started":
        if (this.has("events"))
          out.push({
            event: "events",
            data: {
              event: "on_chain_start",
              name: "LangGraph",
              run_id: this.ctx.runId,
              tags: [],
              metadata: {},
              data: {},
            },
          });
        break;
      case "node_started": {
        this.step += 1;
        const { nodeId, type, input } = event.data;
        const task = { id: `${this.ctx.executionId}:${event.seq}`, name: nodeId, input: input ?? null, triggers: [] };
        if (this.has("debug"))
          out.push({ event: "debug", data: { type: "task", timestamp, step: this.step, payload: task } });
        if (this.has("tasks")) out.push({ event: "tasks", data: task });
        if (this.has("events"))
          out.push({
            event: "events",
            data: {
              event: "on_chain_start",
              name: nodeId,
              run_id: task.id,
              tags: [type],
              metadata: this.metadataOf(nodeId),
              data: { input: input ?? null },
            },
          });
        this.streaming.delete(nodeId);
        break;
      }
      case "token": {
        const { nodeId, text } = event.data;
        let message = this.streaming.get(nodeId);
        const first = !message;
        if (!message) {
          message = { id: `lc_run--${this.ctx.executionId}-${event.seq}`, text: "" };
          this.streaming.set(nodeId, message);
        }
        message.text += text;
        const metadata = this.metadataOf(nodeId);
        if (this.has("messages-tuple"))
          out.push({ event: "messages", data: [this.chunk(message.id, text, "AIMessageChunk"), metadata] });
        if (this.has("messages")) {
          if (first) out.push({ event: "messages/metadata", data: { [message.id]: { metadata } } });
          out.push({ event: "messages/partial", data: [this.chunk(message.id, message.text, "ai")] });
        }
        if (this.has("events"))
          out.push({
            event: "events",
            data: {
              event: "on_chat_model_stream",
              name: "model",
              run_id: message.id,
              tags: [],
              metadata,
              data: { chunk: this.chunk(message.id, text, "AIMessageChunk") },
            },
          });
        break;
      }
      case "tool_call":
        if (this.has("events"))
          out.push({
            event: "events",
            data: {
              event: event.data.error ? "on_tool_error" : "on_tool_end",
              name: event.data.name,
              run_id: event.data.callId ?? `${this.ctx.executionId}:${event.seq}`,
              tags: [],
              metadata: this.metadataOf(event.data.nodeId),
              data: { input: event.data.args, output: event.data.result ?? null, error: event.data.error ?? null },
            },
          });
        break;
      case "node_completed":
      case "node_failed": {
        const { nodeId, type } = event.data;
        const failed = event.type === "node_failed";
        const output = failed ? { error: event.data.error } : event.data.output;
        // A node that streamed an answer added that message: its update carries it, as LangGraph's would.
        const streamed = this.streaming.get(nodeId);
        const update = streamed ? { ...output, messages: [this.chunk(streamed.id, streamed.text, "ai")] } : output;
        if (this.has("updates") && !failed) out.push({ event: "updates", data: { [nodeId]: update } });
        const result = {
          id: `${this.ctx.executionId}:${event.seq}`,
          name: nodeId,
          result: failed ? [] : Object.entries(output),
          error: failed ? event.data.error : null,
          interrupts: [],
        };
        if (this.has("debug"))
          out.push({ event: "debug", data: { type: "task_result", timestamp, step: this.step, payload: result } });
        if (this.has("tasks")) out.push({ event: "tasks", data: result });
        const message = this.streaming.get(nodeId);
        if (message && this.has("messages") && !failed)
          out.push({ event: "messages/complete", data: [this.chunk(message.id, message.text, "ai")] });
        if (this.has("events"))
          out.push({
            event: "events",
            data: {
              event: "on_chain_end",
              name: nodeId,
              run_id: result.id,
              tags: [type],
              metadata: this.metadataOf(nodeId),
              data: { output },
            },
          });
        break;
      }
      case "interrupt":
        if (this.has("updates"))
          out.push({
            event: "updates",
            // A breakpoint is an interrupt without a value, as LangGraph streams it.
            data: {
              __interrupt__:
                event.data.kind === "breakpoint"
                  ? []
                  : [{ value: event.data, id: `${this.ctx.executionId}:${event.data.nodeId}` }],
            },
          });
        break;
      default:
        break;
    }
    return out;
  }
}

/** The SSE frame of one LangGraph event. */
export function toLgSse(frame: LgFrame): string {
  return `${frame.id ? `id: ${frame.id}\n` : ""}event: ${frame.event}\ndata: ${JSON.stringify(frame.data ?? null)}\n\n`;
}

/**
 * Where a frame sits in a run's stream, as a list compared item by item: `[seq, k]` for the run's own
 * frames; `[anchor, ∞, child id, …the child's place]` for a child run's, which come as one block after every
 * frame of the parent's event `anchor` (the last one before the child started), children of one anchor in
 * the order of their ids.
 */
export type FramePlace = ReadonlyArray<number | string>;

/** A child's block inside its parent's place: after every frame of its anchor event. */
export function childPlace(anchor: number, childId: string, inner: FramePlace): FramePlace {
  return [anchor, Number.POSITIVE_INFINITY, childId, ...inner];
}

/** The SSE id of a place: `<seq>-<k>`, with `<anchor>~<child id>~` before it for each child level. */
export function frameIdOf(place: FramePlace): string {
  const parts: string[] = [];
  for (let i = 0; i + 2 < place.length; i += 3) parts.push(String(place[i]), String(place[i + 2]));
  return [...parts, `${place[place.length - 2]}-${place[place.length - 1]}`].join("~");
}

/** A Last-Event-ID of ours (see frameIdOf); undefined for anything else. */
export function parseFrameId(value: string | null | undefined): FramePlace | undefined {
  const parts = (value?.trim() ?? "").split("~");
  if (parts.length % 2 !== 1 || parts.length > 41) return undefined;
  const place: Array<number | string> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (!/^\d{1,12}$/.test(parts[i]!) || !/^[0-9A-Za-z]{1,40}$/.test(parts[i + 1]!)) return undefined;
    place.push(Number(parts[i]), Number.POSITIVE_INFINITY, parts[i + 1]!);
  }
  const match = /^(\d{1,12})-(\d{1,6})$/.exec(parts[parts.length - 1]!);
  if (!match) return undefined;
  place.push(Number(match[1]), Number(match[2]));
  return place;
}

/** Whether the frame at `place` comes after the one a client saw last (always, when it saw none). */
export function isAfterPlace(place: FramePlace, last: FramePlace | undefined): boolean {
  if (!last) return true;
  for (let i = 0; i < Math.min(place.length, last.length); i += 1) {
    const a = place[i]!;
    const b = last[i]!;
    if (a !== b) return typeof a === "number" && typeof b === "number" ? a > b : String(a) > String(b);
  }
  return place.length > last.length;
}

export function isAfter(seq: number, k: number, last: FramePlace | undefined): boolean {
  return isAfterPlace([seq, k], last);
}
