/**
 * API keys: only the SHA-256 of a key is stored. Every query that lists or changes keys is scoped by owner.
 */
import "server-only";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, preparedPerDb, rowsOf } from "../client";
import { apiKeys, users } from "../schema";

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const keyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export async function createApiKey({
  ownerId,
  name,
  prefix,
  keyHash,
}: {
  ownerId: string;
  name: string;
  prefix: string;
  keyHash: string;
}): Promise<ApiKeyRecord> {
  const db = await getDb();
  const [row] = await db.insert(apiKeys).values({ ownerId, name, prefix, keyHash }).returning(keyColumns);
  if (!row) throw new Error("insert into api_keys returned no row");
  return row;
}

/** The owner's keys, newest first, revoked ones included (a user should see what was revoked and when). */
export async function listApiKeysByOwner({ ownerId }: { ownerId: string }): Promise<ApiKeyRecord[]> {
  const db = await getDb();
  return db
    .select(keyColumns)
    .from(apiKeys)
    .where(eq(apiKeys.ownerId, ownerId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/**
 * Revokes one of the owner's keys. Returns false when the owner has no such key (unknown id, or another
 * user's key — indistinguishable to the caller). Revoking twice keeps the first revocation time.
 */
export async function revokeApiKey({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const db = await getDb();
  // The same statement tells every instance (API_KEY_REVOKED_CHANNEL) to forget the key, at commit.
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with revoked as (
        update ${apiKeys} set revoked_at = coalesce(${apiKeys.revokedAt}, now())
        where ${apiKeys.id} = ${id} and ${apiKeys.ownerId} = ${ownerId}
        returning ${apiKeys.id} as id
      )
      select id, pg_notify(${API_KEY_REVOKED_CHANNEL}, id) from revoked`),
  );
  return rows.length > 0;
}

/** NOTIFY channel of revoked keys (payload: the key's id), for instances that cache verified keys. */
export const API_KEY_REVOKED_CHANNEL = "lattice_api_key_revoked";

export interface ActiveApiKey {
  keyId: string;
  lastUsedAt: Date | null;
  user: { id: string; email: string; name: string | null };
}

/** Every API request looks its key up: a prepared statement (one round trip, parsed once per connection). */
const keyByHash = preparedPerDb((db) =>
  db
    .select({
      keyId: apiKeys.id,
      lastUsedAt: apiKeys.lastUsedAt,
      userId: users.id,
      email: users.email,
      name: users.name,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare("lattice_api_key_by_hash"),
);

/** The key with this hash and its owner, if the key exists and is not revoked. */
export async function getActiveApiKeyByHash({ keyHash }: { keyHash: string }): Promise<ActiveApiKey | null> {
  const db = await getDb();
  const [row] = await keyByHash(db).execute({ keyHash });
  if (!row) return null;
  return { keyId: row.keyId, lastUsedAt: row.lastUsedAt, user: { id: row.userId, email: row.email, name: row.name } };
}

/**
 * Records use of a key unless it was recorded within `minIntervalSeconds` (the condition is in SQL, so
 * concurrent requests and other instances write at most once per interval).
 */
export async function touchApiKeyLastUsed({
  id,
  minIntervalSeconds,
}: {
  id: string;
  minIntervalSeconds: number;
}): Promise<void> {
  const db = await getDb();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        or(
          isNull(apiKeys.lastUsedAt),
          lt(apiKeys.lastUsedAt, sql`now() - make_interval(secs => ${minIntervalSeconds})`),
        ),
      ),
    );
}
