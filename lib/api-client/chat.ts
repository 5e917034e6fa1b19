/**
 * The chat's data layer in the browser: query keys and fetchers over the same REST routes every API client
 * uses (/api/conversations/**, /api/templates, /api/workflows, /api/knowledge-bases), each response parsed
 * with the API's own DTO schemas. React Query hooks in components/chat wrap these. Client-safe.
 */
import { z } from "zod";
import {
  conversationListResponseSchema,
  conversationResponseSchema,
  conversationSummarySchema,
  type ConversationDto,
  type ConversationSummary,
} from "@/lib/contracts/conversations";
import { cancelExecutionResponseSchema, executionResponseSchema } from "@/lib/contracts/executions";
import { fetchJson } from "./fetch-json";

export const chatKeys = {
  conversations: ["conversations"] as const,
  conversation: (id: string) => ["conversations", "detail", id] as const,
  /** Every search of the conversations (the prefix), and one by its text. */
  conversationSearches: ["conversations", "search"] as const,
  conversationSearch: (q: string) => ["conversations", "search", q] as const,
  templates: ["templates", "list"] as const,
  template: (id: string) => ["templates", "detail", id] as const,
  // Under the editor's ["workflows"] prefix, so a save there refreshes the chat's picker too.
  workflows: ["workflows", "list"] as const,
  knowledgeBases: ["knowledge-bases", "list"] as const,
};

export type ConversationPage = z.infer<typeof conversationListResponseSchema>;

/** One page of the conversations; with `q`, of those whose title or a message contains it. */
export function fetchConversationPage({
  cursor,
  q,
  signal,
}: {
  cursor?: string;
  q?: string;
  signal?: AbortSignal;
} = {}): Promise<ConversationPage> {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return fetchJson(`/api/conversations${query ? `?${query}` : ""}`, { schema: conversationListResponseSchema, signal });
}

export async function fetchConversation({
  id,
  signal,
}: {
  id: string;
  signal?: AbortSignal;
}): Promise<ConversationDto> {
  return (await fetchJson(`/api/conversations/${id}`, { schema: conversationResponseSchema, signal })).conversation;
}

export async function renameConversation({ id, title }: { id: string; title: string }): Promise<ConversationSummary> {
  const body = await fetchJson(`/api/conversations/${id}`, {
    method: "PATCH",
    body: { title },
    schema: z.object({ conversation: conversationSummarySchema }),
  });
  return body.conversation;
}

export function deleteConversation({ id }: { id: string }): Promise<void> {
  return fetchJson(`/api/conversations/${id}`, { method: "DELETE", schema: null });
}

/** Asks the run to stop; it ends `cancelled` (its stream says so). A run that already ended answers 409. */
export function cancelExecution({ executionId }: { executionId: string }) {
  return fetchJson(`/api/executions/${executionId}/cancel`, { method: "POST", schema: cancelExecutionResponseSchema });
}

/** The sequence number of a run's last stored event (a resumed run's events come after it). */
export async function fetchExecutionLastSeq(executionId: string): Promise<number> {
  return (await fetchJson(`/api/executions/${executionId}`, { schema: executionResponseSchema })).execution.events
    .lastSeq;
}
