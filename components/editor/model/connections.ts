/**
 * Whether the user may draw an edge, and if not, why — in words. The canvas refuses invalid connections
 * while the user drags (React Flow's isValidConnection) and explains the refusal when they let go.
 * The rules mirror the validator's structural checks, so an edge the canvas accepts never causes
 * `edge.invalid_target`, `edge.unknown_handle` or `graph.cycle_without_loop`.
 */
import { getNodeDefinition } from "@/lib/nodes/registry";
import { LOOP_BODY_HANDLE } from "@/lib/nodes/loop/definition";
import { ERROR_HANDLE, nodeHandles, type EditorEdge, type EditorNode } from "./document";

export interface ConnectionAttempt {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export type ConnectionVerdict =
  | { ok: true; sourceHandle: string; targetHandle: string }
  | { ok: false; reason: string };

function titleOf(node: EditorNode): string {
  const label = node.data.label?.trim();
  return label ? `“${label}”` : `“${node.id}”`;
}

/** True when `to` can be reached from `from` without passing through a loop's body edge. */
function reachesWithoutLoopBody(
  from: string,
  to: string,
  nodes: Map<string, EditorNode>,
  edges: readonly EditorEdge[],
): boolean {
  const outgoing = new Map<string, string[]>();
  for (const edge of edges) {
    const source = nodes.get(edge.source);
    if (source && getNodeDefinition(source.type ?? "")?.loops && edge.sourceHandle === LOOP_BODY_HANDLE) continue;
    const list = outgoing.get(edge.source);
    if (list) list.push(edge.target);
    else outgoing.set(edge.source, [edge.target]);
  }
  const seen = new Set([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i += 1) {
    const current = queue[i]!;
    if (current === to) return true;
    for (const next of outgoing.get(current) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}

export function checkConnection(
  attempt: ConnectionAttempt,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): ConnectionVerdict {
  if (!attempt.source || !attempt.target) return { ok: false, reason: "Drop the connection on another node’s input." };
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const source = byId.get(attempt.source);
  const target = byId.get(attempt.target);
  if (!source || !target) return { ok: false, reason: "That node no longer exists." };
  if (source.id === target.id) return { ok: false, reason: `${titleOf(source)} cannot connect to itself.` };

  const sourceHandles = nodeHandles(source.type, source.data.config);
  const targetHandles = nodeHandles(target.type, target.data.config);
  if (sourceHandles.outputs.length === 0 && !sourceHandles.error) {
    return { ok: false, reason: `${titleOf(source)} ends the run: it has no outputs.` };
  }
  if (targetHandles.inputs.length === 0) {
    return { ok: false, reason: `${titleOf(target)} is where runs begin: nothing can lead into it.` };
  }

  // React Flow leaves the handle empty when a node has one; resolve it so stored edges always name it.
  const sourceHandle = attempt.sourceHandle ?? (sourceHandles.outputs.length === 1 ? sourceHandles.outputs[0]! : null);
  if (!sourceHandle) return { ok: false, reason: `Choose which output of ${titleOf(source)} to connect.` };
  if (sourceHandle !== ERROR_HANDLE && !sourceHandles.outputs.includes(sourceHandle)) {
    return { ok: false, reason: `${titleOf(source)} has no output “${sourceHandle}”.` };
  }
  if (sourceHandle === ERROR_HANDLE && !sourceHandles.error) {
    return { ok: false, reason: `${titleOf(source)} has no error output.` };
  }
  const targetHandle = attempt.targetHandle ?? targetHandles.inputs[0]!;
  if (!targetHandles.inputs.includes(targetHandle)) {
    return { ok: false, reason: `${titleOf(target)} has no input “${targetHandle}”.` };
  }

  const duplicate = edges.some(
    (edge) =>
      edge.source === source.id &&
      edge.target === target.id &&
      (edge.sourceHandle ?? sourceHandles.outputs[0] ?? null) === sourceHandle,
  );
  if (duplicate) return { ok: false, reason: `${titleOf(source)} is already connected to ${titleOf(target)} there.` };

  const boundedByLoop = Boolean(getNodeDefinition(source.type ?? "")?.loops) && sourceHandle === LOOP_BODY_HANDLE;
  if (!boundedByLoop && reachesWithoutLoopBody(target.id, source.id, byId, edges)) {
    return {
      ok: false,
      reason: `Connecting ${titleOf(source)} to ${titleOf(target)} would make a cycle that could run forever. Use a Loop node to repeat steps.`,
    };
  }
  return { ok: true, sourceHandle, targetHandle };
}
