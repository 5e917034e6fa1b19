/**
 * Knowledge bases: list, create, read with documents, delete, and documents added as pasted text or
 * uploaded files (.txt, .md, .pdf), split into chunks (lib/retrieval/chunking.ts) and stored with them.
 * "Test retrieval" runs lib/retrieval's search. Every limit is KNOWLEDGE_LIMITS (lib/contracts/knowledge.ts).
 * Owner-scoped: another user's base is indistinguishable from a missing one.
 */
import "server-only";
import path from "node:path";
import {
  createKnowledgeBase as insertKnowledgeBase,
  deleteKnowledgeBase as removeKnowledgeBase,
  deleteKnowledgeDocument as removeKnowledgeDocument,
  getKnowledgeBase,
  insertDocumentWithChunks,
  listKnowledgeBases as selectKnowledgeBases,
  listKnowledgeDocuments,
  type KnowledgeBaseRecord,
  type KnowledgeDocumentRecord,
} from "@/lib/db/queries/knowledge";
import { setKnowledgeBaseEmbeddingModel } from "@/lib/db/queries/knowledge-vectors";
import {
  listKnowledgeBaseTotals as selectKnowledgeBaseTotals,
  type KnowledgeBaseTotals,
} from "@/lib/db/queries/knowledge-totals";
import { AppError, issuesFromZod } from "@/lib/errors";
import {
  createKnowledgeBaseBodySchema,
  KNOWLEDGE_FILE_TYPES,
  KNOWLEDGE_LIMITS,
  type EmbeddingModelDto,
  type KnowledgeBaseDto,
  type KnowledgeDocumentDto,
  type KnowledgeSearchResponse,
} from "@/lib/contracts/knowledge";
import { searchKnowledgeWithMode } from "@/lib/retrieval";
import { splitIntoChunks, type ChunkOptions } from "@/lib/retrieval/chunking";
import { assertEmbeddingProvider, embedNewDocument, embeddingModelOf } from "./knowledge-embeddings";

export type { KnowledgeBaseTotals };

export function toKnowledgeBase(row: KnowledgeBaseRecord): KnowledgeBaseDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    documentCount: row.documentCount,
    embeddingModel: embeddingModelOf(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toKnowledgeDocument(row: KnowledgeDocumentRecord): KnowledgeDocumentDto {
  return {
    id: row.id,
    knowledgeBaseId: row.knowledgeBaseId,
    title: row.title,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    chunkCount: row.chunkCount,
    embeddingError: row.embeddingError,
    createdAt: row.createdAt.toISOString(),
  };
}

function knowledgeBaseNotFound(): AppError {
  return new AppError("not_found:knowledge_base", "No such knowledge base.");
}

/** The 404 the writes (delete a base, add or delete a document) have always answered with: it names the id. */
function knowledgeBaseIdNotFound(id: string): AppError {
  return new AppError("not_found:knowledge_base", `Knowledge base ${id} was not found.`);
}

export async function listKnowledgeBases({ ownerId }: { ownerId: string }): Promise<KnowledgeBaseDto[]> {
  return (await selectKnowledgeBases({ ownerId })).map(toKnowledgeBase);
}

/** Chunks and bytes of source text per knowledge base id; a base without documents is absent (zeros). */
export async function listKnowledgeBaseTotals({
  ownerId,
}: {
  ownerId: string;
}): Promise<Map<string, KnowledgeBaseTotals>> {
  return selectKnowledgeBaseTotals({ ownerId });
}

/** Creates an empty knowledge base; name and description as the API's schema takes them (the name trimmed). */
export async function createKnowledgeBase({
  ownerId,
  name,
  description,
}: {
  ownerId: string;
  name: string;
  description?: string;
}): Promise<KnowledgeBaseDto> {
  const parsed = createKnowledgeBaseBodySchema.safeParse({ name, description });
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues);
    const first = issues[0]!;
    throw new AppError("validation:knowledge_base", `Invalid knowledge base: ${first.path}: ${first.message}`, {
      issues,
    });
  }
  return toKnowledgeBase(await insertKnowledgeBase({ ownerId, ...parsed.data }));
}

