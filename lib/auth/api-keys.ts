/**
 * API keys for programmatic calls: `lat_` + 32 random bytes (base64url). Only the SHA-256 hex of a key is
 * stored (a 256-bit random secret needs no slow hash); the first 12 characters are kept as a visible prefix.
 * The secret is shown once, when the key is created.
 */
import "server-only";
import crypto from "node:crypto";
import {
  createApiKey,
  getActiveApiKeyByHash,
  listApiKeysByOwner,
  revokeApiKey as revokeApiKeyRow,
  touchApiKeyLastUsed,
  type ApiKeyRecord,
} from "@/lib/db/queries/api-keys";
import type { AuthUser } from "./types";

export const API_KEY_PREFIX = "lat_";
const API_KEY_PATTERN = /^lat_[A-Za-z0-9_-]{43}$/;
const VISIBLE_PREFIX_LENGTH = 12;
/** last_used_at is written at most this often per key: key checks are on every API call's path. */
export const LAST_USED_WRITE_INTERVAL_SECONDS = 60;

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

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
export async function issueApiKey({ ownerId, name }: { ownerId: string; name: string }): Promise<{ key: ApiKeyDto; secret: string }> {
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
export function revokeApiKey({ id, ownerId }: { id: string; ownerId: string }): Promise<boolean> {
  return revokeApiKeyRow({ id, ownerId });
}

/** The key's owner, or null for a malformed, unknown or revoked key. Records the use (throttled). */
export async function verifyApiKey(secret: string): Promise<AuthUser | null> {
  // Malformed keys are rejected without a database round trip.
  if (!API_KEY_PATTERN.test(secret)) return null;
  const found = await getActiveApiKeyByHash({ keyHash: hashApiKey(secret) });
  if (!found) return null;
  const stale =
    found.lastUsedAt === null || Date.now() - found.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_SECONDS * 1000;
  if (stale) await touchApiKeyLastUsed({ id: found.keyId, minIntervalSeconds: LAST_USED_WRITE_INTERVAL_SECONDS });
  return { ...found.user, via: "api_key", apiKeyId: found.keyId };
}
