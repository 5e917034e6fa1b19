/**
 * Knowledge bases for the API: list, create, read with documents, delete, and documents added as pasted
 * text or uploaded files (.txt, .md, .pdf). Text extraction and size caps live here; chunking, storage and
 * search in lib/retrieval. Owner-scoped: another user's base is indistinguishable from a missing one.
 */
import "server-only";
import path from "node:path";
import {
  addDocument,
  createKnowledgeBase as insertKnowledgeBase,
  deleteDocument,
  deleteKnowledgeBase as removeKnowledgeBase,
  listDocuments,
  listKnowledgeBases as selectKnowledgeBases,
  searchKnowledge,
  type KnowledgeBaseRecord,
  type KnowledgeDocumentRecord,
} from "@/lib/retrieval";
import { getKnowledgeBase } from "@/lib/db/queries/knowledge";
import { AppError } from "@/lib/errors";
import {
  KNOWLEDGE_FILE_TYPES,
  KNOWLEDGE_LIMITS,
  type KnowledgeBaseDto,
  type KnowledgeDocumentDto,
  type KnowledgeSearchResponse,
} from "@/lib/contracts/knowledge";

/** A PDF with more pages than this is refused before its text is extracted (time and memory). */
const MAX_PDF_PAGES = 2000;

export function toKnowledgeBase(row: KnowledgeBaseRecord): KnowledgeBaseDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    documentCount: row.documentCount,
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
    createdAt: row.createdAt.toISOString(),
  };
}

function knowledgeBaseNotFound(): AppError {
  return new AppError("not_found:knowledge_base", "No such knowledge base.");
}

export async function listKnowledgeBases({ ownerId }: { ownerId: string }): Promise<KnowledgeBaseDto[]> {
  return (await selectKnowledgeBases({ ownerId })).map(toKnowledgeBase);
}

export async function createKnowledgeBase({
  ownerId,
  name,
  description,
}: {
  ownerId: string;
  name: string;
  description: string;
}): Promise<KnowledgeBaseDto> {
  return toKnowledgeBase(await insertKnowledgeBase({ ownerId, name, description }));
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
  const documents = await listDocuments({ ownerId, knowledgeBaseId: id });
  return { knowledgeBase: toKnowledgeBase(base), documents: documents.map(toKnowledgeDocument) };
}

export async function deleteKnowledgeBase({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  await removeKnowledgeBase({ ownerId, knowledgeBaseId: id });
}

export async function addTextDocument({
  ownerId,
  knowledgeBaseId,
  title,
  text,
  mimeType = "text/plain",
}: {
  ownerId: string;
  knowledgeBaseId: string;
  title: string;
  text: string;
  mimeType?: string;
}): Promise<KnowledgeDocumentDto> {
  return toKnowledgeDocument(await addDocument({ ownerId, knowledgeBaseId, title, text, mimeType }));
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
    if (document.numPages > MAX_PDF_PAGES) throw unreadableFile(`The PDF has more than ${MAX_PDF_PAGES} pages.`);
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
  const documents = await listDocuments({ ownerId, knowledgeBaseId });
  if (!documents.some((d) => d.id === documentId)) {
    throw new AppError("not_found:knowledge_document", "No such document in this knowledge base.");
  }
  await deleteDocument({ ownerId, documentId });
}

/**
 * "Test retrieval": the passages the retrieval node and the knowledge-search tool would get for `query`,
 * through the same search (lib/retrieval's searchKnowledge), ranked from 1, with the time it took.
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
  const hits = await searchKnowledge({ ownerId, knowledgeBaseId, query, topK });
  const tookMs = Math.round((performance.now() - started) * 10) / 10;
  return {
    results: hits.map((hit, i) => ({
      rank: i + 1,
      score: hit.score,
      documentId: hit.documentId,
      documentTitle: hit.title,
      text: hit.content,
    })),
    tookMs,
  };
}
