/**
 * Subgraph namespaces (`stream_subgraphs: true`): a run's events together with those of the child runs it
 * started — a subworkflow node's, the run_workflow tool's, each an execution of its own linked to its parent
 * (trigger `subworkflow`, trigger id = the parent's id) — each child's under the namespace
 * `<parent node id>:<child execution id>` (a grandchild's under both, joined by "|", as LangGraph nests them).
 *
 * Order, the same live and on every replay: a child's events come as one block right after the parent's
 * event that preceded its start (its run_started's `parentSeq`, taken by the engine as the child starts),
 * children of one place in the order of their ids. Live, the parent's later events wait while a child's block
 * is open. A child is found by the owner's run feed as it starts and by its row (read when the stream starts
 * and before the parent's event that ends the node that started it), so its block comes before that event.
 */
import "server-only";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { isTerminalEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { getExecutionStatus } from "@/lib/db/queries/executions";
import { listChildExecutionIds } from "@/lib/db/queries/langgraph";
import { getEventBus } from "@/lib/tracking/event-bus";
import { childPlace, FrameMapper, type FramePlace, type LgFrame } from "./events";
import { latestTuple, toThreadState } from "./state";

/** A child level of a nested event: where the child sits in its parent, and the node that started it. */
export interface ChildLevel {
  anchor: number;
  childId: string;
  nodeId: string;
}

/** An event of the run (`path` empty) or of one of its child runs (the path down to it). */
export interface NestedEvent {
  path: ChildLevel[];
  event: ExecutionEvent;
}

interface EventSource {
  ownerId: string;
  executionId: string;
  /** Events after this seq (a run continuing a paused execution starts after its earlier runs). */
  afterSeq: number;
  signal: AbortSignal;
}

/** Parent events after which a child's row is read: the end of a node that can start one, the run's end. */
function mayEndChildren(event: ExecutionEvent): boolean {
  if (isTerminalEvent(event)) return true;
  if (event.type === "node_completed" || event.type === "node_failed")
    return event.data.type === "subworkflow" || event.data.type === "tools";
  return event.type === "tool_call" && event.data.name === "run_workflow";
}

/** One execution's events, over the bus, until it ends. */
export function executionEvents({ ownerId, executionId, afterSeq, signal }: EventSource) {
  const isOver = async () => {
    const now = await getExecutionStatus({ executionId, ownerId });
    return !now || (now.status !== "running" && now.status !== "pending");
  };
  return getEventBus().subscribe({ executionId, ownerId, afterSeq, signal, isOver });
}

interface OpenChild extends ChildLevel {
  first: NestedEvent;
  rest: AsyncGenerator<NestedEvent>;
}

/** What the merge waits on: one promise until rung (one waiter, no listener per event); an early ring is kept. */
class Wake {
  private promise: Promise<void> | undefined;
  private resolve: (() => void) | undefined;
  private rung = false;

  wait(): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    this.promise ??= new Promise<void>((resolve) => (this.resolve = resolve));
    return this.promise;
  }

  ring(): void {
    const resolve = this.resolve;
    if (!resolve) {
      this.rung = true;
      return;
    }
    this.promise = undefined;
    this.resolve = undefined;
    resolve();
  }
}

