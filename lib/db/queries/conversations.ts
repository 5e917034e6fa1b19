/**
 * Conversations and their messages, as the engine reads and writes them for CHAT runs. Owner-scoped:
 * another user's conversation is indistinguishable from a missing one.
 */
import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { newId } from "@/lib/ids";
import { getDb, rowsOf } from "../client";
import { conversations, messages, type Conversation, type Message } from "../schema";

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

interface RawMessageRow {
  id: string;
  conversation_id: string;
  owner_id: string;
  role: string;
  content: string;
  execution_id: string | null;
  status: string;
  tokens: number | string;
  cost: string | number;
  duration_ms: number | string | null;
  metadata: unknown;
  created_at: Date | string;
}

/**
 * Appends a message and updates the conversation's counters, in ONE statement (atomic; a chat run stores
 * its question this way before the model is asked, so it is on the way to the first token). The message
 * links to its execution only when that row exists; a conversation that is gone (or not the owner's) is
 * left alone, and the message then fails its foreign key as before.
 */
export async function appendMessage(message: NewChatMessage): Promise<Message> {
  const db = await getDb();
  const tokens = message.tokens ?? 0;
  const cost = (message.cost ?? 0).toFixed(6);
  const result = await db.execute(sql`
    with inserted as (
      insert into messages (id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, duration_ms, metadata)
      values (${newId()}, ${message.conversationId}, ${message.ownerId}, ${message.role}, ${message.content},
              ${message.executionId ? sql`(select id from workflow_executions where id = ${message.executionId})` : sql`null`},
              ${message.status ?? "complete"}, ${tokens}::int, ${cost}::numeric, ${message.durationMs ?? null}::int,
              ${JSON.stringify(message.metadata ?? {})}::jsonb)
      returning *
    ),
    bumped as (
      update conversations set
        message_count = message_count + 1,
        total_tokens = total_tokens + ${tokens}::int,
        total_cost = total_cost + ${cost}::numeric,
        last_message_at = now(),
        updated_at = now()
      where id = ${message.conversationId} and owner_id = ${message.ownerId} and exists (select 1 from inserted)
      returning 1
    )
    select * from inserted`);
  const row = rowsOf<RawMessageRow>(result)[0]!;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    ownerId: row.owner_id,
    role: row.role,
    content: row.content,
    executionId: row.execution_id,
    status: row.status,
    tokens: Number(row.tokens),
    cost: String(row.cost),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    metadata: row.metadata,
    createdAt: new Date(row.created_at),
  };
}
