/**
 * Knowledge-base embeddings: a base's model, its chunks' vectors (real[], L2-normalised, with the
 * "provider:model" key that made them), per-document embedding errors, progress counts, and the hybrid search.
 * Vectors are compared with pgvector where the database has it (`real[]::vector`, inner product) and in plain
 * SQL otherwise (a dot product over unnest): the same ranking, the second slower. Every query is owner-scoped.
 */
import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, ne, notInArray, or, sql } from "drizzle-orm";
import { HYBRID_WEIGHTS } from "@/lib/contracts/knowledge";
import { getDb, getDbHandle, rowsOf } from "../client";
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from "../schema";
import { vectorsByPgvector } from "../vector";
import { anyTermQuery, baseColumns, type ChunkMatch, type KnowledgeBaseRecord } from "./knowledge";

export interface EmbeddingModelRecord {
  provider: string;
  model: string;
  credentialId: string | null;
}

/** Sets (or clears) a base's embeddings model; the documents' old embedding errors go with the old model. */
export async function setKnowledgeBaseEmbeddingModel({
  ownerId,
  id,
  model,
}: {
  ownerId: string;
  id: string;
  model: EmbeddingModelRecord | null;
}): Promise<KnowledgeBaseRecord | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(knowledgeBases)
      .set({
        embeddingProvider: model?.provider ?? null,
        embeddingModel: model?.model ?? null,
        embeddingCredentialId: model?.credentialId ?? null,
      })
      .where(and(eq(knowledgeBases.id, id), eq(knowledgeBases.ownerId, ownerId)))
      .returning(baseColumns);
    if (!row) return undefined;
    await tx
      .update(knowledgeDocuments)
      .set({ embeddingError: null })
      .where(and(eq(knowledgeDocuments.knowledgeBaseId, id), eq(knowledgeDocuments.ownerId, ownerId)));
    return row;
  });
}

/** The owner's bases (all of them when `knowledgeBaseIds` is undefined) with their embeddings model, if any. */
export async function embeddingModelsOfBases({
  ownerId,
  knowledgeBaseIds,
}: {
  ownerId: string;
  knowledgeBaseIds: string[] | undefined;
}): Promise<Array<{ id: string; provider: string | null; model: string | null; credentialId: string | null }>> {
  const db = await getDb();
  return db
    .select({
      id: knowledgeBases.id,
      provider: knowledgeBases.embeddingProvider,
      model: knowledgeBases.embeddingModel,
      credentialId: knowledgeBases.embeddingCredentialId,
    })
    .from(knowledgeBases)
    .where(
      and(
        eq(knowledgeBases.ownerId, ownerId),
        knowledgeBaseIds ? inArray(knowledgeBases.id, knowledgeBaseIds) : undefined,
      ),
    );
}

/**
 * The next chunks of a base (or of one document) not yet embedded with `key`, in document order, leaving out
 * documents that failed in this pass.
 */
export async function chunksToEmbed({
  ownerId,
  knowledgeBaseId,
  key,
  documentId,
  skipDocumentIds = [],
  limit,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  key: string;
  documentId?: string;
  skipDocumentIds?: string[];
  limit: number;
}): Promise<Array<{ id: string; documentId: string; content: string }>> {
  const db = await getDb();
  return db
    .select({ id: knowledgeChunks.id, documentId: knowledgeChunks.documentId, content: knowledgeChunks.content })
    .from(knowledgeChunks)
    .where(
      and(
        eq(knowledgeChunks.ownerId, ownerId),
        eq(knowledgeChunks.knowledgeBaseId, knowledgeBaseId),
        documentId ? eq(knowledgeChunks.documentId, documentId) : undefined,
        skipDocumentIds.length ? notInArray(knowledgeChunks.documentId, skipDocumentIds) : undefined,
        or(isNull(knowledgeChunks.embeddingKey), ne(knowledgeChunks.embeddingKey, key)),
      ),
    )
    .orderBy(asc(knowledgeChunks.documentId), asc(knowledgeChunks.position))
    .limit(limit);
}

/** Stores chunks' vectors and the key that made them, in one statement. */
export async function saveChunkEmbeddings({
  ownerId,
  key,
  rows,
}: {
  ownerId: string;
  key: string;
  rows: Array<{ id: string; embedding: number[] }>;
}): Promise<void> {
  if (rows.length === 0) return;
  const db = await getDb();
  // One JSON parameter: jsonb_to_recordset turns each row's number array into real[].
  await db.execute(sql`
    update knowledge_chunks c set embedding = v.embedding, embedding_key = ${key}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id varchar, embedding real[])
    where c.id = v.id and c.owner_id = ${ownerId}`);
}

/** Records (or clears, with null) why documents' chunks could not be embedded. */
export async function setDocumentsEmbeddingError({
  ownerId,
  documentIds,
  error,
}: {
  ownerId: string;
  documentIds: string[];
  error: string | null;
}): Promise<void> {
  if (documentIds.length === 0) return;
  const db = await getDb();
  await db
    .update(knowledgeDocuments)
    .set({ embeddingError: error })
    .where(and(inArray(knowledgeDocuments.id, documentIds), eq(knowledgeDocuments.ownerId, ownerId)));
}

