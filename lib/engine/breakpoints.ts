/**
 * Breakpoints and the other ways a client steers a run by node (LangGraph's interruptBefore/interruptAfter,
 * Command.goto, updateState's asNode): node ids checked against the run's workflow, the stream options a run
 * with breakpoints passes to LangGraph, and what a breakpoint pause is (the `interrupt` event's InterruptInfo
 * with kind "breakpoint"). A run without breakpoints never reaches this module beyond `breakpointsOf`.
 */
import "server-only";
import { getCheckpointSaver } from "@/lib/db/checkpointer";
import type { BreakpointList, ExecutionOptions } from "@/lib/contracts/execution-request";
import type { InterruptInfo } from "@/lib/contracts/execution-result";
import { AppError } from "@/lib/errors";
import type { WorkflowGraph } from "@/lib/workflow/definition";
import type { ExecutionContext } from "./context";
import { nextNodesOf } from "./time-travel";

/** LangGraph's stream options for breakpoints. */
export interface Breakpoints {
  interruptBefore?: BreakpointList;
  interruptAfter?: BreakpointList;
}

/** The run's breakpoints as LangGraph's stream options; undefined when it has none. */
export function breakpointsOf(options: ExecutionOptions): Breakpoints | undefined {
  const { interruptBefore, interruptAfter } = options;
  if (!interruptBefore && !interruptAfter) return undefined;
  return { ...(interruptBefore ? { interruptBefore } : {}), ...(interruptAfter ? { interruptAfter } : {}) };
}

/** A 422 naming the first id (at `path.<index>`, or `path` for one id) that is not a node of the workflow. */
export function checkNodeIds(
  definition: { nodes: ReadonlyArray<{ id: string }> },
  ids: string[] | string | undefined,
  path: string,
) {
  if (ids === undefined) return;
  const list = typeof ids === "string" ? [ids] : ids;
  const known = new Set(definition.nodes.map((node) => node.id));
  const issues = list.flatMap((id, index) =>
    known.has(id)
      ? []
      : [
          {
            path: typeof ids === "string" ? path : `${path}.${index}`,
            message: `"${id}" is not a node of this workflow (its nodes: ${[...known].join(", ")})`,
          },
        ],
  );
  if (issues.length)
    throw new AppError("validation:node", `Unknown node: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
}

/** Every node id a run's breakpoints name, checked against its workflow. */
export function checkBreakpoints(definition: WorkflowGraph, breakpoints: Breakpoints, prefix: string) {
  const { interruptBefore, interruptAfter } = breakpoints;
  if (interruptBefore !== "*") checkNodeIds(definition, interruptBefore, `${prefix}interruptBefore`);
  if (interruptAfter !== "*") checkNodeIds(definition, interruptAfter, `${prefix}interruptAfter`);
}

const matches = (list: BreakpointList | undefined, nodeId: string | undefined) =>
  nodeId !== undefined && list !== undefined && (list === "*" || list.includes(nodeId));

/**
 * What paused a run that stopped at a breakpoint (LangGraph reports one as an interrupt with no value):
 * read from the checkpoint it paused at. LangGraph checks interruptAfter on the step that just ran before
 * interruptBefore on the next, so a node just run that is an "after" breakpoint is the one; otherwise the
 * first node about to run that is a "before" breakpoint. A breakpoint after the graph's last node is no
 * pause: with no node next there is nothing to continue, so the run completes.
 */
export async function breakpointPause(
  ctx: ExecutionContext,
  breakpoints: Breakpoints,
): Promise<InterruptInfo | undefined> {
  const tuple = await getCheckpointSaver().getTuple({ configurable: { thread_id: ctx.threadId, checkpoint_ns: "" } });
  const next = tuple ? nextNodesOf(tuple.checkpoint) : [];
  // After the last node nothing is left to continue: the run has ended (not paused forever).
  if (next.length === 0) return undefined;
  const ran = ctx.history.at(-1)?.nodeId;
  const before = next.find((nodeId) => matches(breakpoints.interruptBefore, nodeId));
  const after = matches(breakpoints.interruptAfter, ran) || !before;
  const nodeId = (after ? ran : before) ?? next[0] ?? ran ?? "";
  const when = after ? "after" : "before";
  return {
    nodeId,
    question: `Paused at a breakpoint ${when} "${nodeId}". Continue to run on.`,
    mode: "approval",
    kind: "breakpoint",
    when,
  };
}
