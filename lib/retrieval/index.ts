/**
 * Retrieval: knowledge bases of documents split into chunks in Postgres, searched with PostgreSQL
 * full-text search (works on the embedded database, needs no embedding model). Everything is owner-scoped:
 * another user's base is indistinguishable from a missing one.
 */
import "server-only";
import { AppError } from "@/lib/errors";
import {
  countDocumentChunks,
  createKnowledgeBase as insertKnowledgeBase,
  deleteKnowledgeBase as removeKnowledgeBase,
  deleteKnowledgeDocument,
  getKnowledgeBase,
  insertDocumentWithChunks,
  listKnowledgeBases as selectKnowledgeBases,
  listKnowledgeDocuments,
  searchChunksAllTerms,
  searchChunksAnyTerm,
  type KnowledgeBaseRecord,
  type KnowledgeDocumentRecord,
} from "@/lib/db/queries/knowledge";
import { splitIntoChunks, type ChunkOptions } from "./chunking";

export type { KnowledgeBaseRecord, KnowledgeDocumentRecord };
export { splitIntoChunks } from "./chunking";

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  title: string;
  content: string;
  score: number;
}

export const RETRIEVAL_LIMITS = {
  maxTopK: 50,
  maxQueryLength: 1000,
  /** Characters of extracted text per document (about 500 pages). */
  maxDocumentChars: 2_000_000,
  maxTitleLength: 300,
  maxNameLength: 200,
} as const;

function clampTopK(topK: number | undefined): number {
  if (topK === undefined || !Number.isFinite(topK)) return 5;
  return Math.min(Math.max(Math.trunc(topK), 1), RETRIEVAL_LIMITS.maxTopK);
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
  const text = query.trim().slice(0, RETRIEVAL_LIMITS.maxQueryLength);
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

export async function createKnowledgeBase({
  ownerId,
  name,
  description = "",
}: {
  ownerId: string;
  name: string;
  description?: string;
}): Promise<KnowledgeBaseRecord> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > RETRIEVAL_LIMITS.maxNameLength) {
    throw new AppError(
      "validation:knowledge_base",
      `A knowledge base name must have 1 to ${RETRIEVAL_LIMITS.maxNameLength} characters.`,
      {
        issues: [{ path: "name", message: `must have 1 to ${RETRIEVAL_LIMITS.maxNameLength} characters` }],
      },
    );
  }
  return insertKnowledgeBase({ ownerId, name: trimmed, description });
}

export async function listKnowledgeBases({ ownerId }: { ownerId: string }): Promise<KnowledgeBaseRecord[]> {
  return selectKnowledgeBases({ ownerId });
}

export async function listDocuments({
  ownerId,
  knowledgeBaseId,
}: {
  ownerId: string;
  knowledgeBaseId: string;
}): Promise<KnowledgeDocumentRecord[]> {
  if (!(await getKnowledgeBase({ id: knowledgeBaseId, ownerId }))) throw knowledgeBaseNotFound(knowledgeBaseId);
  return listKnowledgeDocuments({ ownerId, knowledgeBaseId });
}

/** Splits the text into overlapping chunks and stores document and chunks in one transaction. */
export async function addDocument({
  ownerId,
  knowledgeBaseId,
  title,
  text,
  mimeType = "text/plain",
  chunking,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  title: string;
  text: string;
  mimeType?: string;
  chunking?: ChunkOptions;
}): Promise<KnowledgeDocumentRecord> {
  const cleanTitle = title.trim().slice(0, RETRIEVAL_LIMITS.maxTitleLength) || "Untitled document";
  if (text.length > RETRIEVAL_LIMITS.maxDocumentChars) {
    throw new AppError(
      "payload_too_large:knowledge_document",
      `A document may hold at most ${RETRIEVAL_LIMITS.maxDocumentChars} characters of text.`,
    );
  }
  // Postgres text cannot hold NUL; other control characters are noise for search.
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, " ");
  const chunks = splitIntoChunks(clean, chunking);
  if (chunks.length === 0) {
    throw new AppError("validation:knowledge_document", "The document has no text to index.", {
      issues: [{ path: "text", message: "must contain some text" }],
    });
  }
  const document = await insertDocumentWithChunks({
    ownerId,
    knowledgeBaseId,
    title: cleanTitle,
    mimeType,
    sizeBytes: Buffer.byteLength(text, "utf8"),
    chunks,
  });
  if (!document) throw knowledgeBaseNotFound(knowledgeBaseId);
  return document;
}

export async function deleteDocument({ ownerId, documentId }: { ownerId: string; documentId: string }): Promise<void> {
  if (!(await deleteKnowledgeDocument({ id: documentId, ownerId }))) {
    throw new AppError("not_found:knowledge_document", `Document ${documentId} was not found.`);
  }
}

export async function deleteKnowledgeBase({
  ownerId,
  knowledgeBaseId,
}: {
  ownerId: string;
  knowledgeBaseId: string;
}): Promise<void> {
  if (!(await removeKnowledgeBase({ id: knowledgeBaseId, ownerId }))) throw knowledgeBaseNotFound(knowledgeBaseId);
}

/** Chunks stored for a document (for the documents list and tests of cascades). */
export async function getDocumentChunkCount({
  ownerId,
  documentId,
}: {
  ownerId: string;
  documentId: string;
}): Promise<number> {
  return countDocumentChunks({ documentId, ownerId });
}

function knowledgeBaseNotFound(id: string): AppError {
  return new AppError("not_found:knowledge_base", `Knowledge base ${id} was not found.`);
}
