/**
 * Template reads. A user sees the built-in templates (owner_id null) plus their own; nobody else's.
 */
import "server-only";
import { and, asc, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { workflowTemplates, type WorkflowTemplate } from "../schema";

/** What a list of templates shows: everything but the graph itself, which can be large. */
export interface TemplateSummary {
  id: string;
  slug: string | null;
  name: string;
  description: string;
  category: string;
  isBuiltin: boolean;
  ownerId: string | null;
  nodeCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Built-ins are readable by everyone; a user's own templates by that user only. */
function visibleTo(ownerId: string): SQL {
  return or(isNull(workflowTemplates.ownerId), eq(workflowTemplates.ownerId, ownerId))!;
}

/** Built-in templates first (by name), then the owner's own, newest first. */
export async function listTemplates({ ownerId }: { ownerId: string }): Promise<TemplateSummary[]> {
  const db = await getDb();
  const nodes = sql`${workflowTemplates.definition} -> 'nodes'`;
  return db
    .select({
      id: workflowTemplates.id,
      slug: workflowTemplates.slug,
      name: workflowTemplates.name,
      description: workflowTemplates.description,
      category: workflowTemplates.category,
      isBuiltin: workflowTemplates.isBuiltin,
      ownerId: workflowTemplates.ownerId,
      // Counted in SQL so the list never ships whole graphs; a malformed graph counts as empty.
      nodeCount:
        sql<number>`case when jsonb_typeof(${nodes}) = 'array' then jsonb_array_length(${nodes}) else 0 end`.mapWith(
          Number,
        ),
      createdAt: workflowTemplates.createdAt,
      updatedAt: workflowTemplates.updatedAt,
    })
    .from(workflowTemplates)
    .where(visibleTo(ownerId))
    .orderBy(
      desc(workflowTemplates.isBuiltin),
      // Built-ins are a fixed catalogue read alphabetically; a user's own are a work list, newest first.
      asc(sql`case when ${workflowTemplates.isBuiltin} then ${workflowTemplates.name} end`),
      desc(workflowTemplates.updatedAt),
      desc(workflowTemplates.id),
    );
}

/** One template with its graph, or null when it does not exist or belongs to someone else. */
export async function getTemplate({ id, ownerId }: { id: string; ownerId: string }): Promise<WorkflowTemplate | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowTemplates)
    .where(and(eq(workflowTemplates.id, id), visibleTo(ownerId)))
    .limit(1);
  return row ?? null;
}

/** A built-in template by its stable slug (e.g. "universal-chat"), or null. Built-ins are readable by all. */
export async function getTemplateBySlug({ slug }: { slug: string }): Promise<WorkflowTemplate | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowTemplates)
    .where(and(eq(workflowTemplates.slug, slug), isNull(workflowTemplates.ownerId)))
    .limit(1);
  return row ?? null;
}
