/**
 * The difference between two versions of a workflow, as a person reads it: nodes and edges added, removed
 * and changed (with the settings that changed), and nodes that only moved — kept apart, because a tidy-up
 * touches every position and would otherwise drown the real changes.
 */
import type { DefinitionLike } from "./document";

type StoredNode = DefinitionLike["nodes"][number];
type StoredEdge = DefinitionLike["edges"][number];

export interface NodeChange {
  id: string;
  label: string;
  type: string;
  /** Dotted paths that differ: "label", "type", "config.model", "retry.maxAttempts"… */
  fields: string[];
}

export interface EdgeChange {
  id: string;
  description: string;
  fields: string[];
}

export interface WorkflowDiff {
  nameChanged: { from: string; to: string } | null;
  descriptionChanged: boolean;
  nodes: { added: NodeChange[]; removed: NodeChange[]; changed: NodeChange[]; moved: NodeChange[] };
  edges: { added: EdgeChange[]; removed: EdgeChange[]; changed: EdgeChange[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths (below `prefix`) at which two JSON values differ; arrays compare item by item. */
export function differingPaths(a: unknown, b: unknown, prefix = "", out: string[] = [], limit = 50): string[] {
  if (out.length >= limit || Object.is(a, b)) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i += 1) differingPaths(a[i], b[i], prefix ? `${prefix}.${i}` : String(i), out, limit);
    return out;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differingPaths(a[key], b[key], prefix ? `${prefix}.${key}` : key, out, limit);
    }
    return out;
  }
  out.push(prefix || "(value)");
  return out;
}

function nodeLabel(node: StoredNode): string {
  const label = isRecord(node.data) && typeof node.data.label === "string" ? node.data.label.trim() : "";
  return label || node.id;
}

function edgeDescription(edge: StoredEdge, labels: Map<string, string>): string {
  const from = labels.get(edge.source) ?? edge.source;
  const to = labels.get(edge.target) ?? edge.target;
  return `${from}${edge.sourceHandle && edge.sourceHandle !== "out" ? ` (${edge.sourceHandle})` : ""} → ${to}`;
}

function summarizeNode(node: StoredNode, fields: string[] = []): NodeChange {
  return { id: node.id, label: nodeLabel(node), type: node.type, fields };
}

/** What changed from `before` to `after`. */
export function diffDefinitions(before: DefinitionLike, after: DefinitionLike): WorkflowDiff {
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id, node]));
  const labels = new Map<string, string>();
  for (const node of [...before.nodes, ...after.nodes]) labels.set(node.id, nodeLabel(node));

  const nodes: WorkflowDiff["nodes"] = { added: [], removed: [], changed: [], moved: [] };
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) {
      nodes.added.push(summarizeNode(node));
      continue;
    }
    const fields = differingPaths({ type: old.type, ...(old.data ?? {}) }, { type: node.type, ...(node.data ?? {}) });
    if (fields.length > 0) nodes.changed.push(summarizeNode(node, fields));
    else if (old.position?.x !== node.position?.x || old.position?.y !== node.position?.y)
      nodes.moved.push(summarizeNode(node));
  }
  for (const node of before.nodes) if (!afterNodes.has(node.id)) nodes.removed.push(summarizeNode(node));

  // Edges are matched by what they connect, not by id: a reconnection with a new id is the same edge.
  const key = (edge: StoredEdge) => `${edge.source}\u0000${edge.sourceHandle ?? ""}\u0000${edge.target}`;
  const beforeEdges = new Map(before.edges.map((edge) => [key(edge), edge]));
  const afterEdges = new Map(after.edges.map((edge) => [key(edge), edge]));
  const edges: WorkflowDiff["edges"] = { added: [], removed: [], changed: [] };
  for (const [k, edge] of afterEdges) {
    const old = beforeEdges.get(k);
    if (!old) {
      edges.added.push({ id: edge.id, description: edgeDescription(edge, labels), fields: [] });
      continue;
    }
    const fields = differingPaths(
      { label: old.label ?? "", targetHandle: old.targetHandle ?? "" },
      { label: edge.label ?? "", targetHandle: edge.targetHandle ?? "" },
    );
    if (fields.length > 0) edges.changed.push({ id: edge.id, description: edgeDescription(edge, labels), fields });
  }
  for (const [k, edge] of beforeEdges) {
    if (!afterEdges.has(k)) edges.removed.push({ id: edge.id, description: edgeDescription(edge, labels), fields: [] });
  }

  const beforeName = before.name ?? "";
  const afterName = after.name ?? "";
  return {
    nameChanged: beforeName !== afterName ? { from: beforeName, to: afterName } : null,
    descriptionChanged: (before.description ?? "") !== (after.description ?? ""),
    nodes,
    edges,
  };
}

export function isEmptyDiff(diff: WorkflowDiff): boolean {
  return (
    !diff.nameChanged &&
    !diff.descriptionChanged &&
    diff.nodes.added.length + diff.nodes.removed.length + diff.nodes.changed.length + diff.nodes.moved.length === 0 &&
    diff.edges.added.length + diff.edges.removed.length + diff.edges.changed.length === 0
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function names(changes: NodeChange[], max = 3): string {
  const shown = changes.slice(0, max).map((change) => change.label);
  return changes.length > max ? `${shown.join(", ")} and ${changes.length - max} more` : shown.join(", ");
}

/** One line, e.g. "Added 2 nodes (Memory, Model); changed Model (config.model); added 3 edges". */
export function summarizeDiff(diff: WorkflowDiff): string {
  const parts: string[] = [];
  if (diff.nameChanged) parts.push(`renamed to “${diff.nameChanged.to}”`);
  if (diff.descriptionChanged) parts.push("edited the description");
  if (diff.nodes.added.length)
    parts.push(`added ${count(diff.nodes.added.length, "node")} (${names(diff.nodes.added)})`);
  if (diff.nodes.removed.length)
    parts.push(`removed ${count(diff.nodes.removed.length, "node")} (${names(diff.nodes.removed)})`);
  if (diff.nodes.changed.length) parts.push(`changed ${names(diff.nodes.changed)}`);
  if (diff.edges.added.length) parts.push(`added ${count(diff.edges.added.length, "connection")}`);
  if (diff.edges.removed.length) parts.push(`removed ${count(diff.edges.removed.length, "connection")}`);
  if (diff.edges.changed.length) parts.push(`changed ${count(diff.edges.changed.length, "connection")}`);
  if (diff.nodes.moved.length && parts.length === 0) parts.push(`moved ${count(diff.nodes.moved.length, "node")}`);
  if (parts.length === 0) return "No changes";
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
