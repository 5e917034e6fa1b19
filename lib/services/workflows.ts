/**
 * Saved workflows (definitions): create, read, save (a new immutable version each time, with a change
 * summary), delete, versions, restore, export and import. A save always runs the validator: an invalid
 * definition is kept as a draft (isValid false) that the engine refuses to run.
 */
import "server-only";
import { listLastRunsByDefinition, type LastRun } from "@/lib/db/queries/definition-runs";
import { listDefinitions, type DefinitionSummary } from "@/lib/db/queries/definitions-list";
import {
  createWorkflow as insertWorkflow,
  deleteWorkflow as removeWorkflow,
  getWorkflow,
  getWorkflowVersion,
  listWorkflowVersions,
  saveWorkflowVersion,
  type DefinitionContent,
  type VersionSummaryRecord,
} from "@/lib/db/queries/workflows";
import type { WorkflowDefinition, WorkflowDefinitionVersion } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { EXPORT_FORMAT_VERSION, type ExportFile, type WorkflowDefinitionDoc } from "@/lib/workflow/definition";
import type {
  Workflow,
  WorkflowSavedResponse,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowVersionSummary,
} from "@/lib/contracts/workflows";
import { credentialIdsForImport, credentialNamesForExport } from "./credential-references";
import { summarizeDefinitionChange, summarizeNewDefinition } from "./definition-diff";
import { validateForUser } from "./validation-context";

export function workflowNotFound(): AppError {
  return new AppError("not_found:workflow", "No such workflow.");
}

// ---------------------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------------------

