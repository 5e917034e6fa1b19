/**
 * Conversations and their messages, as the engine reads and writes them for CHAT runs. Owner-scoped:
 * another user's conversation is indistinguishable from a missing one.
 */
import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations, messages, workflowExecutions, type Conversation, type Message } from "../schema";

export async function getConversation({ id, ownerId }: { id: string; ownerId: string }): Promise<Conversation | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

export async function createConversation({
  ownerId,
  title,
  workflowId,
  templateId,
}: {
  ownerId: string;
  title?: string;
  workflowId?: string | null;
  templateId?: string | null;
}): Promise<Conversation> {
  const db = await getDb();
  const [row] = await db
    .insert(conversations)
    .values({
      ownerId,
      ...(title ? { title: title.slice(0, 200) } : {}),
      workflowId: workflowId ?? null,
      templateId: templateId ?? null,
    })
    .returning();
  return row!;
}

/**
 * Messages of a conversation, oldest first. `afterId`: only those after it (ULIDs sort by creation), e.g.
 * what a running summary does not cover yet. `limit` keeps the newest when there are more.
 */
export async function listMessages({
  conversationId,
  ownerId,
  afterId,
  limit = 500,
}: {
  conversationId: string;
  ownerId: string;
  afterId?: string;
  limit?: number;
}): Promise<Message[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.ownerId, ownerId),
        afterId ? gt(messages.id, afterId) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(Math.max(1, Math.min(limit, 5000)));
  return rows.reverse();
}

/** The running summary the memory node keeps, stored with the latest answer that has one. */
export async function getConversationSummary({
  conversationId,
  ownerId,
}: {
  conversationId: string;
  ownerId: string;
}): Promise<{ summary: string; coversUntil: string } | null> {
  const db = await getDb();
  const [row] = await db
    .select({ metadata: messages.metadata })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.ownerId, ownerId),
        eq(messages.role, "assistant"),
        sql`${messages.metadata} ? 'conversationSummary'`,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(1);
  const metadata = row?.metadata as { conversationSummary?: unknown; summaryCoversUntil?: unknown } | undefined;
  if (typeof metadata?.conversationSummary !== "string" || typeof metadata.summaryCoversUntil !== "string") return null;
  return { summary: metadata.conversationSummary, coversUntil: metadata.summaryCoversUntil };
}

export interface NewChatMessage {
  ownerId: string;
  conversationId: string;
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  /** Linked only when the execution has a row (the database tracker writes it at start). */
  executionId?: string;
  status?: "complete" | "stopped" | "error" | "pending";
  tokens?: number;
  cost?: number;
  durationMs?: number;
  metadata?: Record<string, unknown>;
}

/** Appends a message and updates the conversation's counters, in one transaction. */
export async function appendMessage(message: NewChatMessage): Promise<Message> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(messages)
      .values({
        conversationId: message.conversationId,
        ownerId: message.ownerId,
        role: message.role,
        content: message.content,
        executionId: message.executionId
          ? sql`(select ${workflowExecutions.id} from ${workflowExecutions} where ${workflowExecutions.id} = ${message.executionId})`
          : null,
        status: message.status ?? "complete",
        tokens: message.tokens ?? 0,
        cost: (message.cost ?? 0).toFixed(6),
        durationMs: message.durationMs ?? null,
        metadata: message.metadata ?? {},
      })
      .returning();
    await tx
      .update(conversations)
      .set({
        messageCount: sql`${conversations.messageCount} + 1`,
        totalTokens: sql`${conversations.totalTokens} + ${message.tokens ?? 0}`,
        totalCost: sql`${conversations.totalCost} + ${(message.cost ?? 0).toFixed(6)}::numeric`,
        lastMessageAt: new Date(),
      })
      .where(and(eq(conversations.id, message.conversationId), eq(conversations.ownerId, message.ownerId)));
    return row!;
  });
}
