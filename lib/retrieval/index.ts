/**
 * Retrieval: the search over the chunks of knowledge bases, and the chunking (./chunking.ts) the service splits
 * documents with. A base without an embeddings model is searched by PostgreSQL full-text search (works on the
 * embedded database, needs no model); a base with one by hybrid search: the question is embedded with the
 * base's model (./embeddings.ts) and passages ranked by meaning and words together, scores 0–1
 * (lib/db/queries/knowledge-vectors.ts). Creating, reading and deleting bases and documents is
 * lib/services/knowledge.ts's. Owner-scoped: another user's base is indistinguishable from a missing one.
 */
import "server-only";
import { EMBEDDING_PROVIDER_IDS, type EmbeddingProviderId, KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { searchChunksAllTerms, searchChunksAnyTerm, type ChunkMatch } from "@/lib/db/queries/knowledge";
import { embeddingModelsOfBases, searchChunksHybrid } from "@/lib/db/queries/knowledge-vectors";
import { isAppError } from "@/lib/errors";
import { embeddingConnection, embeddingKey, embedTexts, type EmbeddingModelRef } from "./embeddings";

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  title: string;
  content: string;
  /** 0–1, higher is better: the hybrid score, or the full-text rank where the base has no embeddings model. */
  score: number;
  textRank: number;
  similarity?: number;
}

export interface KnowledgeSearch {
  hits: KnowledgeHit[];
  /** hybrid: at least one base was searched by meaning too; full-text: words only. */
  mode: "hybrid" | "full-text";
  /** Why bases with an embeddings model were searched by words only (their model's server failed). */
  warning?: string;
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

/** Full-text search: chunks containing all the terms; when none does, chunks containing any of them. */
async function searchFullText(args: {
  ownerId: string;
  knowledgeBaseIds: string[] | undefined;
  text: string;
  limit: number;
}): Promise<ChunkMatch[]> {
  const { ownerId, knowledgeBaseIds, text, limit } = args;
  const strict = await searchChunksAllTerms({ ownerId, knowledgeBaseIds, query: text, topK: limit });
  if (strict.length > 0) return strict;
  return searchChunksAnyTerm({ ownerId, knowledgeBaseIds, words: queryWords(text), topK: limit });
}

function isProvider(id: string): id is EmbeddingProviderId {
  return (EMBEDDING_PROVIDER_IDS as readonly string[]).includes(id);
}

/**
 * Chunks relevant to `query`, best first, with how they were found. Bases without an embeddings model: full
 * text (all terms, else any term, ranked by ts_rank). Bases with one, grouped by model: the question embedded
 * once per model, then hybrid ranking. When a model's server fails, its bases fall back to full text and
 * `warning` says why (a run keeps going; "Test retrieval" shows it).
 * `knowledgeBaseId` may be one id or several; omitted: all of the owner's bases.
 */
export async function searchKnowledgeWithMode({
  ownerId,
  knowledgeBaseId,
  query,
  topK,
  signal,
}: {
  ownerId: string;
  knowledgeBaseId?: string | string[];
  query: string;
  topK?: number;
  signal?: AbortSignal;
}): Promise<KnowledgeSearch> {
  const text = query.trim().slice(0, KNOWLEDGE_LIMITS.queryMaxLength);
  if (!text) return { hits: [], mode: "full-text" };
  const knowledgeBaseIds = knowledgeBaseId === undefined ? undefined : [knowledgeBaseId].flat();
  if (knowledgeBaseIds?.length === 0) return { hits: [], mode: "full-text" };
  const limit = clampTopK(topK);
  const bases = await embeddingModelsOfBases({ ownerId, knowledgeBaseIds });
  if (bases.every((b) => b.provider === null)) {
    return { hits: toHits(await searchFullText({ ownerId, knowledgeBaseIds, text, limit })), mode: "full-text" };
  }
  const groups = new Map<string, { ref: EmbeddingModelRef; baseIds: string[] }>();
  const fullTextIds: string[] = [];
  for (const base of bases) {
    if (!base.provider || !base.model || !isProvider(base.provider)) {
      fullTextIds.push(base.id);
      continue;
    }
    const ref = { provider: base.provider, model: base.model, credentialId: base.credentialId };
    // One question embedding per model and connection (a credential's server, or the server's provider).
    const group = `${embeddingKey(ref)} ${ref.credentialId ?? ""}`;
    const entry = groups.get(group) ?? { ref, baseIds: [] };
    entry.baseIds.push(base.id);
    groups.set(group, entry);
  }
  const words = queryWords(text);
  const matches: ChunkMatch[] = [];
  let warning: string | undefined;
  for (const { ref, baseIds } of groups.values()) {
    const key = embeddingKey(ref);
    let vector: number[];
    try {
      const connection = await embeddingConnection(ownerId, ref);
      [vector] = (await embedTexts(ref, [text], { signal, ...(connection ? { connection } : {}) })) as [number[]];
    } catch (error) {
      if (!isAppError(error)) throw error;
      warning = `${error.message} Searched by words only.`;
      fullTextIds.push(...baseIds);
      continue;
    }
    matches.push(
      ...(await searchChunksHybrid({ ownerId, knowledgeBaseIds: baseIds, key, vector, words, topK: limit })),
    );
  }
  const hybrid = fullTextIds.length < bases.length;
  if (fullTextIds.length > 0) {
    matches.push(...(await searchFullText({ ownerId, knowledgeBaseIds: fullTextIds, text, limit })));
  }
  matches.sort((a, b) => b.score - a.score);
  return {
    hits: toHits(matches.slice(0, limit)),
    mode: hybrid ? "hybrid" : "full-text",
    ...(warning ? { warning } : {}),
  };
}

function toHits(matches: ChunkMatch[]): KnowledgeHit[] {
  return matches.map(({ chunkId, documentId, knowledgeBaseId, title, content, score, textRank, similarity }) => ({
    chunkId,
    documentId,
    knowledgeBaseId,
    title,
    content,
    score,
    textRank,
    ...(similarity === undefined ? {} : { similarity }),
  }));
}

/** The passages for `query`, best first (the retrieval node and the knowledge-search tool): see searchKnowledgeWithMode. */
export async function searchKnowledge(args: {
  ownerId: string;
  knowledgeBaseId?: string | string[];
  query: string;
  topK?: number;
  signal?: AbortSignal;
}): Promise<KnowledgeHit[]> {
  return (await searchKnowledgeWithMode(args)).hits;
}