function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function recordOf(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function toWorkflowSummary(row: DefinitionSummary): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    isValid: row.isValid,
    templateId: row.templateId,
    nodeCount: row.nodeCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// Stored graphs passed the definition schema when they were saved, so they have its shape.
export function toWorkflow(row: WorkflowDefinition): Workflow {
  const nodes = arrayOf<Workflow["nodes"][number]>(row.nodes);
  return {
    ...toWorkflowSummary({ ...row, nodeCount: nodes.length }),
    nodes,
    edges: arrayOf<Workflow["edges"][number]>(row.edges),
    metadata: recordOf(row.metadata),
  };
}

function toVersionSummary(row: VersionSummaryRecord): WorkflowVersionSummary {
  return {
    version: row.version,
    name: row.name,
    summary: row.summary,
    nodeCount: row.nodeCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

function toVersion(row: WorkflowDefinitionVersion): WorkflowVersion {
  const nodes = arrayOf<WorkflowVersion["nodes"][number]>(row.nodes);
  return {
    ...toVersionSummary({ ...row, nodeCount: nodes.length }),
    definitionId: row.definitionId,
    description: row.description,
    nodes,
    edges: arrayOf<WorkflowVersion["edges"][number]>(row.edges),
    metadata: recordOf(row.metadata),
  };
}

function contentOf(doc: WorkflowDefinitionDoc): DefinitionContent {
  return { name: doc.name, description: doc.description, nodes: doc.nodes, edges: doc.edges, metadata: doc.metadata };
}

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

export async function listWorkflows({ ownerId }: { ownerId: string }): Promise<WorkflowSummary[]> {
  return (await listDefinitions({ ownerId })).map(toWorkflowSummary);
}

/** The latest run of each of the owner's workflows named (none for one never run), for the workflow list. */
export async function listLastRuns({
  ownerId,
  workflowIds,
}: {
  ownerId: string;
  workflowIds: readonly string[];
}): Promise<LastRun[]> {
  return listLastRunsByDefinition({ ownerId, definitionIds: workflowIds });
}

export async function requireWorkflow({ ownerId, id }: { ownerId: string; id: string }): Promise<WorkflowDefinition> {
  const row = await getWorkflow({ id, ownerId });
  if (!row) throw workflowNotFound();
  return row;
}

export async function getWorkflowDto({ ownerId, id }: { ownerId: string; id: string }): Promise<Workflow> {
  return toWorkflow(await requireWorkflow({ ownerId, id }));
}

export async function listVersions({
  ownerId,
  id,
}: {
  ownerId: string;
  id: string;
}): Promise<WorkflowVersionSummary[]> {
  const rows = await listWorkflowVersions({ definitionId: id, ownerId });
  if (!rows) throw workflowNotFound();
  return rows.map(toVersionSummary);
}

async function requireVersion({ ownerId, id, version }: { ownerId: string; id: string; version: number }) {
  const row = await getWorkflowVersion({ definitionId: id, ownerId, version });
  if (row) return row;
  if (!(await getWorkflow({ id, ownerId }))) throw workflowNotFound();
  throw new AppError("not_found:workflow_version", `The workflow has no version ${version}.`);
}

export async function getVersion({
  ownerId,
  id,
  version,
}: {
  ownerId: string;
  id: string;
  version: number;
}): Promise<WorkflowVersion> {
  return toVersion(await requireVersion({ ownerId, id, version }));
}

// ---------------------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------------------

/** Saves a new workflow (version 1). `origin` says where it came from in the first version's summary. */
export async function createWorkflow({
  ownerId,
  doc,
  templateId,
  origin,
}: {
  ownerId: string;
  doc: WorkflowDefinitionDoc;
  templateId?: string | null;
  origin?: string;
}): Promise<WorkflowSavedResponse> {
  const validation = await validateForUser({ ownerId, definition: doc });
  const content = contentOf(doc);
  const row = await insertWorkflow({
    ownerId,
    content,
    isValid: validation.isValid,
    templateId: templateId ?? null,
    summary: summarizeNewDefinition(content, origin),
  });
  return { workflow: toWorkflow(row), validation };
}

function versionConflict(currentVersion: number, baseVersion: number): AppError {
  return new AppError(
    "conflict:workflow_version",
    `The workflow was saved elsewhere since version ${baseVersion} (it is now at version ${currentVersion}); reload it before saving.`,
    { issues: [{ path: "baseVersion", message: `is ${baseVersion}, but the latest version is ${currentVersion}` }] },
  );
}

/** Saves `doc` as the next version of the workflow. */
export async function updateWorkflow({
  ownerId,
  id,
  doc,
  baseVersion,
  summary,
}: {
  ownerId: string;
  id: string;
  doc: WorkflowDefinitionDoc;
  baseVersion?: number;
  /** Overrides the computed summary's wording (e.g. "Restored version 2: …"). */
  summary?: (computed: string) => string;
}): Promise<WorkflowSavedResponse> {
  const validation = await validateForUser({ ownerId, definition: doc, definitionId: id });
  const content = contentOf(doc);
  const outcome = await saveWorkflowVersion({
    id,
    ownerId,
    content,
    isValid: validation.isValid,
    ...(baseVersion !== undefined ? { baseVersion } : {}),
    summarize: (previous) => {
      const computed = summarizeDefinitionChange(previous, content);
      return summary ? summary(computed) : computed;
    },
  });
  if (outcome.status === "not_found") throw workflowNotFound();
  if (outcome.status === "conflict") throw versionConflict(outcome.currentVersion, baseVersion ?? 0);
  return { workflow: toWorkflow(outcome.workflow), validation };
}

export async function deleteWorkflow({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  if (!(await removeWorkflow({ id, ownerId }))) throw workflowNotFound();
}

/** Makes an old version the latest again — as a new version, so history is never rewritten. */
export async function restoreVersion({
  ownerId,
  id,
  version,
}: {
  ownerId: string;
  id: string;
  version: number;
}): Promise<WorkflowSavedResponse> {
  const old = await requireVersion({ ownerId, id, version });
  const doc: WorkflowDefinitionDoc = {
    name: old.name,
    description: old.description,
    nodes: arrayOf(old.nodes),
    edges: arrayOf(old.edges),
    metadata: recordOf(old.metadata),
  };
  return updateWorkflow({
    ownerId,
    id,
    doc,
    summary: (computed) => `Restored version ${version}${computed === "No changes" ? "" : `: ${computed}`}`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Validate, export, import
// ---------------------------------------------------------------------------------------------------------

/** The export file of the latest version, or of `version`. */
export async function exportWorkflow({
  ownerId,
  id,
  version,
}: {
  ownerId: string;
  id: string;
  version?: number;
}): Promise<ExportFile> {
  const source =
    version === undefined ? await requireWorkflow({ ownerId, id }) : await requireVersion({ ownerId, id, version });
  return {
    format: "lattice.workflow",
    formatVersion: EXPORT_FORMAT_VERSION,
    kind: "definition",
    exportedAt: new Date().toISOString(),
    workflow: {
      name: source.name,
      description: source.description,
      nodes: await credentialNamesForExport(ownerId, arrayOf(source.nodes)),
      edges: arrayOf(source.edges),
      metadata: recordOf(source.metadata),
    },
  };
}

/**
 * Imports an export file (of a definition or a template) as a new saved workflow. It is validated like any
 * save, and stored even when invalid — as a draft, with every error named by node and field in the answer —
 * since a file from another deployment often names models or knowledge bases that must be re-chosen here.
 * A model node's credential is mapped by name; the nodes that found none are on the default model, and the
 * answer lists them (`repointedNodes`).
 */
export async function importWorkflow({
  ownerId,
  file,
}: {
  ownerId: string;
  file: ExportFile;
}): Promise<WorkflowSavedResponse> {
  const { category: _category, defaultParams: _params, ...doc } = file.workflow;
  const { nodes, repointedNodes } = await credentialIdsForImport(ownerId, doc.nodes);
  const saved = await createWorkflow({ ownerId, doc: { ...doc, nodes }, origin: `imported from a ${file.kind} file` });
  return repointedNodes.length ? { ...saved, repointedNodes } : saved;
}
