/**
 * Knowledge-base embeddings: a new document's chunks are embedded as it is added (when its base has an
 * embeddings model), and re-embedding a base after its model changed is an explicit action that runs in the
 * background, document by document, its progress read from the database (chunks carrying the model's key).
 * A document whose chunks cannot be embedded keeps its text (full-text search still finds it) and records why.
 * Owner-scoped: another user's base is indistinguishable from a missing one.
 */
import "server-only";
import {
  EMBEDDING_PROVIDER_IDS,
  EMBEDDING_PROVIDER_LABELS,
  type EmbeddingModelDto,
  type EmbeddingProviderId,
  type KnowledgeEmbeddingStatusDto,
} from "@/lib/contracts/knowledge";
import { getSealedCredential } from "@/lib/db/queries/credentials";
import { getKnowledgeBase, type KnowledgeBaseRecord } from "@/lib/db/queries/knowledge";
import {
  chunksToEmbed,
  embeddingProgress,
  saveChunkEmbeddings,
  setDocumentsEmbeddingError,
} from "@/lib/db/queries/knowledge-vectors";
import { AppError, isAppError } from "@/lib/errors";
import { checkOutboundUrl } from "@/lib/net/safe-fetch";
import {
  EMBEDDING_BATCH_SIZE,
  EMBEDDING_CONCURRENCY,
  type EmbeddingModelRef,
  embeddingKey,
  embeddingProviderConfigured,
  embedTexts,
  embeddingConnection,
} from "@/lib/retrieval/embeddings";

interface DocumentRef {
  ownerId: string;
  knowledgeBaseId: string;
  documentId: string;
}

/** Chunks read and embedded per round: every request slot busy with a full batch. */
const CHUNKS_PER_ROUND = EMBEDDING_BATCH_SIZE * EMBEDDING_CONCURRENCY;

/** The base's embeddings model as the API shows it; null when it has none (or an unknown provider). */
export function embeddingModelOf(
  row: Pick<KnowledgeBaseRecord, "embeddingProvider" | "embeddingModel" | "embeddingCredentialId">,
): EmbeddingModelDto | null {
  const provider = row.embeddingProvider;
  if (!provider || !row.embeddingModel || !(EMBEDDING_PROVIDER_IDS as readonly string[]).includes(provider)) {
    return null;
  }
  return {
    provider: provider as EmbeddingProviderId,
    model: row.embeddingModel,
    ...(row.embeddingCredentialId ? { credentialId: row.embeddingCredentialId } : {}),
  };
}

/**
 * A chosen model's provider must be usable: one of the owner's credentials for it (its base URL passing the
 * HTTP guard), else the server's, configured (else every embedding would fail).
 */
export async function assertEmbeddingProvider(ownerId: string, model: EmbeddingModelRef): Promise<void> {
  if (model.credentialId) {
    const credential = await getSealedCredential({ id: model.credentialId, ownerId });
    if (credential?.kind !== "provider") {
      throw new AppError("validation:embedding_model", "The credential chosen for embeddings does not exist.", {
        issues: [{ path: "embeddingModel.credentialId", message: "No such credential" }],
      });
    }
    if (credential.provider !== model.provider) {
      throw new AppError(
        "validation:embedding_model",
        `The credential "${credential.name}" is for ${credential.provider}, not ${model.provider}.`,
        { issues: [{ path: "embeddingModel.credentialId", message: `Is for ${credential.provider}` }] },
      );
    }
    if (credential.baseUrl) {
      try {
        await checkOutboundUrl(credential.baseUrl);
      } catch (error) {
        if (!isAppError(error)) throw error;
        throw new AppError("validation:embedding_model", error.message, {
          issues: [{ path: "embeddingModel.credentialId", message: "Its base URL is refused" }],
        });
      }
    }
    return;
  }
  if (embeddingProviderConfigured(model.provider)) return;
  const what = model.provider === "openai" ? "OPENAI_API_KEY or OPENAI_BASE_URL" : "OLLAMA_BASE_URL";
  throw new AppError(
    "validation:embedding_model",
    `The ${EMBEDDING_PROVIDER_LABELS[model.provider]} provider is not configured on this server: set ${what}.`,
    { issues: [{ path: "embeddingModel.provider", message: "is not configured on this server" }] },
  );
}

/** Embeds chunks and stores their vectors with the model's key; throws the provider's AppError. */
async function embedChunks(ownerId: string, ref: EmbeddingModelRef, chunks: Array<{ id: string; content: string }>) {
  const vectors = await embedTexts(
    ref,
    chunks.map((c) => c.content),
    { connection: await embeddingConnection(ownerId, ref) },
  );
  await saveChunkEmbeddings({
    ownerId,
    key: embeddingKey(ref),
    rows: chunks.map((c, i) => ({ id: c.id, embedding: vectors[i]! })),
  });
}

/**
 * Embeds the chunks of one document not yet embedded with `ref`, a round at a time. Returns the error message
 * (also stored on the document) when the provider fails, else null (and clears an earlier error).
 */
