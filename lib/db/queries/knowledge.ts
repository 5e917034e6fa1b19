/**
 * Knowledge bases, documents and chunks. Every query is scoped by owner. Chunks carry a generated
 * `search_vector` (to_tsvector('english', content)), searched with a GIN index.
 */
import "server-only";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from "../schema";

export interface KnowledgeBaseRecord {
  id: string;
  name: string;
  description: string;
  documentCount: number;
  embeddingProvider: string | null;
  embeddingModel: string | null;
  embeddingCredentialId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface KnowledgeDocumentRecord {
  id: string;
  knowledgeBaseId: string;
  title: string;
  mimeType: string;
  sizeBytes: number;
  chunkCount: number;
  embeddingError: string | null;
  createdAt: Date;
}

export interface ChunkMatch {
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  title: string;
  content: string;
  position: number;
  /** 0–1: the text rank alone, or the hybrid score (lib/db/queries/knowledge-vectors.ts). */
  score: number;
  /**
   * The words' part, 0–1: ts_rank normalised to rank / (rank + 1); in hybrid search, the share of the
   * question's words the chunk contains.
   */
  textRank: number;
  /** Cosine similarity of the chunk's embedding to the question's (0–1); absent in full-text search. */
  similarity?: number;
}

export const baseColumns = {
  id: knowledgeBases.id,
  name: knowledgeBases.name,
  description: knowledgeBases.description,
  documentCount: knowledgeBases.documentCount,
  embeddingProvider: knowledgeBases.embeddingProvider,
  embeddingModel: knowledgeBases.embeddingModel,
  embeddingCredentialId: knowledgeBases.embeddingCredentialId,
  createdAt: knowledgeBases.createdAt,
  updatedAt: knowledgeBases.updatedAt,
};

const documentColumns = {
  id: knowledgeDocuments.id,
  knowledgeBaseId: knowledgeDocuments.knowledgeBaseId,
  title: knowledgeDocuments.title,
  mimeType: knowledgeDocuments.mimeType,
  sizeBytes: knowledgeDocuments.sizeBytes,
  chunkCount: knowledgeDocuments.chunkCount,
  embeddingError: knowledgeDocuments.embeddingError,
  createdAt: knowledgeDocuments.createdAt,
};

/** Rows per INSERT: keeps each statement's parameter count far below PostgreSQL's 65,535 limit. */
const CHUNK_INSERT_BATCH = 500;

export async function createKnowledgeBase({
  ownerId,
  name,
  description,
}: {
  ownerId: string;
  name: string;
  description: string;
}): Promise<KnowledgeBaseRecord> {
  const db = await getDb();
  const [row] = await db.insert(knowledgeBases).values({ ownerId, name, description }).returning(baseColumns);
  if (!row) throw new Error("insert into knowledge_bases returned no row");
  return row;
}

export async function listKnowledgeBases({ ownerId }: { ownerId: string }): Promise<KnowledgeBaseRecord[]> {
  const db = await getDb();
  return db
    .select(baseColumns)
    .from(knowledgeBases)
    .where(eq(knowledgeBases.ownerId, ownerId))
    .orderBy(desc(knowledgeBases.updatedAt), desc(knowledgeBases.id));
}

export async function getKnowledgeBase({
  id,
  ownerId,
}: {
  id: string;
  ownerId: string;
}): Promise<KnowledgeBaseRecord | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(baseColumns)
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.id, id), eq(knowledgeBases.ownerId, ownerId)));
  return row;
}

/** Deletes a knowledge base with its documents and chunks (foreign keys cascade). */
export async function deleteKnowledgeBase({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(knowledgeBases)
    .where(and(eq(knowledgeBases.id, id), eq(knowledgeBases.ownerId, ownerId)))
    .returning({ id: knowledgeBases.id });
  return rows.length > 0;
}

export async function listKnowledgeDocuments({
  ownerId,
  knowledgeBaseId,
}: {
  ownerId: string;
  knowledgeBaseId: string;
}): Promise<KnowledgeDocumentRecord[]> {
  const db = await getDb();
  return db
    .select(documentColumns)
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId), eq(knowledgeDocuments.ownerId, ownerId)))
    .orderBy(asc(knowledgeDocuments.createdAt), asc(knowledgeDocuments.id));
}

/**
 * Inserts a document and its chunks and bumps the base's document count, in one transaction.
 * Returns undefined when the owner has no such knowledge base (nothing is written).
 */
