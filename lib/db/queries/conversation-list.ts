/**
 * Conversations as the API lists and manages them (the engine's reads and writes are in conversations.ts).
 * Owner-scoped: another user's conversation is indistinguishable from a missing one.
 */
import "server-only";
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations, messages, type Conversation, type Message } from "../schema";

/** Where the previous page ended. Conversations are ordered by last activity (never-used ones by creation). */
export interface ConversationCursor {
  activityAt: Date;
  id: string;
}

/** At millisecond precision, the precision a cursor (a JS Date) can carry back; the id breaks ties. */
const activity = sql<Date>`date_trunc('milliseconds', coalesce(${conversations.lastMessageAt}, ${conversations.createdAt}))`;

function afterCursor(cursor: ConversationCursor) {
  // Passed as text and cast: a raw Date parameter is not serialised alike by both drivers.
  const at = sql`${cursor.activityAt.toISOString()}::timestamptz`;
  return or(sql`${activity} < ${at}`, and(sql`${activity} = ${at}`, lt(conversations.id, cursor.id)));
}

export async function listConversations({
  ownerId,
  cursor,
  limit,
}: {
  ownerId: string;
  cursor?: ConversationCursor;
  limit: number;
}): Promise<{ rows: Conversation[]; hasMore: boolean }> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.ownerId, ownerId),
        cursor ? afterCursor(cursor) : undefined,
      ),
    )
    .orderBy(desc(activity), desc(conversations.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

export async function renameConversation({
  id,
  ownerId,
  title,
}: {
  id: string;
  ownerId: string;
  title: string;
}): Promise<Conversation | null> {
  const db = await getDb();
  const [row] = await db
    .update(conversations)
    .set({ title, updatedAt: new Date() })
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .returning();
  return row ?? null;
}

/** Deletes a conversation and its messages (cascade); its executions stay, unlinked (conversation_id set null). */
/**
 * Sets a generated title only while the title is still `from` (the user may have renamed the conversation
 * meanwhile: their title wins). Returns the row when it changed.
 */
export async function replaceConversationTitle({
  id,
  ownerId,
  from,
  to,
}: {
  id: string;
  ownerId: string;
  from: string;
  to: string;
}): Promise<Conversation | null> {
  const db = await getDb();
  const [row] = await db
    .update(conversations)
    .set({ title: to, updatedAt: new Date() })
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId), eq(conversations.title, from)))
    .returning();
  return row ?? null;
}

export async function deleteConversation({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

export async function getMessage({ id, ownerId }: { id: string; ownerId: string }): Promise<Message | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}
