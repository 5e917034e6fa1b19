/**
 * Copy and paste of nodes, within a workflow and between workflows (another tab, another window): the
 * selection travels as JSON text in the system clipboard, tagged so that pasting unrelated text is ignored.
 * Pasted nodes get fresh ids; edges are kept only when both ends were copied.
 */
import { z } from "zod";
import { edgeSchema, nodeSchema } from "@/lib/workflow/definition";
import {
  edgeIdFor,
  toDefinition,
  toEditorEdge,
  toEditorNode,
  uniqueId,
  type EditorEdge,
  type EditorNode,
  type WorkflowDocument,
} from "./document";

export const CLIPBOARD_FORMAT = "lattice.nodes";

const clipboardSchema = z.object({
  format: z.literal(CLIPBOARD_FORMAT),
  nodes: z.array(nodeSchema).min(1).max(500),
  edges: z.array(edgeSchema).max(2000),
});
export type ClipboardPayload = z.infer<typeof clipboardSchema>;

/** The selected nodes and the edges among them, or null when nothing is selected. */
export function copySelection(doc: WorkflowDocument): ClipboardPayload | null {
  const nodes = doc.nodes.filter((node) => node.selected);
  if (nodes.length === 0) return null;
  const ids = new Set(nodes.map((node) => node.id));
  const edges = doc.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target));
  const stored = toDefinition({ ...doc, nodes, edges });
  return { format: CLIPBOARD_FORMAT, nodes: stored.nodes, edges: stored.edges } as ClipboardPayload;
}

export function serializeClipboard(payload: ClipboardPayload): string {
  return JSON.stringify(payload);
}

/** Reads clipboard text; anything that is not a Lattice selection gives null. Never throws. */
export function parseClipboard(text: string): ClipboardPayload | null {
  if (!text || text.length > 5_000_000 || !text.includes(CLIPBOARD_FORMAT)) return null;
  try {
    const parsed = clipboardSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The payload's nodes and edges with ids that do not clash with `doc`, moved so that their top-left corner
 * lands at `at` (or offset from where they were, for a paste into the same place), and selected.
 */
export function materializePaste(
  payload: ClipboardPayload,
  doc: WorkflowDocument,
  at?: { x: number; y: number },
): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const takenNodeIds = new Set(doc.nodes.map((node) => node.id));
  const takenEdgeIds = new Set(doc.edges.map((edge) => edge.id));
  const minX = Math.min(...payload.nodes.map((node) => node.position.x));
  const minY = Math.min(...payload.nodes.map((node) => node.position.y));
  const dx = at ? at.x - minX : 40;
  const dy = at ? at.y - minY : 40;

  const idMap = new Map<string, string>();
  const nodes = payload.nodes.map((stored) => {
    const id = uniqueId(stored.id.replace(/_\d+$/, ""), takenNodeIds);
    takenNodeIds.add(id);
    idMap.set(stored.id, id);
    const node = toEditorNode(structuredClone(stored));
    return { ...node, id, position: { x: node.position.x + dx, y: node.position.y + dy }, selected: true };
  });
  const edges: EditorEdge[] = [];
  for (const stored of payload.edges) {
    const source = idMap.get(stored.source);
    const target = idMap.get(stored.target);
    if (!source || !target) continue;
    const id = edgeIdFor(source, stored.sourceHandle, target, takenEdgeIds);
    takenEdgeIds.add(id);
    edges.push({ ...toEditorEdge(stored), id, source, target });
  }
  return { nodes, edges };
}
