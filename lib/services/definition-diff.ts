/**
 * The change summary stored with every version: what a save changed against the version before it,
 * in a line a person reads in the version list ("Added node "Search" (retrieval); changed model; 2 edges added").
 */
interface Content {
  name: string;
  description: string;
  nodes: unknown[];
  edges: unknown[];
  metadata: Record<string, unknown>;
}

interface NodeLike {
  id: string;
  type: string;
  label: string;
  position: unknown;
  rest: string;
}

/** Parts listed by name before the summary falls back to counting. */
const MAX_NAMED = 3;

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Key-order-independent JSON, so a re-ordered object is not reported as a change. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function nodesById(nodes: unknown[]): Map<string, NodeLike> {
  const map = new Map<string, NodeLike>();
  for (const raw of nodes) {
    const node = asRecord(raw);
    if (typeof node.id !== "string") continue;
    const data = asRecord(node.data);
    const { position, ...withoutPosition } = node;
    map.set(node.id, {
      id: node.id,
      type: typeof node.type === "string" ? node.type : "node",
      label: typeof data.label === "string" && data.label.trim() ? data.label.trim() : node.id,
      position,
      // Everything but the position: moving a node on the canvas is a layout change, not a logic change.
      rest: stableJson(withoutPosition),
    });
  }
  return map;
}

function edgesById(edges: unknown[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const raw of edges) {
    const edge = asRecord(raw);
    if (typeof edge.id === "string") map.set(edge.id, stableJson(edge));
  }
  return map;
}

function describeNodes(verb: string, nodes: NodeLike[]): string {
  const plural = nodes.length === 1 ? "node" : "nodes";
  if (nodes.length > MAX_NAMED) return `${verb} ${nodes.length} ${plural}`;
  return `${verb} ${plural} ${nodes.map((n) => `"${n.label}" (${n.type})`).join(", ")}`;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The first version's summary. */
export function summarizeNewDefinition(content: Content, origin?: string): string {
  const base = `Created with ${count(content.nodes.length, "node")} and ${count(content.edges.length, "edge")}`;
  return origin ? `${base} (${origin})` : base;
}

/** What changed from `previous` to `next`, or "No changes" when the save changed nothing. */
export function summarizeDefinitionChange(previous: Content, next: Content): string {
  const parts: string[] = [];
  if (previous.name !== next.name) parts.push(`Renamed "${previous.name}" to "${next.name}"`);
  if (previous.description !== next.description) parts.push("Changed the description");

  const before = nodesById(previous.nodes);
  const after = nodesById(next.nodes);
  const added = [...after.values()].filter((n) => !before.has(n.id));
  const removed = [...before.values()].filter((n) => !after.has(n.id));
  const changed: NodeLike[] = [];
  let moved = 0;
  for (const node of after.values()) {
    const old = before.get(node.id);
    if (!old) continue;
    if (old.rest !== node.rest) changed.push(node);
    else if (stableJson(old.position) !== stableJson(node.position)) moved++;
  }
  if (added.length) parts.push(describeNodes("Added", added));
  if (removed.length) parts.push(describeNodes("Removed", removed));
  if (changed.length) parts.push(describeNodes("Changed", changed));

  const edgesBefore = edgesById(previous.edges);
  const edgesAfter = edgesById(next.edges);
  const edgesAdded = [...edgesAfter.keys()].filter((id) => !edgesBefore.has(id)).length;
  const edgesRemoved = [...edgesBefore.keys()].filter((id) => !edgesAfter.has(id)).length;
  const edgesChanged = [...edgesAfter].filter(
    ([id, json]) => edgesBefore.has(id) && edgesBefore.get(id) !== json,
  ).length;
  const edgeParts = [
    edgesAdded ? `${edgesAdded} added` : "",
    edgesRemoved ? `${edgesRemoved} removed` : "",
    edgesChanged ? `${edgesChanged} changed` : "",
  ].filter(Boolean);
  if (edgeParts.length) parts.push(`Edges: ${edgeParts.join(", ")}`);

  if (stableJson(previous.metadata) !== stableJson(next.metadata)) parts.push("Changed the settings");
  if (moved) parts.push(`Moved ${count(moved, "node")}`);
  return parts.length ? parts.join("; ") : "No changes";
}
