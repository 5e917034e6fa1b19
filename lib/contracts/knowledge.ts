/** Knowledge base contracts: /api/knowledge-bases/**. Client-safe. */
import { z } from "zod";
import { retrievalConfigSchema } from "@/lib/nodes/retrieval/definition";
import { idSchema, timestampSchema } from "@/lib/contracts/common";

/**
 * The knowledge limits, one table: the API's schemas below validate with it, the UI shows it as hints and
 * input caps, and the service and the search enforce it again on every path (uploaded files, the retrieval
 * node, the knowledge-search tool). The number of passages follows the retrieval node's own schema.
 */
export const KNOWLEDGE_LIMITS = {
  nameMaxLength: 200,
  descriptionMaxLength: 2000,
  titleMaxLength: 300,
  /** Characters of text in one document, pasted (a JSON body; its byte cap follows) or extracted from a file. */
  textMaxChars: 2_000_000,
  /** One uploaded file. */
  fileMaxBytes: 10 * 1024 * 1024,
  /** A PDF with more pages is refused before its text is extracted (time and memory). */
  pdfMaxPages: 2000,
  /** Characters of a search query: "Test retrieval" refuses longer ones; the search reads no further. */
  queryMaxLength: 1000,
  /** Passages one search returns at most: the retrieval node's maximum. */
  searchMaxTopK: retrievalConfigSchema.shape.topK.unwrap().maxValue!,
  /** Passages a "Test retrieval" may ask for. */
  testMaxTopK: 20,
  /** The retrieval node's default (and the knowledge-search tool's), so a test shows what they would retrieve. */
  defaultTopK: retrievalConfigSchema.shape.topK.parse(undefined),
  /** An embeddings model's name, as its provider spells it (e.g. text-embedding-3-small, nomic-embed-text). */
  embeddingModelMaxLength: 200,
} as const;

/**
 * Hybrid ranking: a passage's score is this weighted sum of its meaning's similarity to the question (cosine,
 * below 0 counted as 0) and the share of the question's words it contains (stop words aside); both are 0–1,
 * and so is the score. Without an embeddings model the score is the full-text rank alone (ts_rank normalised
 * to rank / (rank + 1)).
 */
export const HYBRID_WEIGHTS = { similarity: 0.7, text: 0.3 } as const;

/** Providers that serve embeddings: OpenAI-compatible /v1/embeddings, and Ollama's /api/embed. */
export const EMBEDDING_PROVIDER_IDS = ["openai", "ollama"] as const;
export type EmbeddingProviderId = (typeof EMBEDDING_PROVIDER_IDS)[number];
export const EMBEDDING_PROVIDER_LABELS: Record<EmbeddingProviderId, string> = {
  openai: "OpenAI-compatible",
  ollama: "Ollama",
};

/**
 * The embeddings model of a knowledge base: a provider — the server's, or one of the owner's credentials for it
 * (Settings → Model providers) — and the model's name.
 */
export const embeddingModelSchema = z
  .object({
    provider: z.enum(EMBEDDING_PROVIDER_IDS),
    model: z.string().trim().min(1, "must not be empty").max(KNOWLEDGE_LIMITS.embeddingModelMaxLength),
    credentialId: idSchema
      .optional()
      .meta({ description: "One of your credentials for this provider; without it, the server's provider" }),
  })
  .strict()
  .meta({ id: "EmbeddingModel" });
export type EmbeddingModelDto = z.infer<typeof embeddingModelSchema>;

/** File types an upload may have, by extension, with the MIME type stored for them. */
export const KNOWLEDGE_FILE_TYPES = {
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".pdf": "application/pdf",
} as const;

export const createKnowledgeBaseBodySchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(KNOWLEDGE_LIMITS.nameMaxLength),
    description: z.string().max(KNOWLEDGE_LIMITS.descriptionMaxLength).default(""),
  })
  .strict()
  .meta({ id: "CreateKnowledgeBaseBody" });

/** JSON form of POST /api/knowledge-bases/:id/documents (multipart/form-data with a `file` is the other). */
export const addTextDocumentBodySchema = z
  .object({
    title: z.string().trim().min(1, "must not be empty").max(KNOWLEDGE_LIMITS.titleMaxLength),
    text: z.string().min(1, "must not be empty").max(KNOWLEDGE_LIMITS.textMaxChars),
  })
  .strict()
  .meta({ id: "AddTextDocumentBody" });

/** Fields of the multipart form (documented for OpenAPI; parsed by hand since it carries a file). */
export const uploadDocumentFormSchema = z
  .object({
    file: z.string().meta({
      format: "binary",
      description: `A .txt, .md or .pdf file, at most ${KNOWLEDGE_LIMITS.fileMaxBytes / (1024 * 1024)} MiB`,
    }),
    title: z.string().max(KNOWLEDGE_LIMITS.titleMaxLength).optional().meta({ description: "Default: the file name" }),
  })
  .meta({ id: "UploadDocumentForm" });

