/**
 * "Tidy up": a layered left-to-right layout by dagre (the layout library React Flow's own examples use).
 * Runs are read left to right, branches fan out top to bottom in the order of their handles.
 */
import dagre from "@dagrejs/dagre";
import { DEFAULT_NODE_SIZE, nodeHandles, type EditorEdge, type EditorNode } from "./document";

export { DEFAULT_NODE_SIZE };

export interface LayoutOptions {
  nodeSpacing?: number;
  rankSpacing?: number;
}

function sizeOf(node: EditorNode): { width: number; height: number } {
  return {
    width: node.measured?.width ?? node.width ?? DEFAULT_NODE_SIZE.width,
    height: node.measured?.height ?? node.height ?? DEFAULT_NODE_SIZE.height,
  };
}

/** New top-left positions for every node (only the positions change; the caller applies them). */
export function layoutPositions(
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
  { nodeSpacing = 48, rankSpacing = 96 }: LayoutOptions = {},
): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "LR", nodesep: nodeSpacing, ranksep: rankSpacing, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const node of nodes) {
    graph.setNode(node.id, sizeOf(node));
    ids.add(node.id);
  }

  // Edges in the order of their source handles, so a conditional's first branch is laid out on top.
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const handleRank = (edge: EditorEdge): number => {
    const source = byId.get(edge.source);
    if (!source || !edge.sourceHandle) return 0;
    const { outputs } = nodeHandles(source.type, source.data.config);
    const index = outputs.indexOf(edge.sourceHandle);
    return index === -1 ? outputs.length : index;
  };
  const ordered = edges
    .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
    .map((edge, index) => ({ edge, index, rank: handleRank(edge) }))
    .sort((a, b) => (a.edge.source === b.edge.source ? a.rank - b.rank : a.index - b.index));
  for (const { edge } of ordered) graph.setEdge(edge.source, edge.target, {}, edge.id);

  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const laid = graph.node(node.id) as { x: number; y: number } | undefined;
    if (!laid) continue;
    const { width, height } = sizeOf(node);
    // dagre places centres; React Flow positions are top-left corners.
    positions.set(node.id, { x: Math.round(laid.x - width / 2), y: Math.round(laid.y - height / 2) });
  }
  return positions;
}
