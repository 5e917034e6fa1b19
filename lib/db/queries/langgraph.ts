/**
 * The LangGraph Platform API's own rows (lib/langgraph-api): threads (metadata, status, the conversation
 * and the last execution whose checkpointed state is the thread's state) and runs (the execution each
 * started or continued, its options, its place in the thread's queue). Every read and write is owner-scoped.
 */
import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../client";
import {
  langgraphRuns,
  langgraphThreads,
  workflowDefinitions,
  workflowExecutions,
  workflowSchedules,
  type LanggraphRun,
  type LanggraphThread,
} from "../schema";

export type NewLanggraphThread = typeof langgraphThreads.$inferInsert;
export type NewLanggraphRun = typeof langgraphRuns.$inferInsert;

const ownedThread = (id: string, ownerId: string) =>
  and(eq(langgraphThreads.id, id), eq(langgraphThreads.ownerId, ownerId));

/** Inserts the thread; null when one with this id exists already (anyone's). */
export async function insertThread(row: NewLanggraphThread): Promise<LanggraphThread | null> {
  const db = await getDb();
  const [inserted] = await db.insert(langgraphThreads).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

export async function getThread({ id, ownerId }: { id: string; ownerId: string }): Promise<LanggraphThread | null> {
  const db = await getDb();
  const [row] = await db.select().from(langgraphThreads).where(ownedThread(id, ownerId)).limit(1);
  return row ?? null;
}

/** Whether any owner has a thread with this id (a taken id is refused without saying whose). */
export async function threadIdTaken(id: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ id: langgraphThreads.id })
    .from(langgraphThreads)
    .where(eq(langgraphThreads.id, id))
    .limit(1);
  return Boolean(row);
}

export async function updateThread(
  { id, ownerId }: { id: string; ownerId: string },
  patch: Partial<Omit<NewLanggraphThread, "id" | "ownerId">>,
): Promise<LanggraphThread | null> {
  const db = await getDb();
  const [row] = await db
    .update(langgraphThreads)
    .set({ ...patch, updatedAt: new Date() })
    .where(ownedThread(id, ownerId))
    .returning();
  return row ?? null;
}

