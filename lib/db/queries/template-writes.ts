/**
 * Writes to a user's own templates. Built-in templates (owner_id null) never match these queries: they are
 * readable by everyone (lib/db/queries/templates.ts) and changeable by no one.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "../client";
import { workflowTemplates, type WorkflowTemplate } from "../schema";

export interface TemplateContent {
  name: string;
  description: string;
  category: string;
  definition: { nodes: unknown[]; edges: unknown[]; metadata: Record<string, unknown> };
  defaultParams: Record<string, unknown>;
}

function ownedBy(id: string, ownerId: string) {
  return and(
    eq(workflowTemplates.id, id),
    eq(workflowTemplates.ownerId, ownerId),
    eq(workflowTemplates.isBuiltin, false),
  );
}

export async function createTemplate({
  ownerId,
  content,
}: {
  ownerId: string;
  content: TemplateContent;
}): Promise<WorkflowTemplate> {
  const db = await getDb();
  const [row] = await db
    .insert(workflowTemplates)
    .values({ ownerId, ...content, isBuiltin: false, slug: null })
    .returning();
  if (!row) throw new Error("insert into workflow_templates returned no row");
  return row;
}

/** Replaces one of the owner's templates; null when they have no such template. */
export async function updateTemplate({
  id,
  ownerId,
  content,
}: {
  id: string;
  ownerId: string;
  content: TemplateContent;
}): Promise<WorkflowTemplate | null> {
  const db = await getDb();
  const [row] = await db
    .update(workflowTemplates)
    .set({ ...content, updatedAt: new Date() })
    .where(ownedBy(id, ownerId))
    .returning();
  return row ?? null;
}

/** Deletes one of the owner's templates (definitions made from it keep their graph; template_id is set null). */
export async function deleteTemplate({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db.delete(workflowTemplates).where(ownedBy(id, ownerId)).returning({ id: workflowTemplates.id });
  return rows.length > 0;
}
