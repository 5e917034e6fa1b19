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
} as const;

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
    score: z.number().meta({ description: "Full-text rank (ts_rank); higher is better" }),
    documentId: idSchema,
    documentTitle: z.string(),
    text: z.string().meta({ description: "The passage (chunk) as stored: plain text" }),
  })
  .meta({ id: "KnowledgeSearchResult" });
export type KnowledgeSearchResultDto = z.infer<typeof knowledgeSearchResultSchema>;

export const knowledgeSearchResponseSchema = z.object({
  results: z.array(knowledgeSearchResultSchema),
  tookMs: z.number().meta({ description: "Time the search took, in milliseconds" }),
});
export type KnowledgeSearchResponse = z.infer<typeof knowledgeSearchResponseSchema>;
