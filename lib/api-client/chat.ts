/**
 * The chat's calls in the browser, over the same REST routes every API client uses (/api/conversations/**,
 * and a run's last event), each response parsed with the API's own DTO schemas. The chat's React Query hooks
 * (components/chat/queries.ts) wrap these; the picker's lists come from templates.ts, workflows.ts and
 * knowledge.ts beside this file. Client-safe.
 */
import { z } from "zod";
import {
  conversationListResponseSchema,
  conversationResponseSchema,
  conversationSummarySchema,
  type ConversationDto,
  type ConversationSummary,
} from "@/lib/contracts/conversations";
import { executionResponseSchema } from "@/lib/contracts/executions";
import { fetchJson } from "./fetch-json";

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

/** The sequence number of a run's last stored event (a resumed run's events come after it). */
export async function fetchExecutionLastSeq(executionId: string): Promise<number> {
  return (await fetchJson(`/api/executions/${executionId}`, { schema: executionResponseSchema })).execution.events
    .lastSeq;
}
