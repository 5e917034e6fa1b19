/**
 * What to call a run: the saved workflow or template it ran, else its kind. The page hands down the names
 * of the user's workflows and templates once; ids it does not know (a workflow made after the page
 * loaded) fall back to a short id until the next refresh.
 */
import { TYPE_LABELS } from "./format";

export interface RunNames {
  workflows: Record<string, string>;
  templates: Record<string, string>;
}

export const NO_NAMES: RunNames = { workflows: {}, templates: {} };

export function shortId(id: string): string {
  return `${id.slice(0, 4)}…${id.slice(-4)}`.toLowerCase();
}

export interface NamedRun {
  workflowType: string;
  definitionId: string | null;
  definitionVersion: number | null;
  templateId: string | null;
}

export function runTitle(run: NamedRun, names: RunNames): { title: string; version: string | null; known: boolean } {
  const version = run.definitionVersion !== null ? `v${run.definitionVersion}` : null;
  if (run.definitionId && names.workflows[run.definitionId]) {
    return { title: names.workflows[run.definitionId]!, version, known: true };
  }
  if (run.templateId && names.templates[run.templateId])
    return { title: names.templates[run.templateId]!, version: null, known: true };
  if (run.workflowType === "CUSTOM") return { title: "Ad-hoc graph", version: null, known: true };
  if (run.workflowType === "CHAT") return { title: "Chat", version: null, known: true };
  if (run.definitionId) return { title: `Workflow ${shortId(run.definitionId)}`, version, known: false };
  if (run.templateId) return { title: `Template ${shortId(run.templateId)}`, version: null, known: false };
  return { title: TYPE_LABELS[run.workflowType] ?? run.workflowType, version: null, known: true };
}
