"use client";

/**
 * React Query hooks of the chat: the conversation list (cursor pages, by last activity) and its server-side
 * search (titles and messages), one conversation with its messages, rename and delete (the cache is updated
 * at once and corrected by a refetch), and the workflows, templates and knowledge bases the answer picker
 * offers. Pages hand the first data down from the server, so nothing flashes empty on load.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from "@tanstack/react-query";
import type { ConversationDto, ConversationSummary } from "@/lib/contracts/conversations";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import type { TemplateSummary } from "@/lib/contracts/templates";
import type { WorkflowSummary } from "@/lib/contracts/workflows";
import {
  deleteConversation,
  fetchConversation,
  fetchConversationPage,
  renameConversation,
  type ConversationPage,
} from "@/lib/api-client/chat";
import { fetchKnowledgeBases } from "@/lib/api-client/knowledge";
import { fetchTemplate, fetchTemplates } from "@/lib/api-client/templates";
import { fetchWorkflows } from "@/lib/api-client/workflows";
import { workflowKeys } from "@/components/editor/queries";
import { knowledgeKeys } from "@/components/knowledge/queries";

export const chatKeys = {
  conversations: ["conversations"] as const,
  conversation: (id: string) => ["conversations", "detail", id] as const,
  /** Every search of the conversations (the prefix), and one by its text. */
  conversationSearches: ["conversations", "search"] as const,
  conversationSearch: (q: string) => ["conversations", "search", q] as const,
  templates: ["templates", "list"] as const,
  template: (id: string) => ["templates", "detail", id] as const,
  // Under the workflows' and the knowledge bases' prefixes: an invalidation of either prefix reaches the picker.
  workflows: [...workflowKeys.all, "list"] as const,
  knowledgeBases: [...knowledgeKeys.all, "list"] as const,
};

export function useConversationList(initialPage?: ConversationPage) {
  return useInfiniteQuery({
    queryKey: chatKeys.conversations,
    queryFn: ({ pageParam, signal }) => fetchConversationPage({ ...(pageParam ? { cursor: pageParam } : {}), signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    ...(initialPage ? { initialData: { pages: [initialPage], pageParams: [undefined] } } : {}),
    staleTime: 10_000,
  });
}

/** The conversations matching `q` (already debounced and trimmed; "" searches nothing), cursor pages. */
export function useConversationSearch(q: string) {
  return useInfiniteQuery({
    queryKey: chatKeys.conversationSearch(q),
    queryFn: ({ pageParam, signal }) =>
      fetchConversationPage({ q, ...(pageParam ? { cursor: pageParam } : {}), signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.length > 0,
    // The previous text's results stay on screen while the next ones load (no flash of nothing).
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useConversation(id: string | null, initial?: ConversationDto | null) {
  return useQuery({
    queryKey: chatKeys.conversation(id ?? "none"),
    queryFn: ({ signal }) => fetchConversation({ id: id!, signal }),
    enabled: id !== null,
    ...(initial && initial.id === id ? { initialData: initial } : {}),
    staleTime: 5_000,
  });
}

function patchSummaries(
  data: InfiniteData<ConversationPage> | undefined,
  change: (items: ConversationSummary[]) => ConversationSummary[],
): InfiniteData<ConversationPage> | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, conversations: change(page.conversations) })) };
}

export function useRenameConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameConversation,
    onMutate: async ({ id, title }) => {
      await queryClient.cancelQueries({ queryKey: chatKeys.conversations });
      const retitle = (data: InfiniteData<ConversationPage> | undefined) =>
        patchSummaries(data, (items) => items.map((item) => (item.id === id ? { ...item, title } : item)));
      queryClient.setQueryData<InfiniteData<ConversationPage>>(chatKeys.conversations, retitle);
      queryClient.setQueriesData<InfiniteData<ConversationPage>>({ queryKey: chatKeys.conversationSearches }, retitle);
      queryClient.setQueryData<ConversationDto>(chatKeys.conversation(id), (data) =>
        data ? { ...data, title } : data,
      );
    },
    onSettled: (_data, _error, { id }) => {
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations, exact: true });
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversationSearches });
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversation(id) });
    },
  });
}

/** Deletes a conversation; `onDeleted` comes first (the chat forgets its runs in flight). */
export function useDeleteConversation({ onDeleted }: { onDeleted?: (id: string) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteConversation,
    onSuccess: (_data, { id }) => {
      onDeleted?.(id);
      const drop = (data: InfiniteData<ConversationPage> | undefined) =>
        patchSummaries(data, (items) => items.filter((item) => item.id !== id));
      queryClient.setQueryData<InfiniteData<ConversationPage>>(chatKeys.conversations, drop);
      queryClient.setQueriesData<InfiniteData<ConversationPage>>({ queryKey: chatKeys.conversationSearches }, drop);
      queryClient.removeQueries({ queryKey: chatKeys.conversation(id) });
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations, exact: true });
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversationSearches });
    },
  });
}

export interface AnswererData {
  templates: TemplateSummary[];
  workflows: WorkflowSummary[];
  knowledgeBases: KnowledgeBaseDto[];
}

export function useAnswererData(initial: AnswererData) {
  const templates = useQuery({
    queryKey: chatKeys.templates,
    queryFn: ({ signal }) => fetchTemplates({ signal }),
    initialData: initial.templates,
  });
  const workflows = useQuery({
    queryKey: chatKeys.workflows,
    queryFn: ({ signal }) => fetchWorkflows({ signal }),
    initialData: initial.workflows,
  });
  const knowledgeBases = useQuery({
    queryKey: chatKeys.knowledgeBases,
    queryFn: ({ signal }) => fetchKnowledgeBases({ signal }),
    initialData: initial.knowledgeBases,
  });
  return { templates: templates.data, workflows: workflows.data, knowledgeBases: knowledgeBases.data };
}

/** A template's details (its parameters tell whether it needs a knowledge base); fetched once it is clicked. */
export function useTemplateDetail(id: string | null) {
  return useQuery({
    queryKey: chatKeys.template(id ?? "none"),
    queryFn: ({ signal }) => fetchTemplate({ id: id!, signal }),
    enabled: id !== null,
    staleTime: 5 * 60_000,
  });
}
