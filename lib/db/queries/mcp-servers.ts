/**
 * A user's MCP servers (Settings → MCP servers) and the workflows they offer as MCP tools. Every query is
 * scoped by owner.
 */
import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { mcpServers, workflowDefinitions } from "../schema";
import { isUniqueViolation } from "./credentials";

export interface McpServerRecord {
  id: string;
  name: string;
  url: string;
  authHeaderName: string | null;
  authHeaderHint: string;
  timeoutMs: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The record and its sealed auth header value (null when it sends none). */
export interface SealedMcpServer extends McpServerRecord {
  auth: { keyId: string; iv: Uint8Array; authTag: Uint8Array; ciphertext: Uint8Array } | null;
}

const recordColumns = {
  id: mcpServers.id,
  name: mcpServers.name,
  url: mcpServers.url,
  authHeaderName: mcpServers.authHeaderName,
  authHeaderHint: mcpServers.authHeaderHint,
  timeoutMs: mcpServers.timeoutMs,
  createdAt: mcpServers.createdAt,
  updatedAt: mcpServers.updatedAt,
};

export interface McpServerValues {
  name: string;
  url: string;
  authHeaderName: string | null;
  authHeaderHint: string;
  auth: SealedMcpServer["auth"];
  timeoutMs: number;
}

function sealedColumnsOf(auth: SealedMcpServer["auth"]) {
  return {
    authKeyId: auth?.keyId ?? null,
    authIv: auth?.iv ?? null,
    authTag: auth?.authTag ?? null,
    authCiphertext: auth?.ciphertext ?? null,
  };
}

export async function listMcpServers({ ownerId }: { ownerId: string }): Promise<McpServerRecord[]> {
  const db = await getDb();
  return db
    .select(recordColumns)
    .from(mcpServers)
    .where(eq(mcpServers.ownerId, ownerId))
    .orderBy(asc(mcpServers.name), asc(mcpServers.id));
}

export async function listMcpServerIds({ ownerId }: { ownerId: string }): Promise<string[]> {
  const db = await getDb();
  const rows = await db.select({ id: mcpServers.id }).from(mcpServers).where(eq(mcpServers.ownerId, ownerId));
  return rows.map((row) => row.id);
}

export async function getSealedMcpServer({
  id,
  ownerId,
}: {
  id: string;
  ownerId: string;
}): Promise<SealedMcpServer | null> {
  const db = await getDb();
  const [row] = await db
    .select({
      ...recordColumns,
      authKeyId: mcpServers.authKeyId,
      authIv: mcpServers.authIv,
      authTag: mcpServers.authTag,
      authCiphertext: mcpServers.authCiphertext,
    })
    .from(mcpServers)
    .where(and(eq(mcpServers.id, id), eq(mcpServers.ownerId, ownerId)));
  if (!row) return null;
  const { authKeyId, authIv, authTag, authCiphertext, ...record } = row;
  const auth =
    authKeyId && authIv && authTag && authCiphertext
      ? { keyId: authKeyId, iv: authIv, authTag, ciphertext: authCiphertext }
      : null;
  return { ...record, auth };
}

/** Null when the owner already has a server by this name. */
export async function insertMcpServer(
  ownerId: string,
  { auth, ...values }: McpServerValues,
): Promise<McpServerRecord | null> {
  const db = await getDb();
  try {
    const [row] = await db
      .insert(mcpServers)
      .values({ ownerId, ...values, ...sealedColumnsOf(auth) })
      .returning(recordColumns);
    return row ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Undefined when there is no such server, null when the new name is taken. `auth` undefined: kept. */
export async function updateMcpServer({
  id,
  ownerId,
  changes,
}: {
  id: string;
  ownerId: string;
  changes: Partial<McpServerValues>;
}): Promise<McpServerRecord | null | undefined> {
  const db = await getDb();
  const { auth, ...rest } = changes;
  try {
    const [row] = await db
      .update(mcpServers)
      .set({ ...rest, ...(auth !== undefined ? sealedColumnsOf(auth) : {}), updatedAt: new Date() })
      .where(and(eq(mcpServers.id, id), eq(mcpServers.ownerId, ownerId)))
      .returning(recordColumns);
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export async function deleteMcpServer({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .delete(mcpServers)
    .where(and(eq(mcpServers.id, id), eq(mcpServers.ownerId, ownerId)))
    .returning({ id: mcpServers.id });
  return rows.length > 0;
}

export interface OfferedWorkflow {
  id: string;
  name: string;
  description: string;
  nodes: unknown;
}

/** The owner's saved, valid workflows offered as MCP tools, by name. */
export async function listOfferedWorkflows({ ownerId }: { ownerId: string }): Promise<OfferedWorkflow[]> {
  const db = await getDb();
  return db
    .select({
      id: workflowDefinitions.id,
      name: workflowDefinitions.name,
      description: workflowDefinitions.description,
      nodes: workflowDefinitions.nodes,
    })
    .from(workflowDefinitions)
    .where(
      and(
        eq(workflowDefinitions.ownerId, ownerId),
        eq(workflowDefinitions.offeredAsTool, true),
        eq(workflowDefinitions.isTemporary, false),
        eq(workflowDefinitions.isValid, true),
      ),
    )
    .orderBy(asc(workflowDefinitions.name), asc(workflowDefinitions.id));
}

/** Offers one of the owner's saved workflows as an MCP tool, or stops; false when there is no such workflow. */
export async function setOfferedAsTool({
  id,
  ownerId,
  offered,
}: {
  id: string;
  ownerId: string;
  offered: boolean;
}): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(workflowDefinitions)
    // Not a change of the workflow's content: its updated-at stays (the $onUpdate default would move it).
    .set({ offeredAsTool: offered, updatedAt: sql`${workflowDefinitions.updatedAt}` })
    .where(
      and(
        eq(workflowDefinitions.id, id),
        eq(workflowDefinitions.ownerId, ownerId),
        eq(workflowDefinitions.isTemporary, false),
      ),
    )
    .returning({ id: workflowDefinitions.id });
  return rows.length > 0;
}
