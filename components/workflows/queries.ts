"use client";

/**
 * The workflow pages' React Query hooks: what the "New workflow from a template" dialog reads (the
 * templates, the chosen one's parameters, the knowledge bases a parameter can name). The list's own actions
 * (duplicate, delete, import) are plain calls in lib/api-client/workflows followed by a page refresh.
 */
import { useQuery } from "@tanstack/react-query";
import { knowledgeKeys } from "@/components/knowledge/queries";
import { fetchKnowledgeBases } from "@/lib/api-client/knowledge";
import { fetchTemplate, fetchTemplates } from "@/lib/api-client/templates";

/**
 * The dialog's own entries, apart from the chat picker's. Its list of knowledge bases is the knowledge
 * pages' prefix itself, so any change to a base refreshes it.
 */
export const templateDialogKeys = {
  templates: ["templates"] as const,
  template: (id: string | null) => ["templates", id] as const,
  knowledgeBases: knowledgeKeys.all,
};

export function useTemplates({ enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: templateDialogKeys.templates,
    queryFn: ({ signal }) => fetchTemplates({ signal }),
    enabled,
  });
}

export function useTemplate(id: string | null, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: templateDialogKeys.template(id),
    queryFn: ({ signal }) => fetchTemplate({ id: id!, signal }),
    enabled: enabled && id !== null,
  });
}

export function useKnowledgeBases({ enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: templateDialogKeys.knowledgeBases,
    queryFn: ({ signal }) => fetchKnowledgeBases({ signal }),
    enabled,
  });
}
