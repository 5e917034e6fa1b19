/**
 * The latest run of each of a user's saved workflows, for the workflow list's "last run" column.
 * One query for the whole list (DISTINCT ON per definition), not one per row.
 */
import "server-only";
import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { workflowExecutions } from "../schema";

export interface LastRun {
  definitionId: string;
  executionId: string;
  status: string;
  /** When it started (or was created, if it never started). */
  at: Date;
  durationMs: number | null;
}

export async function listLastRunsByDefinition({
  ownerId,
  definitionIds,
}: {
  ownerId: string;
  definitionIds: readonly string[];
}): Promise<LastRun[]> {
  if (definitionIds.length === 0) return [];
  const db = await getDb();
  const at = sql<Date>`coalesce(${workflowExecutions.startedAt}, ${workflowExecutions.createdAt})`;
  const rows = await db
    .selectDistinctOn([workflowExecutions.definitionId], {
      definitionId: workflowExecutions.definitionId,
      executionId: workflowExecutions.id,
      status: workflowExecutions.status,
      at: at.mapWith((value: unknown) => (value instanceof Date ? value : new Date(String(value)))),
      durationMs: workflowExecutions.executionTimeMs,
    })
    .from(workflowExecutions)
    .where(
      and(
        eq(workflowExecutions.ownerId, ownerId),
        isNotNull(workflowExecutions.definitionId),
        inArray(workflowExecutions.definitionId, [...definitionIds]),
      ),
    )
    // Newest first within each definition; ULIDs break ties between runs started in the same instant.
    .orderBy(workflowExecutions.definitionId, desc(at), desc(workflowExecutions.id));
  return rows.map((row) => ({ ...row, definitionId: row.definitionId! }));
}
