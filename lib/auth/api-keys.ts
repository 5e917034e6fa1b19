/**
 * API keys for programmatic calls: `lat_` + 32 random bytes (base64url). Only the SHA-256 hex of a key is
 * stored (a 256-bit random secret needs no slow hash); the first 12 characters are kept as a visible prefix.
 * The secret is shown once, when the key is created.
 */
import "server-only";
import type { ApiKeyDto } from "@/lib/contracts/account";
import crypto from "node:crypto";
import { getDbHandle } from "@/lib/db/client";
import {
  API_KEY_REVOKED_CHANNEL,
  createApiKey,
  getActiveApiKeyByHash,
  listApiKeysByOwner,
  revokeApiKey as revokeApiKeyRow,
  touchApiKeyLastUsed,
  type ActiveApiKey,
  type ApiKeyRecord,
} from "@/lib/db/queries/api-keys";
import type { AuthUser } from "./types";

export const API_KEY_PREFIX = "lat_";
const API_KEY_PATTERN = /^lat_[A-Za-z0-9_-]{43}$/;
const VISIBLE_PREFIX_LENGTH = 12;
/** last_used_at is written at most this often per key: key checks are on every API call's path. */
export const LAST_USED_WRITE_INTERVAL_SECONDS = 60;

export type { ApiKeyDto };

export function toApiKeyDto(key: ApiKeyRecord): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export function generateApiKeySecret(): string {
  return `${API_KEY_PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
}

export function hashApiKey(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Creates a key for `ownerId`; the returned secret is the only time it is ever available. */
export async function issueApiKey({
  ownerId,
  name,
}: {
  ownerId: string;
  name: string;
}): Promise<{ key: ApiKeyDto; secret: string }> {
  const secret = generateApiKeySecret();
  const key = await createApiKey({
    ownerId,
    name,
    prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH),
    keyHash: hashApiKey(secret),
  });
  return { key: toApiKeyDto(key), secret };
}

export async function listApiKeys({ ownerId }: { ownerId: string }): Promise<ApiKeyDto[]> {
  return (await listApiKeysByOwner({ ownerId })).map(toApiKeyDto);
}

/** False when the owner has no key with this id. */
export async function revokeApiKey({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  const revoked = await revokeApiKeyRow({ id, ownerId });
  // Other instances hear it from the revoking statement's NOTIFY; this one forgets the key at once.
  if (revoked) verifiedKeys.forget(id);
  return revoked;
}

/** How long a verified key is trusted without asking the database (a revocation reaches every instance at once). */
export const VERIFIED_KEY_TTL_MS = 30_000;
const MAX_VERIFIED_KEYS = 10_000;

/**
 * Keys verified recently, by hash: every API call checks its key, and a chat turn's budget is a few
 * milliseconds. An entry lives `VERIFIED_KEY_TTL_MS` at most, and only while this process listens for
 * revocations (API_KEY_REVOKED_CHANNEL, sent by the revoking statement), so a revoked key stops working on
 * every instance as soon as the revocation commits.
 */
class VerifiedKeyCache {
  private readonly byHash = new Map<string, { key: ActiveApiKey; expiresAt: number }>();
  /** Bumped by every revocation heard: a lookup that overlapped one is not cached. */
  private revocations = 0;
  private listening: Promise<boolean> | undefined;

  get(keyHash: string): ActiveApiKey | undefined {
    const entry = this.byHash.get(keyHash);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.key;
    this.byHash.delete(keyHash);
    return undefined;
  }

  /** Looks the key up in the database, keeping it when no revocation was heard meanwhile. */
  async lookUp(keyHash: string): Promise<ActiveApiKey | null> {
    const canKeep = await this.listen();
    const revocationsBefore = this.revocations;
    const key = await getActiveApiKeyByHash({ keyHash });
    if (key && canKeep && this.revocations === revocationsBefore) {
      if (this.byHash.size >= MAX_VERIFIED_KEYS) this.byHash.delete(this.byHash.keys().next().value!);
      this.byHash.set(keyHash, { key, expiresAt: Date.now() + VERIFIED_KEY_TTL_MS });
    }
    return key;
  }

  forget(keyId: string): void {
    this.revocations += 1;
    for (const [hash, entry] of this.byHash) if (entry.key.keyId === keyId) this.byHash.delete(hash);
  }

  /** LISTENs for revocations (once); false (and nothing is kept) while that is not possible. */
  private listen(): Promise<boolean> {
    this.listening ??= getDbHandle()
      .then((handle) => handle.listen(API_KEY_REVOKED_CHANNEL, (keyId) => this.forget(keyId)))
      .then(
        () => true,
        (error: unknown) => {
          console.error("[auth] cannot listen for key revocations; API keys are checked on every request", error);
          this.listening = undefined;
          return false;
        },
      );
    return this.listening;
  }
}

const g = globalThis as typeof globalThis & { __latticeVerifiedKeys?: VerifiedKeyCache };
const verifiedKeys = (g.__latticeVerifiedKeys ??= new VerifiedKeyCache());

/** The key's owner, or null for a malformed, unknown or revoked key. Records the use (throttled). */
export async function verifyApiKey(secret: string): Promise<AuthUser | null> {
  // Malformed keys are rejected without a database round trip.
  if (!API_KEY_PATTERN.test(secret)) return null;
  const keyHash = hashApiKey(secret);
  const found = verifiedKeys.get(keyHash) ?? (await verifiedKeys.lookUp(keyHash));
  if (!found) return null;
  const now = Date.now();
  if (found.lastUsedAt === null || now - found.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_SECONDS * 1000) {
    found.lastUsedAt = new Date(now);
    await touchApiKeyLastUsed({ id: found.keyId, minIntervalSeconds: LAST_USED_WRITE_INTERVAL_SECONDS });
  }
  return { ...found.user, via: "api_key", apiKeyId: found.keyId };
}
