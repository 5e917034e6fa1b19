/**
 * The editor's document: a workflow definition in React Flow's shape (which is the stored shape, so the
 * canvas edits the definition directly), plus the conversions in and out and the per-node handle lists
 * the canvas draws. Framework-free: the store, the tests and the benchmark use it without a DOM.
 */
import type { Edge, Node } from "@xyflow/react";
import { getNodeDefinition, isNodeType, type NodeType } from "@/lib/nodes/registry";
import { ERROR_HANDLE, INPUT_HANDLE, OUTPUT_HANDLE, type AnyNodeDefinition } from "@/lib/nodes/types";
import type { PinnedInput, RetryPolicy, WorkflowDefinitionInput } from "@/lib/workflow/definition";

/** A node's `data`: the stored fields, nothing UI-only (selection and size live on the node itself). */
export interface EditorNodeData extends Record<string, unknown> {
  label?: string;
  config: Record<string, unknown>;
  retry?: RetryPolicy;
  /** The input "Run this node" starts it from (see ./single-node). */
  pinnedInput?: PinnedInput;
}

export type EditorNode = Node<EditorNodeData>;
export type EditorEdge = Edge;

/** What a save writes and a version holds. */
export interface WorkflowDocument {
  name: string;
  description: string;
  metadata: Record<string, unknown>;
  nodes: EditorNode[];
  edges: EditorEdge[];
}

/** The subset of the public definition format the editor reads (a Workflow DTO, a version, an import file). */
export interface DefinitionLike {
  name?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  nodes: ReadonlyArray<{
    id: string;
    type: string;
    position?: { x: number; y: number };
    data?: Record<string, unknown>;
  }>;
  edges: ReadonlyArray<{
    id: string;
    source: string;
    target: string;
    sourceHandle?: string | null;
    targetHandle?: string | null;
    label?: string;
  }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Stored node → canvas node. Unknown extra data is kept (the format is passthrough), UI fields are not. */
export function toEditorNode(node: DefinitionLike["nodes"][number]): EditorNode {
  const data = isRecord(node.data) ? node.data : {};
  const config = isRecord(data.config) ? data.config : {};
  return {
    id: node.id,
    type: node.type,
    position: { x: node.position?.x ?? 0, y: node.position?.y ?? 0 },
    data: { ...data, config } as EditorNodeData,
  };
}

export function toEditorEdge(edge: DefinitionLike["edges"][number]): EditorEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    ...(edge.sourceHandle ? { sourceHandle: edge.sourceHandle } : {}),
    ...(edge.targetHandle ? { targetHandle: edge.targetHandle } : {}),
    ...(edge.label ? { label: edge.label } : {}),
  };
}

export function documentFromDefinition(definition: DefinitionLike): WorkflowDocument {
  return {
    name: definition.name ?? "Untitled workflow",
    description: definition.description ?? "",
    metadata: isRecord(definition.metadata) ? definition.metadata : {},
    nodes: definition.nodes.map(toEditorNode),
    edges: definition.edges.map(toEditorEdge),
  };
}

export function emptyDocument(name = "Untitled workflow"): WorkflowDocument {
  return { name, description: "", metadata: {}, nodes: [], edges: [] };
}

/** Canvas → the public definition format: exactly the stored fields, in a stable key order. */
export function toDefinition(doc: WorkflowDocument) {
  return {
    name: doc.name,
    description: doc.description,
    metadata: doc.metadata,
    nodes: doc.nodes.map((node) => ({
      id: node.id,
      type: node.type ?? "unknown",
      position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
      data: node.data,
    })),
    edges: doc.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      ...(edge.sourceHandle ? { sourceHandle: edge.sourceHandle } : {}),
      ...(edge.targetHandle ? { targetHandle: edge.targetHandle } : {}),
      ...(typeof edge.label === "string" && edge.label ? { label: edge.label } : {}),
    })),
  } satisfies WorkflowDefinitionInput;
}
export type DefinitionPayload = ReturnType<typeof toDefinition>;

/** An id not in `taken`: `base`, then `base_2`, `base_3`… (readable in expressions: conditional_results.router_2). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 80) || "node";
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) {
    const candidate = `${clean}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function edgeIdFor(
  source: string,
  sourceHandle: string | null | undefined,
  target: string,
  taken: ReadonlySet<string>,
): string {
  const base = `e-${source}-${sourceHandle && sourceHandle !== OUTPUT_HANDLE ? `${sourceHandle}-` : ""}${target}`;
  return uniqueId(base, taken);
}

/** A fresh node of `type` from the palette: the type's default config, a label, no id clash. */
export function createNode(
  type: NodeType,
  position: { x: number; y: number },
  takenIds: ReadonlySet<string>,
): EditorNode {
  const definition = getNodeDefinition(type) as AnyNodeDefinition;
  return {
    id: uniqueId(type, takenIds),
    type,
    position,
    data: { label: definition.label, config: structuredClone(definition.defaultConfig()) as Record<string, unknown> },
  };
}

/** Used for nodes React Flow has not measured yet (never rendered, or a test without a DOM). */
export const DEFAULT_NODE_SIZE = { width: 208, height: 88 };

export interface NodeHandles {
  /** Target handles (`in`, or none for start). */
  inputs: string[];
  /** Named source handles, without `error`. */
  outputs: string[];
  /** Every node may route failures to an error handler. */
  error: boolean;
}

const UNKNOWN_HANDLES: NodeHandles = { inputs: [INPUT_HANDLE], outputs: [OUTPUT_HANDLE], error: false };

/**
 * The handles to draw for a node. A config that does not parse yet (the user is typing a branch key) still
 * gets its handles from the raw values where the type's `outputs` can read them, so edges do not flicker
 * off their handles mid-edit; the validator reports the bad field meanwhile.
 */
export function nodeHandles(type: string | undefined, config: Record<string, unknown>): NodeHandles {
  if (!type || !isNodeType(type)) return UNKNOWN_HANDLES;
  const definition = getNodeDefinition(type) as AnyNodeDefinition;
  const inputs = [...definition.inputs];
  const parsed = definition.configSchema.safeParse(config);
  let outputs: string[];
  if (parsed.success) {
    outputs = definition.outputs(parsed.data as never);
  } else {
    try {
      const merged = { ...(definition.defaultConfig() as Record<string, unknown>), ...config };
      outputs = definition.outputs(merged as never);
    } catch {
      outputs = definition.terminal ? [] : [OUTPUT_HANDLE];
    }
  }
  const unique = [
    ...new Set(outputs.filter((handle): handle is string => typeof handle === "string" && handle.length > 0)),
  ];
  return { inputs, outputs: unique, error: !definition.terminal };
}

/** Whether a source handle is a named branch worth labelling on its edge (not the plain `out`). */
export function isNamedHandle(handle: string | null | undefined): handle is string {
  return Boolean(handle) && handle !== OUTPUT_HANDLE;
}

export { ERROR_HANDLE, INPUT_HANDLE, OUTPUT_HANDLE };
