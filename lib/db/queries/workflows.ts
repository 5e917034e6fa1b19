/**
 * Saved workflows (definitions) and their versions, as the API writes and reads them. Every save adds an
 * immutable row to workflow_definition_versions in the same transaction that moves the definition to it.
 * Owner-scoped, and temporary definitions (one template run each) are not saved workflows: both are
 * indistinguishable from a missing row.
 */
import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import {
  workflowDefinitions,
  workflowDefinitionVersions,
  type WorkflowDefinition,
  type WorkflowDefinitionVersion,
} from "../schema";

/** The graph and descriptive fields a save stores (already validated against the definition schema). */
export interface DefinitionContent {
  name: string;
  description: string;
  nodes: unknown[];
  edges: unknown[];
  metadata: Record<string, unknown>;
}

export type VersionSummaryRecord = Pick<
  WorkflowDefinitionVersion,
  "version" | "name" | "summary" | "createdBy" | "createdAt"
> & {
  nodeCount: number;
};

function savedBy(id: string, ownerId: string) {
  return and(
    eq(workflowDefinitions.id, id),
    eq(workflowDefinitions.ownerId, ownerId),
    eq(workflowDefinitions.isTemporary, false),
  );
}

export async function getWorkflow({
  id,
  ownerId,
}: {
  id: string;
  ownerId: string;
}): Promise<WorkflowDefinition | null> {
  const db = await getDb();
  const [row] = await db.select().from(workflowDefinitions).where(savedBy(id, ownerId)).limit(1);
  return row ?? null;
}

/** A new definition at version 1 with its first snapshot, in one transaction. */
export async function createWorkflow({
  ownerId,
  content,
  isValid,
  templateId = null,
  summary,
}: {
  ownerId: string;
  content: DefinitionContent;
  isValid: boolean;
  templateId?: string | null;
  summary: string;
}): Promise<WorkflowDefinition> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workflowDefinitions)
      .values({ ownerId, ...content, version: 1, isValid, templateId, isTemporary: false })
      .returning();
    if (!row) throw new Error("insert into workflow_definitions returned no row");
    await tx
      .insert(workflowDefinitionVersions)
      .values({ definitionId: row.id, ownerId, version: 1, ...content, summary, createdBy: ownerId });
    return row;
  });
}

export type SaveWorkflowOutcome =
  | { status: "saved"; workflow: WorkflowDefinition }
  | { status: "not_found" }
  | { status: "conflict"; currentVersion: number };

/**
 * Saves a new version. The row is locked first, so concurrent saves get consecutive version numbers and
 * `summarize` compares against the version this save really follows. `baseVersion`: refuse (conflict) when
 * the latest version is no longer the one the caller edited.
 */
export async function saveWorkflowVersion({
  id,
  ownerId,
  content,
  isValid,
  baseVersion,
  summarize,
}: {
  id: string;
  ownerId: string;
  content: DefinitionContent;
  isValid: boolean;
  baseVersion?: number;
  summarize: (previous: DefinitionContent) => string;
}): Promise<SaveWorkflowOutcome> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(workflowDefinitions).where(savedBy(id, ownerId)).for("update").limit(1);
    if (!current) return { status: "not_found" } as const;
    if (baseVersion !== undefined && baseVersion !== current.version)
      return { status: "conflict", currentVersion: current.version } as const;
    const previous: DefinitionContent = {
      name: current.name,
      description: current.description,
      nodes: Array.isArray(current.nodes) ? current.nodes : [],
      edges: Array.isArray(current.edges) ? current.edges : [],
      metadata: (current.metadata ?? {}) as Record<string, unknown>,
    };
    const version = current.version + 1;
    const [row] = await tx
      .update(workflowDefinitions)
      .set({ ...content, version, isValid, updatedAt: new Date() })
      .where(eq(workflowDefinitions.id, id))
      .returning();
    await tx
      .insert(workflowDefinitionVersions)
      .values({ definitionId: id, ownerId, version, ...content, summary: summarize(previous), createdBy: ownerId });
    return { status: "saved", workflow: row! } as const;
  });
}

/** Deletes a definition; its versions cascade, its executions keep their rows (definition_id set null). */
export async function deleteWorkflow({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(workflowDefinitions)
    .where(savedBy(id, ownerId))
    .returning({ id: workflowDefinitions.id });
  return rows.length > 0;
}

/** Versions of one of the owner's saved definitions, newest first; null when the definition is not theirs. */
export async function listWorkflowVersions({
  definitionId,
  ownerId,
}: {
  definitionId: string;
  ownerId: string;
}): Promise<VersionSummaryRecord[] | null> {
  const db = await getDb();
  if (!(await getWorkflow({ id: definitionId, ownerId }))) return null;
  const nodes = workflowDefinitionVersions.nodes;
  return db
    .select({
      version: workflowDefinitionVersions.version,
      name: workflowDefinitionVersions.name,
      summary: workflowDefinitionVersions.summary,
      createdBy: workflowDefinitionVersions.createdBy,
      createdAt: workflowDefinitionVersions.createdAt,
      nodeCount:
        sql<number>`case when jsonb_typeof(${nodes}) = 'array' then jsonb_array_length(${nodes}) else 0 end`.mapWith(
          Number,
        ),
    })
    .from(workflowDefinitionVersions)
    .where(
      and(eq(workflowDefinitionVersions.definitionId, definitionId), eq(workflowDefinitionVersions.ownerId, ownerId)),
    )
    .orderBy(desc(workflowDefinitionVersions.version));
}

export async function getWorkflowVersion({
  definitionId,
  ownerId,
  version,
}: {
  definitionId: string;
  ownerId: string;
  version: number;
}): Promise<WorkflowDefinitionVersion | null> {
  const db = await getDb();
  if (!(await getWorkflow({ id: definitionId, ownerId }))) return null;
  const [row] = await db
    .select()
    .from(workflowDefinitionVersions)
    .where(
      and(
        eq(workflowDefinitionVersions.definitionId, definitionId),
        eq(workflowDefinitionVersions.ownerId, ownerId),
        eq(workflowDefinitionVersions.version, version),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Ids of the owner's saved definitions: what their subworkflow nodes may call. */
export async function listWorkflowIds({ ownerId }: { ownerId: string }): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: workflowDefinitions.id })
    .from(workflowDefinitions)
    .where(and(eq(workflowDefinitions.ownerId, ownerId), eq(workflowDefinitions.isTemporary, false)));
  return rows.map((r) => r.id);
}
