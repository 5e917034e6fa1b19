"use client";

/**
 * The knowledge pages' React Query hooks over lib/api-client/knowledge: one knowledge base with its
 * documents, creating and deleting bases, adding and deleting documents, and "Test retrieval". Every change
 * invalidates ["knowledge-bases"], so the chat's and the template dialog's lists of bases follow.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { EmbeddingModelDto, KnowledgeBaseDto, KnowledgeDocumentDto } from "@/lib/contracts/knowledge";
import {
  addPastedDocument,
  createKnowledgeBase,
  deleteDocument,
  deleteKnowledgeBase,
  fetchEmbeddingStatus,
  fetchKnowledgeBase,
  searchKnowledgeBase,
  setEmbeddingModel,
  startReembedding,
} from "@/lib/api-client/knowledge";

/** Under ["knowledge-bases"], like the chat's and the template dialog's lists: one invalidation reaches them all. */
export const knowledgeKeys = {
  all: ["knowledge-bases"] as const,
  detail: (id: string) => ["knowledge-bases", "detail", id] as const,
  embeddings: (id: string) => ["knowledge-bases", "embeddings", id] as const,
};

/** How often the embedding progress is read while a re-embedding runs. */
const EMBEDDING_POLL_MS = 1000;

export interface KnowledgeBaseData {
  knowledgeBase: KnowledgeBaseDto;
  documents: KnowledgeDocumentDto[];
}

/** One base and its documents; the server page's read is the first data (fresh as of this render). */
export function useKnowledgeBase(initial: KnowledgeBaseData) {
  const id = initial.knowledgeBase.id;
  const [renderedAt] = useState(() => Date.now());
  return useQuery({
    queryKey: knowledgeKeys.detail(id),
    queryFn: ({ signal }) => fetchKnowledgeBase(id, { signal }),
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  });
}

/** Applies a change to a base's cached documents at once; the refetch that follows confirms it. */
export function useUpdateDocuments(id: string) {
  const queryClient = useQueryClient();
  return (change: (documents: KnowledgeDocumentDto[]) => KnowledgeDocumentDto[]) => {
    queryClient.setQueryData<KnowledgeBaseData>(knowledgeKeys.detail(id), (old) => {
      if (!old) return old;
      const next = change(old.documents);
      return {
        knowledgeBase: { ...old.knowledgeBase, documentCount: next.length, updatedAt: new Date().toISOString() },
        documents: next,
      };
    });
    void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
  };
}

export function useCreateKnowledgeBase({ onCreated }: { onCreated?: (knowledgeBase: KnowledgeBaseDto) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createKnowledgeBase,
    onSuccess: (knowledgeBase) => {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      onCreated?.(knowledgeBase);
    },
  });
}

export function useDeleteKnowledgeBase(id: string, { onDeleted }: { onDeleted?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteKnowledgeBase(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: knowledgeKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      onDeleted?.();
    },
  });
}

/** Deletes a document; it leaves the cached list at once. */
export function useDeleteDocument(id: string, { onDeleted }: { onDeleted?: () => void } = {}) {
  const update = useUpdateDocuments(id);
  return useMutation({
    mutationFn: (documentId: string) => deleteDocument(id, documentId),
    onSuccess: (_result, documentId) => {
      update((documents) => documents.filter((d) => d.id !== documentId));
      onDeleted?.();
    },
  });
}

/** Adds pasted text as a document; `onAdded` gets it (the page lists it at once). */
export function useAddPastedDocument(id: string, { onAdded }: { onAdded?: (document: KnowledgeDocumentDto) => void }) {
  return useMutation({
    mutationFn: (body: { title: string; text: string }) => addPastedDocument(id, body),
    onSuccess: (document) => onAdded?.(document),
  });
}

/** "Test retrieval": a mutation, so each search is an explicit action whose result stays until the next. */
export function useSearchKnowledgeBase(id: string) {
  return useMutation({
    mutationFn: (body: { query: string; topK: number }) => searchKnowledgeBase(id, body),
  });
}

/** The base's embeddings model and progress; read again every second while a re-embedding runs. */
export function useEmbeddingStatus(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.embeddings(id),
    queryFn: ({ signal }) => fetchEmbeddingStatus(id, { signal }),
    refetchInterval: (query) => (query.state.data?.running ? EMBEDDING_POLL_MS : false),
  });
}

/** Chooses (or clears) the embeddings model: the base and its progress are read again. */
export function useSetEmbeddingModel(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (model: EmbeddingModelDto | null) => setEmbeddingModel(id, model),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.embeddings(id) });
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.detail(id) });
    },
  });
}

/** Starts re-embedding; its answer (running: true) starts the progress polling. */
export function useReembed(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => startReembedding(id),
    onSuccess: (status) => queryClient.setQueryData(knowledgeKeys.embeddings(id), status),
  });
}