export async function getKnowledgeBaseWithDocuments({
  ownerId,
  id,
}: {
  ownerId: string;
  id: string;
}): Promise<{ knowledgeBase: KnowledgeBaseDto; documents: KnowledgeDocumentDto[] }> {
  const base = await getKnowledgeBase({ id, ownerId });
  if (!base) throw knowledgeBaseNotFound();
  const documents = await listKnowledgeDocuments({ ownerId, knowledgeBaseId: id });
  return { knowledgeBase: toKnowledgeBase(base), documents: documents.map(toKnowledgeDocument) };
}

/**
 * Chooses (or clears, with null) the base's embeddings model. Its passages are not re-embedded here: that is an
 * explicit action (startReembedding) with progress; until then a search ranks only those the model embedded
 * by meaning (the rest by their words).
 */
export async function updateKnowledgeBase({
  ownerId,
  id,
  embeddingModel,
}: {
  ownerId: string;
  id: string;
  embeddingModel: EmbeddingModelDto | null;
}): Promise<KnowledgeBaseDto> {
  if (embeddingModel) await assertEmbeddingProvider(ownerId, embeddingModel);
  const row = await setKnowledgeBaseEmbeddingModel({
    ownerId,
    id,
    model: embeddingModel ? { ...embeddingModel, credentialId: embeddingModel.credentialId ?? null } : null,
  });
  if (!row) throw knowledgeBaseIdNotFound(id);
  return toKnowledgeBase(row);
}

