/**
 * What the stages share: the issue collector and the analysed graph (nodes with their definitions and
 * parsed configs, edges with their resolved handles), built once by the structure stage.
 */
import type { AnyNodeDefinition } from "@/lib/nodes/types";
import type { WorkflowEdge, WorkflowNode } from "@/lib/workflow/definition";
import { VALIDATION_CODES, type ValidationIssue } from "./types";

/** Beyond this many issues of one severity the rest are dropped: a broken 500-node import should not return 50,000. */
const MAX_ISSUES = 200;

export class IssueCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  add(issue: ValidationIssue): void {
    const list = VALIDATION_CODES[issue.code] === "error" ? this.errors : this.warnings;
    if (list.length < MAX_ISSUES) list.push(issue);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }
}

export interface AnalyzedNode {
  index: number;
  id: string;
  type: string;
  node: WorkflowNode;
  definition: AnyNodeDefinition | undefined;
  /** The parsed config, when the type is known and the config valid. */
  config: unknown;
  configValid: boolean;
  /** Named source handles (without `error`), when the config is valid. */
  outputs: string[] | undefined;
  /** How messages name the node: Model node “Answer”. */
  title: string;
  /** The path prefix of its config: nodes.3.data.config */
  configPath: string;
  /** False for the second and later nodes sharing an id. */
  canonical: boolean;
}

export interface AnalyzedEdge {
  index: number;
  edge: WorkflowEdge;
  source: AnalyzedNode | undefined;
  target: AnalyzedNode | undefined;
  /** The handle it leaves from (`out` when implied), when known. */
  handle: string | null;
}

export interface Analysis {
  nodes: AnalyzedNode[];
  byId: Map<string, AnalyzedNode>;
  edges: AnalyzedEdge[];
  /** Edges whose both ends exist: the graph the reachability and cycle checks walk. */
  outgoing: Map<AnalyzedNode, AnalyzedEdge[]>;
  incoming: Map<AnalyzedNode, AnalyzedEdge[]>;
}

export function quote(text: string): string {
  return `“${text}”`;
}

function labelOf(node: WorkflowNode): string {
  return typeof node.data.label === "string" && node.data.label.trim() ? node.data.label.trim() : node.id;
}

/**
 * How issues name a node: its kind and label, `End node “Reply”`. A label another node of the graph also
 * has (two nodes called “End”) is followed by the node's id, `End node “End” (id end_2)`, so each line
 * says which node it is about.
 */
export function nodeTitle(
  node: WorkflowNode,
  definition: AnyNodeDefinition | undefined,
  sharedLabels: ReadonlySet<string> = new Set(),
): string {
  const label = labelOf(node);
  const kind = definition ? definition.label : node.type;
  const title = `${kind} node ${quote(label)}`;
  return sharedLabels.has(label.toLowerCase()) && label !== node.id ? `${title} (id ${node.id})` : title;
}

/** The labels (case-insensitive) more than one node of the graph goes by. */
export function sharedNodeLabels(nodes: readonly WorkflowNode[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const node of nodes) {
    const label = labelOf(node).toLowerCase();
    if (seen.has(label)) shared.add(label);
    seen.add(label);
  }
  return shared;
}

export function edgeTitle(edge: WorkflowEdge): string {
  return `Edge ${quote(edge.id)}`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 2 more" */
export function listNames(names: readonly string[], max = 4): string {
  if (names.length <= 1) return names[0] ?? "";
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}