export async function insertDocumentWithChunks({
  ownerId,
  knowledgeBaseId,
  title,
  mimeType,
  sizeBytes,
  chunks,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  title: string;
  mimeType: string;
  sizeBytes: number;
  chunks: string[];
}): Promise<KnowledgeDocumentRecord | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Taking the row lock first orders concurrent uploads to one base and proves ownership.
    const [base] = await tx
      .update(knowledgeBases)
      .set({ documentCount: sql`${knowledgeBases.documentCount} + 1` })
      .where(and(eq(knowledgeBases.id, knowledgeBaseId), eq(knowledgeBases.ownerId, ownerId)))
      .returning({ id: knowledgeBases.id });
    if (!base) return undefined;
    const [document] = await tx
      .insert(knowledgeDocuments)
      .values({ knowledgeBaseId, ownerId, title, mimeType, sizeBytes, chunkCount: chunks.length })
      .returning(documentColumns);
    if (!document) throw new Error("insert into knowledge_documents returned no row");
    for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH) {
      await tx.insert(knowledgeChunks).values(
        chunks.slice(start, start + CHUNK_INSERT_BATCH).map((content, i) => ({
          documentId: document.id,
          knowledgeBaseId,
          ownerId,
          position: start + i,
          content,
        })),
      );
    }
    return document;
  });
}

/** Deletes a document (its chunks cascade) and decrements its base's document count, in one transaction. */
export async function deleteKnowledgeDocument({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.id, id), eq(knowledgeDocuments.ownerId, ownerId)))
      .returning({ knowledgeBaseId: knowledgeDocuments.knowledgeBaseId });
    if (!deleted) return false;
    await tx
      .update(knowledgeBases)
      .set({ documentCount: sql`greatest(${knowledgeBases.documentCount} - 1, 0)` })
      .where(and(eq(knowledgeBases.id, deleted.knowledgeBaseId), eq(knowledgeBases.ownerId, ownerId)));
    return true;
  });
}

/**
 * Full-text search over the owner's chunks, best first. `tsquery` is a tsquery SQL expression built by
 * the caller from the user's text through websearch_to_tsquery (never raw to_tsquery syntax).
 * `knowledgeBaseIds` undefined: all of the owner's bases.
 */
async function searchChunksWith({
  ownerId,
  knowledgeBaseIds,
  tsquery,
  topK,
}: {
  ownerId: string;
  knowledgeBaseIds: string[] | undefined;
  tsquery: SQL;
  topK: number;
}): Promise<ChunkMatch[]> {
  const db = await getDb();
  // Normalisation 32: rank / (rank + 1), so scores are 0–1 (the order is ts_rank's).
  const score = sql<number>`ts_rank(${knowledgeChunks.searchVector}, ${tsquery}, 32)::float8`;
  const rows = await db
    .select({
      chunkId: knowledgeChunks.id,
      documentId: knowledgeChunks.documentId,
      knowledgeBaseId: knowledgeChunks.knowledgeBaseId,
      title: knowledgeDocuments.title,
      content: knowledgeChunks.content,
      position: knowledgeChunks.position,
      score,
    })
    .from(knowledgeChunks)
    .innerJoin(knowledgeDocuments, eq(knowledgeDocuments.id, knowledgeChunks.documentId))
    .where(
      and(
        eq(knowledgeChunks.ownerId, ownerId),
        knowledgeBaseIds ? inArray(knowledgeChunks.knowledgeBaseId, knowledgeBaseIds) : undefined,
        sql`${knowledgeChunks.searchVector} @@ ${tsquery}`,
      ),
    )
    .orderBy(desc(score), asc(knowledgeChunks.documentId), asc(knowledgeChunks.position))
    .limit(topK);
  return rows.map((r) => ({ ...r, score: Number(r.score), textRank: Number(r.score) }));
}

/** Chunks matching all the query's terms (web-search syntax: quotes, `or`, `-word`). */
export async function searchChunksAllTerms(args: {
  ownerId: string;
  knowledgeBaseIds: string[] | undefined;
  query: string;
  topK: number;
}): Promise<ChunkMatch[]> {
  return searchChunksWith({ ...args, tsquery: sql`websearch_to_tsquery('english', ${args.query})` });
}

/** The tsquery matching any of the words: websearch_to_tsquery escapes and stems; " or " makes a disjunction. */
export function anyTermQuery(words: string[]): SQL {
  return sql`websearch_to_tsquery('english', ${words.join(" or ")})`;
}

/** Chunks matching any of the given words (the fallback when no chunk has them all). */
export async function searchChunksAnyTerm(args: {
  ownerId: string;
  knowledgeBaseIds: string[] | undefined;
  words: string[];
  topK: number;
}): Promise<ChunkMatch[]> {
  if (args.words.length === 0) return [];
  return searchChunksWith({ ...args, tsquery: anyTermQuery(args.words) });
}
