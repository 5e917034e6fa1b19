/** Conversations: list (by last activity, cursor-paginated), read with messages, rename, delete. Owner-scoped. */
import "server-only";
import { getConversation, listMessages } from "@/lib/db/queries/conversations";
import { deleteConversation as removeConversation, getMessage, listConversations, renameConversation } from "@/lib/db/queries/conversation-list";
import type { Conversation, Message } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isId } from "@/lib/api/common";
import {
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  type ConversationDto,
  type ConversationSummary,
  type MessageDto,
} from "@/lib/api/conversations";

/** Messages a conversation read returns (the newest ones). */
const MESSAGES_PER_READ = 1000;

export function conversationNotFound(): AppError {
  return new AppError("not_found:conversation", "No such conversation.");
}

export function toConversationSummary(row: Conversation): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    workflowId: row.workflowId,
    templateId: row.templateId,
    messageCount: row.messageCount,
    totalTokens: row.totalTokens,
    totalCost: Number(row.totalCost),
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMessage(row: Message): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: (MESSAGE_ROLES as readonly string[]).includes(row.role) ? (row.role as MessageDto["role"]) : "system",
    content: row.content,
    status: (MESSAGE_STATUSES as readonly string[]).includes(row.status) ? (row.status as MessageDto["status"]) : "complete",
    executionId: row.executionId,
    tokens: row.tokens,
    cost: Number(row.cost),
    durationMs: row.durationMs,
    metadata: row.metadata && typeof row.metadata === "object" && !Array.isArray(row.metadata) ? (row.metadata as Record<string, unknown>) : {},
    createdAt: row.createdAt.toISOString(),
  };
}

interface CursorValue {
  at: string;
  id: string;
}

function encodeCursor(row: Conversation): string {
  const value: CursorValue = { at: (row.lastMessageAt ?? row.createdAt).toISOString(), id: row.id };
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { activityAt: Date; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorValue>;
    const at = new Date(String(value.at));
    if (isId(value.id) && !Number.isNaN(at.getTime())) return { activityAt: at, id: value.id };
  } catch {
    // fall through: not one of ours
  }
  throw new AppError("validation:query", "The cursor is not one this API returned.", {
    issues: [{ path: "cursor", message: "is not a cursor this API returned" }],
  });
}

export async function listConversationsPage({
  ownerId,
  cursor,
  limit,
}: {
  ownerId: string;
  cursor?: string;
  limit: number;
}): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
  const { rows, hasMore } = await listConversations({ ownerId, limit, ...(cursor ? { cursor: decodeCursor(cursor) } : {}) });
  const last = rows[rows.length - 1];
  return { conversations: rows.map(toConversationSummary), nextCursor: hasMore && last ? encodeCursor(last) : null };
}

export async function getConversationDto({ ownerId, id }: { ownerId: string; id: string }): Promise<ConversationDto> {
  const row = await getConversation({ id, ownerId });
  if (!row) throw conversationNotFound();
  const messages = await listMessages({ conversationId: id, ownerId, limit: MESSAGES_PER_READ });
  return { ...toConversationSummary(row), messages: messages.map(toMessage) };
}

export async function renameConversationTitle({ ownerId, id, title }: { ownerId: string; id: string; title: string }): Promise<ConversationSummary> {
  const row = await renameConversation({ id, ownerId, title });
  if (!row) throw conversationNotFound();
  return toConversationSummary(row);
}

export async function deleteConversation({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  if (!(await removeConversation({ id, ownerId }))) throw conversationNotFound();
}

export async function getMessageDto({ ownerId, id }: { ownerId: string; id: string }): Promise<MessageDto | null> {
  const row = await getMessage({ id, ownerId });
  return row ? toMessage(row) : null;
}
