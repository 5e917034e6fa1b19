/**
 * The workflow list: a user's saved (non-temporary) definitions, newest first. Writes and single-definition
 * reads belong to the definitions service; this file only lists.
 */
import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { workflowDefinitions } from "../schema";

export interface DefinitionSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  isValid: boolean;
  templateId: string | null;
  nodeCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFINITION_LIST_MAX = 200;

export async function listDefinitions({
  ownerId,
  limit = DEFINITION_LIST_MAX,
}: {
  ownerId: string;
  limit?: number;
}): Promise<DefinitionSummary[]> {
  const db = await getDb();
  const nodes = workflowDefinitions.nodes;
  return (
    db
      .select({
        id: workflowDefinitions.id,
        name: workflowDefinitions.name,
        description: workflowDefinitions.description,
        version: workflowDefinitions.version,
        isValid: workflowDefinitions.isValid,
        templateId: workflowDefinitions.templateId,
        nodeCount:
          sql<number>`case when jsonb_typeof(${nodes}) = 'array' then jsonb_array_length(${nodes}) else 0 end`.mapWith(
            Number,
          ),
        createdAt: workflowDefinitions.createdAt,
        updatedAt: workflowDefinitions.updatedAt,
      })
      .from(workflowDefinitions)
      .where(and(eq(workflowDefinitions.ownerId, ownerId), eq(workflowDefinitions.isTemporary, false)))
      // ULIDs sort by creation time, so the id breaks ties between rows saved in the same instant.
      .orderBy(desc(workflowDefinitions.updatedAt), desc(workflowDefinitions.id))
      .limit(Math.min(Math.max(limit, 1), DEFINITION_LIST_MAX))
  );
}
