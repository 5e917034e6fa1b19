/**
 * /api/mcp's sessions and their calls, kept in the database so that every app instance can serve every
 * session: the instance that does not hold one opens it again from its initialize params, and a cancel
 * names a call any instance can find. Every query is scoped by owner.
 */
import "server-only";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { mcpCalls, mcpSessions } from "../schema";

export async function insertMcpSession(values: { id: string; ownerId: string; initialize: unknown }): Promise<void> {
  await (await getDb())
    .insert(mcpSessions)
    .values({ id: values.id, ownerId: values.ownerId, initialize: values.initialize })
    .onConflictDoNothing();
}

/**
 * The session if it is the owner's and was used within `idleMs`, marked used now (one statement: every
 * request on a session checks that it still exists — another instance may have ended it — and keeps it alive).
 */
export async function touchMcpSession({
  id,
  ownerId,
  idleMs,
}: {
  id: string;
  ownerId: string;
  idleMs: number;
}): Promise<{ initialize: unknown } | undefined> {
  const [row] = await (await getDb())
    .update(mcpSessions)
    .set({ lastSeenAt: sql`now()` })
    .where(
      and(
        eq(mcpSessions.id, id),
        eq(mcpSessions.ownerId, ownerId),
        gt(mcpSessions.lastSeenAt, sql`now() - make_interval(secs => ${idleMs / 1000})`),
      ),
    )
    .returning({ initialize: mcpSessions.initialize });
  return row;
}

export async function deleteMcpSession({ id }: { id: string }): Promise<void> {
  await (await getDb()).delete(mcpSessions).where(eq(mcpSessions.id, id));
}

/** Drops sessions unused for `idleMs` (their calls go with them). */
export async function deleteIdleMcpSessions({ idleMs }: { idleMs: number }): Promise<number> {
  const rows = await (await getDb())
    .delete(mcpSessions)
    .where(lt(mcpSessions.lastSeenAt, sql`now() - make_interval(secs => ${idleMs / 1000})`))
    .returning({ id: mcpSessions.id });
  return rows.length;
}

export async function insertMcpCall(values: { sessionId: string; requestId: string; executionId: string }) {
  await (await getDb()).insert(mcpCalls).values(values).onConflictDoNothing();
}

/** The run a session's request started, if the session is the owner's. */
export async function findMcpCallExecution({
  sessionId,
  requestId,
  ownerId,
}: {
  sessionId: string;
  requestId: string;
  ownerId: string;
}): Promise<string | undefined> {
  const [row] = await (await getDb())
    .select({ executionId: mcpCalls.executionId })
    .from(mcpCalls)
    .innerJoin(mcpSessions, eq(mcpSessions.id, mcpCalls.sessionId))
    .where(and(eq(mcpCalls.sessionId, sessionId), eq(mcpCalls.requestId, requestId), eq(mcpSessions.ownerId, ownerId)));
  return row?.executionId;
}
