/**
 * Credentials (model provider keys) and secrets, sealed (lib/credentials/crypto.ts), and a user's default
 * model. Every query is scoped by owner. Each change tells every instance to forget the owner's cached model
 * settings (CREDENTIALS_CHANGED_CHANNEL, payload: the owner's id).
 */
import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { ModelChoice } from "@/lib/models/catalog";
import { getDb } from "../client";
import { credentials, users } from "../schema";

export const CREDENTIALS_CHANGED_CHANNEL = "lattice_credentials_changed";

export type CredentialKind = "provider" | "secret";

export interface CredentialRecord {
  id: string;
  kind: CredentialKind;
  provider: string | null;
  name: string;
  baseUrl: string | null;
  hint: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SealedCredential extends CredentialRecord {
  keyId: string;
  iv: Uint8Array;
  authTag: Uint8Array;
  ciphertext: Uint8Array;
}

const recordColumns = {
  id: credentials.id,
  kind: credentials.kind,
  provider: credentials.provider,
  name: credentials.name,
  baseUrl: credentials.baseUrl,
  hint: credentials.hint,
  createdAt: credentials.createdAt,
  updatedAt: credentials.updatedAt,
};
const sealedColumns = {
  ...recordColumns,
  keyId: credentials.keyId,
  iv: credentials.iv,
  authTag: credentials.authTag,
  ciphertext: credentials.ciphertext,
};

async function notifyChanged(ownerId: string): Promise<void> {
  const db = await getDb();
  await db.execute(sql`select pg_notify(${CREDENTIALS_CHANGED_CHANNEL}, ${ownerId})`);
}

export function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "23505") return true;
  }
  return false;
}

/** The owner's credentials of a kind, by name. */
export async function listCredentials({
  ownerId,
  kind,
}: {
  ownerId: string;
  kind: CredentialKind;
}): Promise<CredentialRecord[]> {
  const db = await getDb();
  return db
    .select(recordColumns)
    .from(credentials)
    .where(and(eq(credentials.ownerId, ownerId), eq(credentials.kind, kind)))
    .orderBy(asc(credentials.name), asc(credentials.id));
}

export async function getSealedCredential({
  id,
  ownerId,
}: {
  id: string;
  ownerId: string;
}): Promise<SealedCredential | null> {
  const db = await getDb();
  const [row] = await db
    .select(sealedColumns)
    .from(credentials)
    .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)));
  return row ?? null;
}

/** Null when the owner already has one of this kind by this name. */
export async function insertCredential(values: {
  ownerId: string;
  kind: CredentialKind;
  provider: string | null;
  name: string;
  baseUrl: string | null;
  hint: string;
  keyId: string;
  iv: Uint8Array;
  authTag: Uint8Array;
  ciphertext: Uint8Array;
}): Promise<CredentialRecord | null> {
  const db = await getDb();
  try {
    const [row] = await db.insert(credentials).values(values).returning(recordColumns);
    await notifyChanged(values.ownerId);
    return row ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * Renames one of the owner's credentials and/or replaces its sealed value. Undefined when there is no such
 * credential, null when the name is taken.
 */
export async function updateCredential({
  id,
  ownerId,
  changes,
}: {
  id: string;
  ownerId: string;
  changes: Partial<Pick<SealedCredential, "name" | "baseUrl" | "hint" | "keyId" | "iv" | "authTag" | "ciphertext">>;
}): Promise<CredentialRecord | null | undefined> {
  const db = await getDb();
  try {
    const [row] = await db
      .update(credentials)
      .set(changes)
      .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)))
      .returning(recordColumns);
    if (row) await notifyChanged(ownerId);
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** False when the owner has no such credential. A default model that used it falls back to the server's. */
export async function deleteCredential({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  const deleted = await db
    .delete(credentials)
    .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)))
    .returning({ id: credentials.id });
  if (deleted.length === 0) return false;
  await db
    .update(users)
    .set({ defaultModel: null })
    .where(and(eq(users.id, ownerId), sql`${users.defaultModel}->>'credentialId' = ${id}`));
  await notifyChanged(ownerId);
  return true;
}

export async function setDefaultModel({
  ownerId,
  choice,
}: {
  ownerId: string;
  choice: ModelChoice | null;
}): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ defaultModel: choice }).where(eq(users.id, ownerId));
  await notifyChanged(ownerId);
}

/** What a run needs to resolve its owner's models and secrets: one statement. */
export async function loadUserModelData({ ownerId }: { ownerId: string }): Promise<{
  defaultModel: ModelChoice | null;
  credentials: SealedCredential[];
}> {
  const db = await getDb();
  const rows = await db
    .select({ defaultModel: users.defaultModel, credential: sealedColumns })
    .from(users)
    .leftJoin(credentials, eq(credentials.ownerId, users.id))
    .where(eq(users.id, ownerId));
  return {
    defaultModel: rows[0]?.defaultModel ?? null,
    credentials: rows.flatMap((row) => (row.credential?.id ? [row.credential as SealedCredential] : [])),
  };
}