/** The execution's events merged with its child runs' (recursively), in the order the header describes. */
export async function* withChildRuns(source: EventSource): AsyncGenerator<NestedEvent> {
  const { ownerId, executionId, signal } = source;
  const stop = new AbortController();
  const scope = AbortSignal.any([signal, stop.signal]);
  const opening = new Map<string, Promise<void>>();
  const ready: OpenChild[] = [];
  const wake = new Wake();

  const open = async (childId: string) => {
    const rest = withChildRuns({ ownerId, executionId: childId, afterSeq: 0, signal: scope });
    const first = await rest.next();
    const started = first.done ? undefined : first.value.event;
    const data = started?.type === "run_started" ? started.data : undefined;
    // A child of an earlier run on this execution (before a pause) is not this run's.
    if (!started || !data || (data.parentSeq ?? 0) < source.afterSeq) {
      await rest.return(undefined);
      return;
    }
    const child: OpenChild = {
      anchor: data.parentSeq ?? 0,
      childId,
      nodeId: data.parentNodeId ?? "subworkflow",
      first: first.value as NestedEvent,
      rest,
    };
    ready.push(child);
    ready.sort((a, b) => a.anchor - b.anchor || (a.childId < b.childId ? -1 : 1));
    wake.ring();
  };
  const discover = (childId: string) => {
    if (!opening.has(childId))
      opening.set(
        childId,
        open(childId).catch((error: unknown) => {
          if (!scope.aborted) console.error("[langgraph-api] could not follow a child run", error);
        }),
      );
  };
  const readRows = async () => {
    for (const id of await listChildExecutionIds({ ownerId, parentId: executionId })) discover(id);
    await Promise.all(opening.values());
  };

  // Listening to the feed first: a child that starts while the rows are read is in one or the other.
  const feed = getEventBus().subscribeFeed({ ownerId, signal: scope });
  void (async () => {
    for await (const status of feed)
      if (status.parentExecutionId === executionId && status.trigger === "subworkflow") discover(status.executionId);
  })().catch(() => {});

  /** The children placed before `seq`, each as one block (a live one streams as it runs). */
  async function* childrenBefore(seq: number): AsyncGenerator<NestedEvent> {
    while (ready.length && ready[0]!.anchor < seq) {
      const child = ready.shift()!;
      const level: ChildLevel = { anchor: child.anchor, childId: child.childId, nodeId: child.nodeId };
      yield { path: [level, ...child.first.path], event: child.first.event };
      for await (const item of child.rest) yield { path: [level, ...item.path], event: item.event };
    }
  }

  const events = executionEvents({ ...source, signal: scope });
  try {
    await readRows();
    let last = source.afterSeq;
    // The parent's next event, asked for once; its arrival rings the same wake-up as a child's opening.
    let asked = false;
    let arrived: { result: IteratorResult<ExecutionEvent> } | { error: unknown } | undefined;
    for (;;) {
      yield* childrenBefore(last + 1);
      if (!asked) {
        asked = true;
        events.next().then(
          (result) => {
            arrived = { result };
            wake.ring();
          },
          (error: unknown) => {
            arrived = { error };
            wake.ring();
          },
        );
      }
      if (!arrived) {
        await wake.wait();
        continue;
      }
      const got = arrived;
      asked = false;
      arrived = undefined;
      if ("error" in got) throw got.error;
      if (got.result.done) break;
      const event = got.result.value;
      if (mayEndChildren(event)) await readRows();
      else await Promise.all(opening.values());
      yield* childrenBefore(event.seq);
      last = event.seq;
      yield { path: [], event };
      if (isTerminalEvent(event)) break;
    }
  } finally {
    stop.abort();
    for (const child of ready.splice(0)) await child.rest.return(undefined);
    await events.return(undefined);
  }
}

/** The frames of child runs' events: one mapper per child, its frames named `<event>|<namespace>`. */
export class ChildFrames {
  private readonly mappers = new Map<string, FrameMapper>();

  constructor(private readonly ctx: { ownerId: string; runId: string; threadId: string; modes: ReadonlySet<string> }) {}

  /** A child event's frames, each with its place (see events.ts's FramePlace). */
  async frames({ path, event }: NestedEvent): Promise<Array<{ frame: LgFrame; place: FramePlace }>> {
    const level = path[path.length - 1]!;
    const namespace = path.map((p) => `${p.nodeId}:${p.childId}`).join("|");
    let mapper = this.mappers.get(level.childId);
    if (!mapper) {
      mapper = new FrameMapper({
        runId: this.ctx.runId,
        threadId: this.ctx.threadId,
        executionId: level.childId,
        modes: this.ctx.modes,
        namespace,
      });
      this.mappers.set(level.childId, mapper);
    }
    const frames = isTerminalEvent(event)
      ? this.ctx.modes.has("values")
        ? [{ event: `values|${namespace}`, data: await this.finalValues(level.childId, event.data) }]
        : []
      : mapper.frames(event);
    return frames.map((frame, k) => ({
      frame,
      place: path.reduceRight<FramePlace>((inner, p) => childPlace(p.anchor, p.childId, inner), [event.seq, k]),
    }));
  }

  /** A child's state at its end: its last checkpoint when it kept one, else its answer and variables. */
  private async finalValues(childId: string, result: ExecutionResult): Promise<Record<string, unknown>> {
    const tuple = await latestTuple(childId, this.ctx.ownerId);
    if (tuple) return toThreadState(this.ctx.threadId, childId, tuple).values;
    const answer = result.output.message;
    return {
      messages: answer
        ? [{ type: "ai", id: `lc_run--${childId}`, content: answer, tool_calls: [], invalid_tool_calls: [] }]
        : [],
      variables: result.output.variables,
    };
  }
}

/** A run's events for its stream: with its child runs' when it streams subgraphs, else its own. */
export async function* runEvents(source: EventSource, { subgraphs }: { subgraphs: boolean }) {
  if (subgraphs) {
    yield* withChildRuns(source);
    return;
  }
  for await (const event of executionEvents(source)) yield { path: [], event } as NestedEvent;
}
