import "server-only";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

const EXCERPT_LENGTH = 200;

/**
 * Searches the owner's knowledge base (hybrid where it has an embeddings model); writes the passages (numbered,
 * for citations) and their sources with their 0–1 scores.
 */
export const retrieveContext: NodeRunFunction<"retrieval"> = async (state, config, runtime) => {
  const query = renderTemplate(config.query, runtime.scope(state)).trim();
  runtime.signal.throwIfAborted();
  const hits = query
    ? await runtime.resources.searchKnowledge({
        ownerId: runtime.userId,
        knowledgeBaseId: config.knowledgeBaseId,
        query,
        topK: config.topK,
        signal: runtime.signal,
      })
    : [];
  return {
    retrieval_context: hits.map((hit, i) => `[${i + 1}] ${hit.title}\n${hit.content}`).join("\n\n"),
    sources: hits.map((hit) => ({
      chunkId: hit.chunkId,
      documentId: hit.documentId,
      title: hit.title,
      score: hit.score,
      knowledgeBaseId: config.knowledgeBaseId,
      excerpt: hit.content.slice(0, EXCERPT_LENGTH),
    })),
  };
};
