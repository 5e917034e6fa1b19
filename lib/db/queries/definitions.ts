/**
 * Definition reads and writes the engine needs: a definition's graph (latest or a given version), and the
 * temporary definitions that template runs instantiate. Owner-scoped: another user's definition is
 * indistinguishable from a missing one.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "../client";
import { workflowDefinitions, workflowDefinitionVersions } from "../schema";

export interface DefinitionGraphRecord {
  id: string;
  ownerId: string;
  name: string;
  version: number;
  isTemporary: boolean;
  templateId: string | null;
  /** Stored JSON, to be parsed by the definition schema before use. */
  nodes: unknown;
  edges: unknown;
  metadata: unknown;
}

/** The definition's graph at `version` (default: the latest), or null. */
export async function getDefinition({
  id,
  ownerId,
  version,
}: {
  id: string;
  ownerId: string;
  version?: number;
}): Promise<DefinitionGraphRecord | null> {
  const db = await getDb();
  const [current] = await db
    .select()
    .from(workflowDefinitions)
    .where(and(eq(workflowDefinitions.id, id), eq(workflowDefinitions.ownerId, ownerId)))
    .limit(1);
  if (!current) return null;
  const base = {
    id: current.id,
    ownerId: current.ownerId,
    isTemporary: current.isTemporary,
    templateId: current.templateId,
  };
  if (version === undefined || version === current.version) {
    return {
      ...base,
      name: current.name,
      version: current.version,
      nodes: current.nodes,
      edges: current.edges,
      metadata: current.metadata,
    };
  }
  const [snapshot] = await db
    .select()
    .from(workflowDefinitionVersions)
    .where(
      and(
        eq(workflowDefinitionVersions.definitionId, id),
        eq(workflowDefinitionVersions.ownerId, ownerId),
        eq(workflowDefinitionVersions.version, version),
      ),
    )
    .limit(1);
  if (!snapshot) return null;
  return {
    ...base,
    name: snapshot.name,
    version: snapshot.version,
    nodes: snapshot.nodes,
    edges: snapshot.edges,
    metadata: snapshot.metadata,
  };
}

/**
 * A definition instantiated from a template for one run (is_temporary; pruned later), with its version-1
 * snapshot, in one transaction.
 */
export async function createTemporaryDefinition({
  ownerId,
  templateId,
  name,
  graph,
}: {
  ownerId: string;
  templateId: string | null;
  name: string;
  graph: { nodes: unknown[]; edges: unknown[]; metadata: Record<string, unknown> };
}): Promise<{ id: string; version: number }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workflowDefinitions)
      .values({
        ownerId,
        name: name.slice(0, 200),
        nodes: graph.nodes,
        edges: graph.edges,
        metadata: graph.metadata,
        version: 1,
        isTemporary: true,
        isValid: true,
        templateId,
      })
      .returning({ id: workflowDefinitions.id, version: workflowDefinitions.version });
    await tx.insert(workflowDefinitionVersions).values({
      definitionId: row!.id,
      ownerId,
      version: 1,
      name: name.slice(0, 200),
      nodes: graph.nodes,
      edges: graph.edges,
      metadata: graph.metadata,
      summary: "Instantiated from a template for one run",
      createdBy: ownerId,
    });
    return { id: row!.id, version: row!.version };
  });
}
