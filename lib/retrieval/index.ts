/**
 * Retrieval: the search over the chunks of knowledge bases (PostgreSQL full-text search, so it works on the
 * embedded database and needs no embedding model), and the chunking (./chunking.ts) the service splits
 * documents with. Creating, reading and deleting bases and documents is lib/services/knowledge.ts's.
 * Owner-scoped: another user's base is indistinguishable from a missing one.
 */
import "server-only";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { searchChunksAllTerms, searchChunksAnyTerm } from "@/lib/db/queries/knowledge";

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  title: string;
  content: string;
  score: number;
}

function clampTopK(topK: number | undefined): number {
  if (topK === undefined || !Number.isFinite(topK)) return 5;
  return Math.min(Math.max(Math.trunc(topK), 1), KNOWLEDGE_LIMITS.searchMaxTopK);
}

/** Words for the OR fallback: letters and digits only, so nothing in them is tsquery syntax. */
function queryWords(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w !== "or"))];
}

/**
 * Chunks relevant to `query`, best first. Tries chunks containing all the terms; when none does, falls
 * back to chunks containing any of them (ranked by ts_rank, so chunks with more terms come first).
 * `knowledgeBaseId` may be one id or several; omitted: all of the owner's bases.
 */
export async function searchKnowledge({
  ownerId,
  knowledgeBaseId,
  query,
  topK,
}: {
  ownerId: string;
  knowledgeBaseId?: string | string[];
  query: string;
  topK?: number;
}): Promise<KnowledgeHit[]> {
  const text = query.trim().slice(0, KNOWLEDGE_LIMITS.queryMaxLength);
  if (!text) return [];
  const knowledgeBaseIds = knowledgeBaseId === undefined ? undefined : [knowledgeBaseId].flat();
  if (knowledgeBaseIds?.length === 0) return [];
  const limit = clampTopK(topK);
  const strict = await searchChunksAllTerms({ ownerId, knowledgeBaseIds, query: text, topK: limit });
  const hits =
    strict.length > 0
      ? strict
      : await searchChunksAnyTerm({ ownerId, knowledgeBaseIds, words: queryWords(text), topK: limit });
  return hits.map(({ chunkId, documentId, knowledgeBaseId: baseId, title, content, score }) => ({
    chunkId,
    documentId,
    knowledgeBaseId: baseId,
    title,
    content,
    score,
  }));
}
