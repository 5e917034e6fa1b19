/**
 * What each of the owner's knowledge bases holds, summed over its documents: chunks (the passages search
 * returns) and bytes of source text. The knowledge list shows them; the base row only counts documents.
 */
import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { knowledgeDocuments } from "../schema";

export interface KnowledgeBaseTotals {
  chunkCount: number;
  sizeBytes: number;
}

/** Totals by knowledge base id; a base without documents is absent (read it as zeros). */
export async function listKnowledgeBaseTotals({
  ownerId,
}: {
  ownerId: string;
}): Promise<Map<string, KnowledgeBaseTotals>> {
  const db = await getDb();
  const rows = await db
    .select({
      knowledgeBaseId: knowledgeDocuments.knowledgeBaseId,
      // Summed as bigint (many large documents overflow int4); a JS number holds it exactly up to 2^53.
      chunkCount: sql<string>`coalesce(sum(${knowledgeDocuments.chunkCount}), 0)::bigint`,
      sizeBytes: sql<string>`coalesce(sum(${knowledgeDocuments.sizeBytes}), 0)::bigint`,
    })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.ownerId, ownerId))
    .groupBy(knowledgeDocuments.knowledgeBaseId);
  return new Map(
    rows.map((r) => [r.knowledgeBaseId, { chunkCount: Number(r.chunkCount), sizeBytes: Number(r.sizeBytes) }]),
  );
}
