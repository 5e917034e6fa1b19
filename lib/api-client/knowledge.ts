/**
 * Browser-side calls of the knowledge bases (/api/knowledge-bases/**), responses parsed with the API's own
 * schemas; their React Query hooks are in components/knowledge/queries.ts. Uploads go through
 * XMLHttpRequest, the one browser API that reports upload progress; their errors are rebuilt into the same
 * AppError fetchJson throws. Client-safe.
 */
import { z } from "zod";
import {
  knowledgeBaseListResponseSchema,
  knowledgeBaseResponseSchema,
  knowledgeBaseSchema,
  type KnowledgeBaseDto,
  knowledgeDocumentResponseSchema,
  type KnowledgeDocumentDto,
  knowledgeSearchResponseSchema,
  type KnowledgeSearchResponse,
  type EmbeddingModelDto,
  knowledgeBaseUpdatedResponseSchema,
  knowledgeEmbeddingStatusSchema,
  type KnowledgeEmbeddingStatusDto,
} from "@/lib/contracts/knowledge";
import { errorBodySchema } from "@/lib/contracts/common";
import { AppError } from "@/lib/errors";
import { errorFromBody, fetchJson } from "./fetch-json";

const basePath = (id: string) => `/api/knowledge-bases/${encodeURIComponent(id)}`;

const createdSchema = z.object({ knowledgeBase: knowledgeBaseSchema });

export async function fetchKnowledgeBases({ signal }: { signal?: AbortSignal } = {}): Promise<KnowledgeBaseDto[]> {
  return (await fetchJson("/api/knowledge-bases", { schema: knowledgeBaseListResponseSchema, signal })).knowledgeBases;
}

export async function createKnowledgeBase(body: { name: string; description: string }): Promise<KnowledgeBaseDto> {
  return (await fetchJson("/api/knowledge-bases", { method: "POST", body, schema: createdSchema })).knowledgeBase;
}

export function fetchKnowledgeBase(id: string, { signal }: { signal?: AbortSignal } = {}) {
  return fetchJson(basePath(id), { schema: knowledgeBaseResponseSchema, signal });
}

export async function addPastedDocument(
  id: string,
  body: { title: string; text: string },
): Promise<KnowledgeDocumentDto> {
  return (
    await fetchJson(`${basePath(id)}/documents`, { method: "POST", body, schema: knowledgeDocumentResponseSchema })
  ).document;
}

/** "Test retrieval": the passages a retrieval node would get for `query` (topK: the node's default when omitted). */
export function searchKnowledgeBase(
  id: string,
  body: { query: string; topK?: number },
  { signal }: { signal?: AbortSignal } = {},
): Promise<KnowledgeSearchResponse> {
  return fetchJson(`${basePath(id)}/search`, { method: "POST", body, schema: knowledgeSearchResponseSchema, signal });
}

/** Chooses (or clears, with null) the base's embeddings model; its passages are re-embedded by startReembedding. */
export async function setEmbeddingModel(
  id: string,
  embeddingModel: EmbeddingModelDto | null,
): Promise<KnowledgeBaseDto> {
  return (
    await fetchJson(basePath(id), {
      method: "PATCH",
      body: { embeddingModel },
      schema: knowledgeBaseUpdatedResponseSchema,
    })
  ).knowledgeBase;
}

/** The base's embeddings model, the configured providers and how many passages the model has embedded. */
export function fetchEmbeddingStatus(
  id: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<KnowledgeEmbeddingStatusDto> {
  return fetchJson(`${basePath(id)}/embeddings`, { schema: knowledgeEmbeddingStatusSchema, signal });
}

/** Starts embedding the passages the current model has not embedded; poll fetchEmbeddingStatus for progress. */
export function startReembedding(id: string): Promise<KnowledgeEmbeddingStatusDto> {
  return fetchJson(`${basePath(id)}/embeddings`, { method: "POST", schema: knowledgeEmbeddingStatusSchema });
}

export function deleteDocument(id: string, documentId: string): Promise<void> {
  return fetchJson(`${basePath(id)}/documents/${encodeURIComponent(documentId)}`, { method: "DELETE", schema: null });
}

export function deleteKnowledgeBase(id: string): Promise<void> {
  return fetchJson(basePath(id), { method: "DELETE", schema: null });
}

function uploadError(status: number, body: unknown): AppError {
  if (status === 0)
    return new AppError("unavailable:network", "Could not reach the server. Check your connection and try again.");
  if (status === 413 && !errorBodySchema.safeParse(body).success)
    return new AppError("payload_too_large:file", "The file is too large.");
  return errorFromBody(status, body);
}

/**
 * Uploads a file as a new document (multipart `file`). `onProgress` gets the share of the bytes sent,
 * 0 to 1; at 1 the server is still extracting and indexing the text, until the promise settles.
 */
export function uploadDocument(
  id: string,
  file: File,
  { onProgress, signal }: { onProgress?: (sent: number) => void; signal?: AbortSignal } = {},
): Promise<KnowledgeDocumentDto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${basePath(id)}/documents`);
    xhr.responseType = "json";
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) return reject(uploadError(xhr.status, xhr.response));
      const parsed = knowledgeDocumentResponseSchema.safeParse(xhr.response);
      if (parsed.success) resolve(parsed.data.document);
      else
        reject(
          new AppError("internal:api", "The server sent a response this page does not understand.", {
            cause: parsed.error,
          }),
        );
    };
    xhr.onerror = () => reject(uploadError(0, null));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
