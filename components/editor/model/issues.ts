/**
 * The validator's result arranged for the canvas: issues by node and by edge (for badges), and the config
 * field an issue points at (so clicking it in the issues panel focuses that field in the inspector).
 */
import type { ValidationIssue, ValidationResult } from "@/lib/validation/types";

export type Severity = "error" | "warning";
export interface EditorIssue extends ValidationIssue {
  severity: Severity;
  /** Stable within one result, for React keys. */
  key: string;
}

export interface IssueIndex {
  all: EditorIssue[];
  errorCount: number;
  warningCount: number;
  byNode: Map<string, EditorIssue[]>;
  byEdge: Map<string, EditorIssue[]>;
  /** Issues about the workflow as a whole (no start, no end reachable…). */
  general: EditorIssue[];
}

export const EMPTY_ISSUE_INDEX: IssueIndex = {
  all: [],
  errorCount: 0,
  warningCount: 0,
  byNode: new Map(),
  byEdge: new Map(),
  general: [],
};

export function indexIssues(result: ValidationResult | null): IssueIndex {
  if (!result) return EMPTY_ISSUE_INDEX;
  const all: EditorIssue[] = [
    ...result.errors.map((issue, i) => ({ ...issue, severity: "error" as const, key: `e${i}-${issue.code}` })),
    ...result.warnings.map((issue, i) => ({ ...issue, severity: "warning" as const, key: `w${i}-${issue.code}` })),
  ];
  const byNode = new Map<string, EditorIssue[]>();
  const byEdge = new Map<string, EditorIssue[]>();
  const general: EditorIssue[] = [];
  for (const issue of all) {
    if (issue.edgeId) {
      const list = byEdge.get(issue.edgeId);
      if (list) list.push(issue);
      else byEdge.set(issue.edgeId, [issue]);
    }
    if (issue.nodeId && !issue.edgeId) {
      const list = byNode.get(issue.nodeId);
      if (list) list.push(issue);
      else byNode.set(issue.nodeId, [issue]);
    }
    if (!issue.nodeId && !issue.edgeId) general.push(issue);
  }
  return { all, errorCount: result.errors.length, warningCount: result.warnings.length, byNode, byEdge, general };
}

/**
 * "nodes.3.data.config.branches.0.expression" → "branches.0.expression"; null when the issue is not about
 * a config field.
 */
export function configFieldOf(path: string | undefined): string | null {
  if (!path) return null;
  const match = /^nodes\.\d+\.data\.config\.(.+)$/.exec(path);
  return match?.[1] ?? null;
}

/** The top-level config key a field path belongs to: "branches.0.expression" → "branches". */
export function topField(fieldPath: string): string {
  return fieldPath.split(".")[0] ?? fieldPath;
}

/** The worst severity in a list (errors win), or null when it is empty. */
export function worstSeverity(issues: readonly EditorIssue[] | undefined): Severity | null {
  if (!issues || issues.length === 0) return null;
  return issues.some((issue) => issue.severity === "error") ? "error" : "warning";
}
