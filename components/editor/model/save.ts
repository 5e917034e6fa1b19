/**
 * Saving the canvas, one request per click. The first save creates the workflow, every later one adds a
 * version based on the version the canvas holds (`baseVersion`), so a save from another tab is refused
 * (409) rather than overwritten. While a save is in flight another one starts nothing and gets the same
 * outcome: a double-click on Save must neither create the workflow twice nor send a second save based on
 * the version the first one is replacing (which the server, rightly, refuses as a conflict).
 *
 * The body is checked first with the API's own schema (lib/contracts/workflows), so a name over the limit
 * is said plainly ("The workflow's name is 377 characters long; it can be at most 200.") without a round
 * trip, and a refusal from the server is said the same way. Framework-free: tests drive it with a fake `send`.
 */
import {
  type SaveWorkflowBody,
  saveWorkflowBodySchema,
  WORKFLOW_LIMITS,
  type WorkflowSavedResponse,
} from "@/lib/contracts/workflows";
import { type FieldIssue, isAppError, issuesFromZod } from "@/lib/errors";
import { toDefinition, type WorkflowDocument } from "./document";
import { documentOf, type EditorStore, isDirty } from "./editor-store";

export type SaveOutcome = "saved" | "unchanged" | "conflict" | "failed";

export interface SaveRequest {
  /** null: the first save, which creates the workflow. */
  workflowId: string | null;
  body: SaveWorkflowBody;
}

export interface SaverOptions {
  send: (request: SaveRequest) => Promise<WorkflowSavedResponse>;
  /** The first save created the workflow (the page's address follows it). */
  onCreated?: (workflowId: string) => void;
}

export interface Saver {
  /** `overwrite` saves over a version someone else saved since (after a conflict, on the user's word). */
  save(options?: { overwrite?: boolean }): Promise<SaveOutcome>;
}

export function createSaver(store: EditorStore, { send, onCreated }: SaverOptions): Saver {
  let inFlight: Promise<SaveOutcome> | null = null;

  const run = async (overwrite: boolean): Promise<SaveOutcome> => {
    const state = store.getState();
    const revision = state.revision;
    const doc = documentOf(state);
    const definition = toDefinition(doc);
    const body: SaveWorkflowBody = {
      ...definition,
      name: definition.name.trim() || "Untitled workflow",
      // The version this canvas started from: the server refuses the save if someone saved since.
      ...(state.workflowId && state.savedVersion && !overwrite ? { baseVersion: state.savedVersion } : {}),
    };
    const checked = saveWorkflowBodySchema.safeParse(body);
    if (!checked.success) {
      state.notify(describeSaveIssues(issuesFromZod(checked.error.issues), doc), "error");
      return "failed";
    }
    try {
      const saved = await send({ workflowId: state.workflowId, body });
      const created = state.workflowId === null;
      store.getState().markSaved({ workflowId: saved.workflow.id, version: saved.workflow.version, revision });
      store.setState({ conflict: null });
      if (created) onCreated?.(saved.workflow.id);
      store
        .getState()
        .notify(
          saved.validation.isValid
            ? `Saved as version ${saved.workflow.version}.`
            : `Saved version ${saved.workflow.version} as a draft: fix the issues before it can run.`,
        );
      return "saved";
    } catch (error) {
      if (isAppError(error) && error.status === 409) {
        store.setState({ conflict: error.message });
        return "conflict";
      }
      store.getState().notify(saveErrorText(error, doc), "error");
      return "failed";
    }
  };

  return {
    save({ overwrite = false } = {}) {
      // A second click while the first save is on its way: the same save, not another one.
      if (inFlight) return inFlight;
      const state = store.getState();
      if (state.workflowId && !isDirty(state) && !overwrite) {
        state.notify("Everything is saved.");
        return Promise.resolve("unchanged");
      }
      // Set in the click's own event: the button is disabled before a second click can arrive.
      store.setState({ saving: true });
      const flight = run(overwrite).finally(() => {
        inFlight = null;
        store.setState({ saving: false });
      });
      inFlight = flight;
      return flight;
    },
  };
}

/** What the editor calls the field an issue's path names. */
function fieldName(path: string[], doc: WorkflowDocument): { name: string; length?: number; max?: number } | null {
  if (path.length === 1 && path[0] === "name")
    return { name: "The workflow's name", length: doc.name.trim().length, max: WORKFLOW_LIMITS.nameMaxLength };
  if (path.length === 1 && path[0] === "description")
    return {
      name: "The description",
      length: doc.description.length,
      max: WORKFLOW_LIMITS.descriptionMaxLength,
    };
  if (path[0] === "nodes" && path[2] === "data" && path[3] === "label" && path.length === 4) {
    const node = doc.nodes[Number(path[1])];
    if (!node) return null;
    return {
      name: `The name of step “${node.id}”`,
      length: node.data.label?.length ?? 0,
      max: WORKFLOW_LIMITS.nodeLabelMaxLength,
    };
  }
  return null;
}

/** One issue of a refused save, as a sentence that names the field in the editor's words. */
export function describeSaveIssue(issue: FieldIssue, doc: WorkflowDocument): string {
  const path = issue.path === "(body)" ? [] : issue.path.split(".");
  const field = fieldName(path, doc);
  if (field && issue.code === "too_big" && field.length !== undefined && field.max !== undefined)
    return `${field.name} is ${field.length} characters long; it can be at most ${field.max}.`;
  if (field) return `${field.name}: ${issue.message}.`;
  const node = path[0] === "nodes" ? doc.nodes[Number(path[1])] : undefined;
  if (node) return `Step “${node.id}”${path.length > 2 ? ` (${path.slice(2).join(".")})` : ""}: ${issue.message}.`;
  return path.length ? `${issue.path}: ${issue.message}.` : `${issue.message}.`;
}

/** Why a save was refused, for the canvas notice: "Not saved. The workflow's name is 377 characters long…". */
export function describeSaveIssues(issues: readonly FieldIssue[], doc: WorkflowDocument): string {
  const sentences = issues.slice(0, 3).map((issue) => describeSaveIssue(issue, doc));
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return `Not saved. ${sentences.join(" ")}${more}`;
}

/** A failed save as the canvas notice says it: field issues in the editor's words, else the API's message. */
export function saveErrorText(error: unknown, doc: WorkflowDocument): string {
  if (isAppError(error)) {
    if (error.issues?.length) return describeSaveIssues(error.issues, doc);
    return error.message;
  }
  return "The workflow could not be saved.";
}