async function embedDocument({
  ownerId,
  knowledgeBaseId,
  documentId,
  ref,
}: DocumentRef & { ref: EmbeddingModelRef }): Promise<string | null> {
  const key = embeddingKey(ref);
  try {
    for (;;) {
      const chunks = await chunksToEmbed({ ownerId, knowledgeBaseId, key, documentId, limit: CHUNKS_PER_ROUND });
      if (chunks.length === 0) break;
      await embedChunks(ownerId, ref, chunks);
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    await setDocumentsEmbeddingError({ ownerId, documentIds: [documentId], error: error.message });
    return error.message;
  }
  await setDocumentsEmbeddingError({ ownerId, documentIds: [documentId], error: null });
  return null;
}

/** After a document is added: embeds its chunks when the base has a model. Returns the error, if any. */
export async function embedNewDocument(document: DocumentRef): Promise<string | null> {
  const base = await getKnowledgeBase({ id: document.knowledgeBaseId, ownerId: document.ownerId });
  const ref = base && embeddingModelOf(base);
  return ref ? embedDocument({ ...document, ref }) : null;
}

/** Re-embeddings under way in this process, by base id. */
const running = new Map<string, Promise<void>>();

function notFound(): AppError {
  return new AppError("not_found:knowledge_base", "No such knowledge base.");
}

/**
 * Embeds every chunk of the base not carrying `ref`'s key, a round of chunks at a time across documents; a
 * round that fails is redone document by document, so the failure is pinned on its document and the others
 * go on. Stops if the base's model changes meanwhile.
 */
async function reembed(ownerId: string, knowledgeBaseId: string, ref: EmbeddingModelRef): Promise<void> {
  const key = embeddingKey(ref);
  const failed: string[] = [];
  for (;;) {
    const base = await getKnowledgeBase({ id: knowledgeBaseId, ownerId });
    const current = base && embeddingModelOf(base);
    if (!current || embeddingKey(current) !== key) return;
    const chunks = await chunksToEmbed({
      ownerId,
      knowledgeBaseId,
      key,
      skipDocumentIds: failed,
      limit: CHUNKS_PER_ROUND,
    });
    if (chunks.length === 0) return;
    try {
      await embedChunks(ownerId, ref, chunks);
    } catch (error) {
      if (!isAppError(error)) throw error;
      for (const documentId of new Set(chunks.map((c) => c.documentId))) {
        if (await embedDocument({ ownerId, knowledgeBaseId, documentId, ref })) failed.push(documentId);
      }
    }
  }
}

/** The owner's base and its model; a 404 for another user's or a missing one. */
async function ownedBase(ownerId: string, id: string): Promise<{ ref: EmbeddingModelRef | null }> {
  const base = await getKnowledgeBase({ id, ownerId });
  if (!base) throw notFound();
  return { ref: embeddingModelOf(base) };
}

export async function getEmbeddingStatus({
  ownerId,
  id,
}: {
  ownerId: string;
  id: string;
}): Promise<KnowledgeEmbeddingStatusDto> {
  const { ref } = await ownedBase(ownerId, id);
  const progress = await embeddingProgress({ ownerId, knowledgeBaseId: id, key: ref ? embeddingKey(ref) : null });
  return {
    embeddingModel: ref
      ? { provider: ref.provider, model: ref.model, ...(ref.credentialId ? { credentialId: ref.credentialId } : {}) }
      : null,
    providers: EMBEDDING_PROVIDER_IDS.map((provider) => ({
      id: provider,
      label: EMBEDDING_PROVIDER_LABELS[provider],
      configured: embeddingProviderConfigured(provider),
    })),
    ...progress,
    running: running.has(id),
  };
}

/**
 * Starts (re-)embedding the base's chunks that its current model has not embedded, in the background, and
 * answers with the status at once (poll GET …/embeddings for progress). Earlier failures are retried. Asking
 * again while one runs joins it.
 */
export async function startReembedding({ ownerId, id }: { ownerId: string; id: string }) {
  const { ref } = await ownedBase(ownerId, id);
  if (!ref) {
    throw new AppError(
      "conflict:embedding_model",
      "This knowledge base has no embeddings model: choose one before embedding its documents.",
    );
  }
  await assertEmbeddingProvider(ownerId, ref);
  if (!running.has(id)) {
    const job = (async () => {
      await setDocumentsEmbeddingErrorsOfBase(ownerId, id);
      await reembed(ownerId, id, ref);
    })()
      .catch((error: unknown) => {
        console.error(`[knowledge] re-embedding knowledge base ${id} stopped:`, error);
      })
      .finally(() => running.delete(id));
    running.set(id, job);
  }
  return getEmbeddingStatus({ ownerId, id });
}

async function setDocumentsEmbeddingErrorsOfBase(ownerId: string, knowledgeBaseId: string): Promise<void> {
  const { failedDocuments } = await embeddingProgress({ ownerId, knowledgeBaseId, key: null });
  await setDocumentsEmbeddingError({ ownerId, documentIds: failedDocuments.map((d) => d.documentId), error: null });
}