export async function deleteThread({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db.delete(langgraphThreads).where(ownedThread(id, ownerId)).returning({ id: langgraphThreads.id });
  return rows.length > 0;
}

export interface ThreadSearch {
  ownerId: string;
  metadata?: Record<string, unknown>;
  ids?: string[];
  status?: string;
  limit: number;
  offset: number;
  sortBy: "thread_id" | "status" | "created_at" | "updated_at" | "state_updated_at";
  sortOrder: "asc" | "desc";
}

function threadFilter(search: Omit<ThreadSearch, "limit" | "offset" | "sortBy" | "sortOrder">) {
  return and(
    eq(langgraphThreads.ownerId, search.ownerId),
    eq(langgraphThreads.temporary, false),
    search.metadata && Object.keys(search.metadata).length
      ? sql`${langgraphThreads.metadata} @> ${JSON.stringify(search.metadata)}::jsonb`
      : undefined,
    search.ids?.length ? inArray(langgraphThreads.id, search.ids) : undefined,
    search.status ? eq(langgraphThreads.status, search.status) : undefined,
  );
}

const THREAD_SORT = {
  thread_id: langgraphThreads.id,
  status: langgraphThreads.status,
  created_at: langgraphThreads.createdAt,
  updated_at: langgraphThreads.updatedAt,
  state_updated_at: langgraphThreads.stateUpdatedAt,
} as const;

export async function searchThreads(search: ThreadSearch): Promise<LanggraphThread[]> {
  const db = await getDb();
  const column = THREAD_SORT[search.sortBy];
  return db
    .select()
    .from(langgraphThreads)
    .where(threadFilter(search))
    .orderBy(search.sortOrder === "asc" ? asc(column) : desc(column), asc(langgraphThreads.id))
    .limit(search.limit)
    .offset(search.offset);
}

export async function countThreads(search: Omit<ThreadSearch, "limit" | "offset" | "sortBy" | "sortOrder">) {
  const db = await getDb();
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(langgraphThreads)
    .where(threadFilter(search));
  return row?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------

export async function insertRun(row: NewLanggraphRun): Promise<LanggraphRun> {
  const db = await getDb();
  const [inserted] = await db.insert(langgraphRuns).values(row).returning();
  return inserted!;
}

export async function getRun({
  id,
  ownerId,
  threadId,
}: {
  id: string;
  ownerId: string;
  threadId?: string;
}): Promise<LanggraphRun | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(langgraphRuns)
    .where(
      and(
        eq(langgraphRuns.id, id),
        eq(langgraphRuns.ownerId, ownerId),
        threadId ? eq(langgraphRuns.threadId, threadId) : undefined,
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function updateRun(
  { id, ownerId }: { id: string; ownerId: string },
  patch: Partial<Omit<NewLanggraphRun, "id" | "ownerId">>,
): Promise<LanggraphRun | null> {
  const db = await getDb();
  const [row] = await db
    .update(langgraphRuns)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(langgraphRuns.id, id), eq(langgraphRuns.ownerId, ownerId)))
    .returning();
  return row ?? null;
}

export async function deleteRun({ id, ownerId, threadId }: { id: string; ownerId: string; threadId: string }) {
  const db = await getDb();
  const rows = await db
    .delete(langgraphRuns)
    .where(and(eq(langgraphRuns.id, id), eq(langgraphRuns.ownerId, ownerId), eq(langgraphRuns.threadId, threadId)))
    .returning({ id: langgraphRuns.id });
  return rows.length > 0;
}

export async function listRuns({
  ownerId,
  threadId,
  status,
  limit,
  offset,
}: {
  ownerId: string;
  threadId: string;
  status?: string;
  limit: number;
  offset: number;
}): Promise<LanggraphRun[]> {
  const db = await getDb();
  return db
    .select()
    .from(langgraphRuns)
    .where(
      and(
        eq(langgraphRuns.ownerId, ownerId),
        eq(langgraphRuns.threadId, threadId),
        status ? eq(langgraphRuns.status, status) : undefined,
      ),
    )
    .orderBy(desc(langgraphRuns.createdAt), desc(langgraphRuns.id))
    .limit(limit)
    .offset(offset);
}

/** The thread's runs that have not ended (pending or running), oldest first. */
export async function listInflightRuns({ ownerId, threadId }: { ownerId: string; threadId: string }) {
  const db = await getDb();
  return db
    .select()
    .from(langgraphRuns)
    .where(
      and(
        eq(langgraphRuns.ownerId, ownerId),
        eq(langgraphRuns.threadId, threadId),
        inArray(langgraphRuns.status, ["pending", "running"]),
      ),
    )
    .orderBy(asc(langgraphRuns.createdAt), asc(langgraphRuns.id));
}

/** The distinct executions of a thread's runs, newest run first. */
export async function listThreadExecutions({ ownerId, threadId }: { ownerId: string; threadId: string }) {
  const db = await getDb();
  const rows = await db
    .select({ executionId: langgraphRuns.executionId })
    .from(langgraphRuns)
    .where(and(eq(langgraphRuns.ownerId, ownerId), eq(langgraphRuns.threadId, threadId)))
    .orderBy(desc(langgraphRuns.createdAt), desc(langgraphRuns.id));
  return [...new Set(rows.map((r) => r.executionId).filter((id): id is string => Boolean(id)))];
}

/**
 * The child runs an execution started (subworkflow nodes, the run_workflow tool): their trigger id is the
 * parent's id (workflow_executions_trigger_idx), in the order they were created.
 */
export async function listChildExecutionIds({ ownerId, parentId }: { ownerId: string; parentId: string }) {
  const db = await getDb();
  const rows = await db
    .select({ id: workflowExecutions.id })
    .from(workflowExecutions)
    .where(
      and(
        eq(workflowExecutions.triggerId, parentId),
        eq(workflowExecutions.triggerType, "subworkflow"),
        eq(workflowExecutions.ownerId, ownerId),
      ),
    )
    .orderBy(asc(workflowExecutions.createdAt), asc(workflowExecutions.id));
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------------
// Assistants: the owner's saved workflows with the metadata the summaries leave out
// ---------------------------------------------------------------------------------------------------------

export async function listAssistantDefinitions({ ownerId }: { ownerId: string }) {
  const db = await getDb();
  return db
    .select({
      id: workflowDefinitions.id,
      name: workflowDefinitions.name,
      description: workflowDefinitions.description,
      version: workflowDefinitions.version,
      metadata: workflowDefinitions.metadata,
      templateId: workflowDefinitions.templateId,
      createdAt: workflowDefinitions.createdAt,
      updatedAt: workflowDefinitions.updatedAt,
    })
    .from(workflowDefinitions)
    .where(and(eq(workflowDefinitions.ownerId, ownerId), eq(workflowDefinitions.isTemporary, false)))
    .orderBy(desc(workflowDefinitions.updatedAt), desc(workflowDefinitions.id))
    .limit(1000);
}

// ---------------------------------------------------------------------------------------------------------
// Crons: the owner's workflow schedules, found by id alone (LangGraph's cron id names no workflow)
// ---------------------------------------------------------------------------------------------------------

export async function findOwnedSchedule({ id, ownerId }: { id: string; ownerId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowSchedules)
    .where(and(eq(workflowSchedules.id, id), eq(workflowSchedules.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

export async function listOwnedSchedules({ ownerId, definitionId }: { ownerId: string; definitionId?: string }) {
  const db = await getDb();
  return db
    .select()
    .from(workflowSchedules)
    .where(
      and(
        eq(workflowSchedules.ownerId, ownerId),
        definitionId ? eq(workflowSchedules.definitionId, definitionId) : undefined,
      ),
    )
    .orderBy(asc(workflowSchedules.createdAt), asc(workflowSchedules.id))
    .limit(1000);
}

/** The owner's runs in these states across their threads (LangGraph's bulk cancel by status). */
export async function listOwnerRunsByStatus({ ownerId, statuses }: { ownerId: string; statuses: string[] }) {
  const db = await getDb();
  return db
    .select()
    .from(langgraphRuns)
    .where(and(eq(langgraphRuns.ownerId, ownerId), inArray(langgraphRuns.status, statuses)))
    .orderBy(asc(langgraphRuns.createdAt))
    .limit(1000);
}