export const knowledgeBaseSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    description: z.string(),
    documentCount: z.number().int(),
    embeddingModel: embeddingModelSchema.nullable().meta({
      description: "The embeddings model its passages are embedded with; null: full-text search only",
    }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "KnowledgeBase" });
export type KnowledgeBaseDto = z.infer<typeof knowledgeBaseSchema>;

export const knowledgeDocumentSchema = z
  .object({
    id: idSchema,
    knowledgeBaseId: idSchema,
    title: z.string(),
    mimeType: z.string(),
    sizeBytes: z.number().int(),
    chunkCount: z.number().int(),
    embeddingError: z.string().nullable().meta({
      description:
        "Why its passages could not be embedded (its text is kept and found by full-text search); null: none",
    }),
    createdAt: timestampSchema,
  })
  .meta({ id: "KnowledgeDocument" });
export type KnowledgeDocumentDto = z.infer<typeof knowledgeDocumentSchema>;

export const knowledgeBaseListResponseSchema = z.object({ knowledgeBases: z.array(knowledgeBaseSchema) });
export const knowledgeBaseResponseSchema = z.object({
  knowledgeBase: knowledgeBaseSchema,
  documents: z.array(knowledgeDocumentSchema),
});
export const knowledgeDocumentResponseSchema = z.object({ document: knowledgeDocumentSchema });

/** PATCH /api/knowledge-bases/:id: choose (or clear) the embeddings model. Existing passages are re-embedded only on request. */
export const updateKnowledgeBaseBodySchema = z
  .object({ embeddingModel: embeddingModelSchema.nullable() })
  .strict()
  .meta({ id: "UpdateKnowledgeBaseBody" });
export const knowledgeBaseUpdatedResponseSchema = z.object({ knowledgeBase: knowledgeBaseSchema });

/** GET/POST /api/knowledge-bases/:id/embeddings: how many passages carry the base's model's vectors. */
export const knowledgeEmbeddingStatusSchema = z
  .object({
    embeddingModel: embeddingModelSchema.nullable(),
    providers: z.array(z.object({ id: z.enum(EMBEDDING_PROVIDER_IDS), label: z.string(), configured: z.boolean() })),
    totalChunks: z.number().int(),
    embeddedChunks: z.number().int().meta({ description: "Passages embedded with the base's current model" }),
    running: z.boolean().meta({ description: "A re-embedding is under way (poll until false)" }),
    failedDocuments: z.array(z.object({ documentId: idSchema, title: z.string(), error: z.string() })),
  })
  .meta({ id: "KnowledgeEmbeddingStatus" });
export type KnowledgeEmbeddingStatusDto = z.infer<typeof knowledgeEmbeddingStatusSchema>;

/** POST /api/knowledge-bases/:id/search ("Test retrieval"): the passages a retrieval node would get. */
export const knowledgeSearchBodySchema = z
  .object({
    query: z.string().trim().min(1, "must not be empty").max(KNOWLEDGE_LIMITS.queryMaxLength),
    topK: z.number().int().min(1).max(KNOWLEDGE_LIMITS.testMaxTopK).default(KNOWLEDGE_LIMITS.defaultTopK),
  })
  .strict()
  .meta({ id: "KnowledgeSearchBody" });

export const knowledgeSearchResultSchema = z
  .object({
    rank: z.number().int().meta({ description: "1 for the best passage" }),
    score: z.number().meta({
      description:
        "0–1, higher is better: with an embeddings model, 0.7 × similarity + 0.3 × text rank; else the text rank",
    }),
    similarity: z.number().optional().meta({ description: "Cosine similarity of meaning, 0–1 (hybrid search only)" }),
    textRank: z.number().meta({
      description:
        "The words' part, 0–1: in hybrid search the share of the question's words the passage contains; in full-text search ts_rank normalised to rank / (rank + 1)",
    }),
    documentId: idSchema,
    documentTitle: z.string(),
    text: z.string().meta({ description: "The passage (chunk) as stored: plain text" }),
  })
  .meta({ id: "KnowledgeSearchResult" });
export type KnowledgeSearchResultDto = z.infer<typeof knowledgeSearchResultSchema>;

export const knowledgeSearchResponseSchema = z.object({
  results: z.array(knowledgeSearchResultSchema),
  tookMs: z.number().meta({ description: "Time the search took, in milliseconds" }),
  mode: z.enum(["hybrid", "full-text"]).meta({
    description: "hybrid: meaning and words (the base has an embeddings model); full-text: words only",
  }),
  warning: z
    .string()
    .optional()
    .meta({ description: "Why a hybrid search fell back to full-text (e.g. the embeddings server failed)" }),
});
export type KnowledgeSearchResponse = z.infer<typeof knowledgeSearchResponseSchema>;