/** Deletes a knowledge base with its documents and their chunks. */
export async function deleteKnowledgeBase({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  if (!(await removeKnowledgeBase({ id, ownerId }))) throw knowledgeBaseIdNotFound(id);
}

/**
 * Splits the text into overlapping chunks and stores the document and its chunks in one transaction.
 * `chunking` overrides the chunk size and overlap (tests use small ones).
 */
export async function addTextDocument({
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
}): Promise<KnowledgeDocumentDto> {
  const cleanTitle = title.trim().slice(0, KNOWLEDGE_LIMITS.titleMaxLength) || "Untitled document";
  // The API's schema caps pasted text; text extracted from a file is capped here.
  if (text.length > KNOWLEDGE_LIMITS.textMaxChars) {
    throw new AppError(
      "payload_too_large:knowledge_document",
      `A document may hold at most ${KNOWLEDGE_LIMITS.textMaxChars} characters of text.`,
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
  if (!document) throw knowledgeBaseIdNotFound(knowledgeBaseId);
  // With an embeddings model, the chunks are embedded now; a failure is kept on the document, not thrown.
  const embeddingError = await embedNewDocument({ ownerId, knowledgeBaseId, documentId: document.id });
  return toKnowledgeDocument({ ...document, embeddingError });
}

function unsupportedFile(fileName: string): AppError {
  return new AppError(
    "validation:file_type",
    `"${fileName}" is not a supported file: upload a ${Object.keys(KNOWLEDGE_FILE_TYPES).join(", ")} file.`,
    { issues: [{ path: "file", message: `must be a ${Object.keys(KNOWLEDGE_FILE_TYPES).join(", ")} file` }] },
  );
}

function unreadableFile(message: string): AppError {
  return new AppError("validation:file", message, { issues: [{ path: "file", message }] });
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  // A PDF starts with "%PDF-" (within its first KiB, by the spec's leniency); anything else is not one.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  if (!head.includes("%PDF-")) throw unreadableFile("The file is not a PDF document.");
  const { getDocumentProxy, extractText } = await import("unpdf");
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
    document = await getDocumentProxy(new Uint8Array(bytes));
  } catch {
    throw unreadableFile("The PDF could not be read; it may be damaged or password-protected.");
  }
  try {
    if (document.numPages > KNOWLEDGE_LIMITS.pdfMaxPages) {
      throw unreadableFile(`The PDF has more than ${KNOWLEDGE_LIMITS.pdfMaxPages} pages.`);
    }
    const { text } = await extractText(document, { mergePages: true });
    return text;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadableFile("The PDF's text could not be extracted.");
  } finally {
    // Frees the parsed document and its worker-side state (the loading task owns them).
    await document.loadingTask.destroy().catch(() => {});
  }
}

/** Extracts the text of an uploaded .txt, .md or .pdf file and stores it as a document. */
export async function addFileDocument({
  ownerId,
  knowledgeBaseId,
  fileName,
  bytes,
  title,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  fileName: string;
  bytes: Uint8Array;
  title?: string;
}): Promise<KnowledgeDocumentDto> {
  const extension = path.extname(fileName).toLowerCase();
  if (!Object.hasOwn(KNOWLEDGE_FILE_TYPES, extension)) throw unsupportedFile(fileName);
  const mimeType = KNOWLEDGE_FILE_TYPES[extension as keyof typeof KNOWLEDGE_FILE_TYPES];
  if (bytes.byteLength > KNOWLEDGE_LIMITS.fileMaxBytes) {
    throw new AppError(
      "payload_too_large:file",
      `A file may be at most ${KNOWLEDGE_LIMITS.fileMaxBytes / (1024 * 1024)} MiB.`,
    );
  }
  let text: string;
  if (extension === ".pdf") {
    text = await pdfText(bytes);
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw unreadableFile("The file is not UTF-8 text.");
    }
  }
  const documentTitle = title?.trim() || path.basename(fileName, path.extname(fileName)) || fileName;
  return addTextDocument({ ownerId, knowledgeBaseId, title: documentTitle, text, mimeType });
}

/** Deletes a document of the given base (a document of another base, or another user's, is not found). */
export async function deleteKnowledgeDocument({
  ownerId,
  knowledgeBaseId,
  documentId,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  documentId: string;
}): Promise<void> {
  if (!(await getKnowledgeBase({ id: knowledgeBaseId, ownerId }))) throw knowledgeBaseIdNotFound(knowledgeBaseId);
  const documents = await listKnowledgeDocuments({ ownerId, knowledgeBaseId });
  if (!documents.some((d) => d.id === documentId)) {
    throw new AppError("not_found:knowledge_document", "No such document in this knowledge base.");
  }
  if (!(await removeKnowledgeDocument({ id: documentId, ownerId }))) {
    throw new AppError("not_found:knowledge_document", `Document ${documentId} was not found.`);
  }
}

/**
 * "Test retrieval": the passages the retrieval node and the knowledge-search tool would get for `query`,
 * through the same search (lib/retrieval's searchKnowledge), ranked from 1, with their 0–1 scores (and the
 * similarity and text rank they combine), how the base was searched and the time it took.
 */
export async function testRetrieval({
  ownerId,
  knowledgeBaseId,
  query,
  topK,
}: {
  ownerId: string;
  knowledgeBaseId: string;
  query: string;
  topK: number;
}): Promise<KnowledgeSearchResponse> {
  if (!(await getKnowledgeBase({ id: knowledgeBaseId, ownerId }))) throw knowledgeBaseNotFound();
  const started = performance.now();
  const { hits, mode, warning } = await searchKnowledgeWithMode({ ownerId, knowledgeBaseId, query, topK });
  const tookMs = Math.round((performance.now() - started) * 10) / 10;
  return {
    results: hits.map((hit, i) => ({
      rank: i + 1,
      score: hit.score,
      ...(hit.similarity === undefined ? {} : { similarity: hit.similarity }),
      textRank: hit.textRank,
      documentId: hit.documentId,
      documentTitle: hit.title,
      text: hit.content,
    })),
    tookMs,
    mode,
    ...(warning ? { warning } : {}),
  };
}