/** A base's chunks, those embedded with `key`, and its documents whose embedding failed. */
export async function embeddingProgress({
  ownerId,
  knowledgeBaseId,
  key,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  key: string | null;
}): Promise<{
  totalChunks: number;
  embeddedChunks: number;
  failedDocuments: Array<{ documentId: string; title: string; error: string }>;
}> {
  const db = await getDb();
  const [counts] = await db
    .select({
      total: sql<number>`count(*)::int`,
      embedded: sql<number>`(count(*) filter (where ${knowledgeChunks.embeddingKey} = ${key ?? ""}))::int`,
    })
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.ownerId, ownerId), eq(knowledgeChunks.knowledgeBaseId, knowledgeBaseId)));
  const failed = await db
    .select({
      documentId: knowledgeDocuments.id,
      title: knowledgeDocuments.title,
      error: knowledgeDocuments.embeddingError,
    })
    .from(knowledgeDocuments)
    .where(
      and(
        eq(knowledgeDocuments.ownerId, ownerId),
        eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId),
        isNotNull(knowledgeDocuments.embeddingError),
      ),
    )
    .orderBy(asc(knowledgeDocuments.createdAt), asc(knowledgeDocuments.id));
  return {
    totalChunks: Number(counts?.total ?? 0),
    embeddedChunks: Number(counts?.embedded ?? 0),
    failedDocuments: failed.map((d) => ({ documentId: d.documentId, title: d.title, error: d.error ?? "" })),
  };
}

/** Words of a question that count towards the words' part of a hybrid score (the rest are ignored). */
const HYBRID_MAX_TERMS = 32;

interface HybridRow {
  chunk_id: string;
  document_id: string;
  knowledge_base_id: string;
  title: string;
  content: string;
  position: number;
  similarity: number | string | null;
  text_rank: number | string;
  score: number | string;
}

/**
 * Hybrid search over bases that share one embeddings model: every chunk embedded with `key` (and of the
 * question's dimension) or matching any of the words is scored HYBRID_WEIGHTS.similarity × cosine similarity
 * (below 0: 0) + HYBRID_WEIGHTS.text × the share of the question's words it contains, and the best `topK`
 * with a score above 0 come back.
 * An exact scan of the bases' chunks (no ANN index: dimensions vary by model), correct on every backend.
 */
export async function searchChunksHybrid({
  ownerId,
  knowledgeBaseIds,
  key,
  vector,
  words,
  topK,
}: {
  ownerId: string;
  knowledgeBaseIds: string[];
  key: string;
  vector: number[];
  words: string[];
  topK: number;
}): Promise<ChunkMatch[]> {
  if (knowledgeBaseIds.length === 0 || vector.length === 0) return [];
  const handle = await getDbHandle();
  const pgvector = await vectorsByPgvector(handle);
  const dot = pgvector
    ? sql`-(c.embedding::vector <#> ${`[${vector.join(",")}]`}::vector)`
    : sql`(select sum(a * b) from unnest(c.embedding, ${`{${vector.join(",")}}`}::real[]) as v(a, b))`;
  const tsquery = words.length > 0 ? anyTermQuery(words) : null;
  // The words' part: the share of the question's words (stop words aside) the passage contains — 1 when it has
  // them all — so 0.3 × it weighs as much as it says (ts_rank's values, a few hundredths, would not).
  const terms = words.slice(0, HYBRID_MAX_TERMS);
  const termQueries = sql`(select q from unnest(array[${sql.join(
    terms.map((t) => sql`${t}`),
    sql`, `,
  )}]::text[]) as w, plainto_tsquery('english', w) as q where numnode(q) > 0)`;
  const textRank = terms.length
    ? sql`coalesce((select count(*) from ${termQueries} t where c.search_vector @@ t.q)::float8
        / nullif((select count(*) from ${termQueries} t), 0), 0)`
    : sql`0`;
  const textMatch = tsquery ? sql`c.search_vector @@ ${tsquery}` : sql`false`;
  const rows = rowsOf<HybridRow>(
    await handle.db.execute(sql`
      select *, (${HYBRID_WEIGHTS.similarity}::float8 * coalesce(similarity, 0)
                 + ${HYBRID_WEIGHTS.text}::float8 * text_rank) as score
      from (
        select c.id as chunk_id, c.document_id, c.knowledge_base_id, d.title, c.content, c.position,
          case when c.embedding_key = ${key} and cardinality(c.embedding) = ${vector.length}
            then greatest(${dot}, 0)::float8 end as similarity,
          (${textRank})::float8 as text_rank
        from knowledge_chunks c
        join knowledge_documents d on d.id = c.document_id
        where c.owner_id = ${ownerId}
          and c.knowledge_base_id in ${knowledgeBaseIds}
          and (c.embedding_key = ${key} or ${textMatch})
      ) candidates
      where coalesce(similarity, 0) > 0 or text_rank > 0
      order by score desc, document_id, position
      limit ${topK}`),
  );
  return rows.map((r) => ({
    chunkId: r.chunk_id,
    documentId: r.document_id,
    knowledgeBaseId: r.knowledge_base_id,
    title: r.title,
    content: r.content,
    position: Number(r.position),
    score: Number(r.score),
    textRank: Number(r.text_rank),
    ...(r.similarity === null ? {} : { similarity: Number(r.similarity) }),
  }));
}
