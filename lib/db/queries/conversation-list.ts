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
    .where(and(eq(conversations.ownerId, ownerId), cursor ? afterCursor(cursor) : undefined))
    .orderBy(desc(activity), desc(conversations.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** `text` as an ILIKE pattern that finds it anywhere, its `%`, `_` and backslash literal (each escaped with a backslash). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Characters of a matching message a search returns: some before the text, the rest from it on. */
const EXCERPT_BEFORE = 40;
const EXCERPT_LENGTH = 120;

/** Where a search found a conversation in a message: the newest matching message, around the text's first occurrence. */
export interface ConversationMessageHit {
  role: string;
  /** Up to EXCERPT_LENGTH characters (more for a long text) of the message, from `excerptStart`. */
  excerpt: string;
  /** 1-based: where the excerpt starts in the message (1: at its beginning). */
  excerptStart: number;
  messageLength: number;
}

/**
 * The owner's conversations whose title or any message contains `text` (case-insensitive), by last
 * activity and paged like listConversations, in ONE statement. When the title does not match, a lateral
 * subquery finds the newest matching message (of the conversation's owner) and returns an excerpt of it;
 * when the title matches, that subquery is skipped.
 */
export async function searchConversations({
  ownerId,
  text,
  cursor,
  limit,
}: {
  ownerId: string;
  text: string;
  cursor?: ConversationCursor;
  limit: number;
}): Promise<{ rows: Array<{ conversation: Conversation; hit: ConversationMessageHit | null }>; hasMore: boolean }> {
  const db = await getDb();
  const pattern = containsPattern(text);
  const titleMatches = sql`${conversations.title} ilike ${pattern} escape '\\'`;
  // Where the text starts in the message (0 when lower() and ILIKE disagree: the excerpt then starts at the beginning).
  const position = sql`strpos(lower(${messages.content}), lower(${text}::text))`;
  const start = sql`greatest(1, ${position} - ${EXCERPT_BEFORE}::int)`;
  const hit = db
    .select({
      role: sql<string>`${messages.role}`.as("hit_role"),
      excerpt:
        sql<string>`substr(${messages.content}, ${start}, greatest(${EXCERPT_LENGTH}::int, char_length(${text}::text) + ${EXCERPT_BEFORE * 2}::int))`.as(
          "hit_excerpt",
        ),
      excerptStart: sql<number>`${start}`.as("hit_start"),
      messageLength: sql<number>`char_length(${messages.content})`.as("hit_length"),
    })
    .from(messages)
    .where(
      and(
        sql`not (${titleMatches})`,
        eq(messages.conversationId, conversations.id),
        eq(messages.ownerId, conversations.ownerId),
        sql`${messages.content} ilike ${pattern} escape '\\'`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1)
    .as("hit");
  const rows = await db
    .select({
      conversation: conversations,
      hit: { role: hit.role, excerpt: hit.excerpt, excerptStart: hit.excerptStart, messageLength: hit.messageLength },
    })
    .from(conversations)
    .leftJoinLateral(hit, sql`true`)
    .where(
      and(
        eq(conversations.ownerId, ownerId),
        or(titleMatches, sql`${hit.role} is not null`),
        cursor ? afterCursor(cursor) : undefined,
      ),
    )
    .orderBy(desc(activity), desc(conversations.id))
    .limit(limit + 1);
  return {
    rows: rows.slice(0, limit).map(({ conversation, hit: found }) => ({
      conversation,
      hit:
        found?.role == null
          ? null
          : { ...found, excerptStart: Number(found.excerptStart), messageLength: Number(found.messageLength) },
    })),
    hasMore: rows.length > limit,
  };
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
