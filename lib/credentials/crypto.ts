/**
 * Sealing credentials and secrets at rest: AES-256-GCM with a random 96-bit IV per value and its 128-bit
 * auth tag. The 256-bit key is derived with HKDF-SHA256 from LATTICE_ENCRYPTION_KEY, else from the session
 * secret (AUTH_SECRET or the generated one), so a fresh install seals without any setting. Each sealed row
 * records the id of its key (a hash of the derived key, not the key): rows sealed before a rotation open with
 * a key from LATTICE_ENCRYPTION_KEYS_PREVIOUS, and a key that matches no row's id fails with a clear error,
 * never garbage (GCM's tag check refuses a wrong key or altered bytes too).
 */
import "server-only";
import crypto from "node:crypto";
import { getAuthSecret } from "@/lib/config/local-secrets";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface SealedValue {
  keyId: string;
  iv: Uint8Array;
  authTag: Uint8Array;
  ciphertext: Uint8Array;
}

interface SealingKey {
  id: string;
  key: Buffer;
}

/** Fixed: changing either changes every derived key (and strands every sealed row). */
const HKDF_SALT = "lattice-credentials";
const HKDF_INFO = "aes-256-gcm v1";

function deriveKey(material: string): SealingKey {
  const key = Buffer.from(crypto.hkdfSync("sha256", material, HKDF_SALT, HKDF_INFO, 32));
  return { id: crypto.createHash("sha256").update(key).digest("hex").slice(0, 16), key };
}

let cached: { material: string; current: SealingKey; byId: Map<string, SealingKey> } | undefined;

/** The current key and every key that may open a row, derived once per configuration. */
function sealingKeys() {
  const e = env();
  const current = e.LATTICE_ENCRYPTION_KEY ?? getAuthSecret();
  const previous = (e.LATTICE_ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const material = [current, ...previous].join("\u0000");
  if (cached?.material !== material) {
    const currentKey = deriveKey(current);
    const byId = new Map([currentKey, ...previous.map(deriveKey)].map((k) => [k.id, k]));
    cached = { material, current: currentKey, byId };
  }
  return cached;
}

/** The id of the key new values are sealed with (rows with another id were sealed before a rotation). */
export function currentKeyId(): string {
  return sealingKeys().current.id;
}

export function seal(plaintext: string): SealedValue {
  const { current } = sealingKeys();
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", current.key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { keyId: current.id, iv, authTag: cipher.getAuthTag(), ciphertext };
}

export function cannotDecrypt(): AppError {
  return new AppError(
    "unavailable:credential_key",
    "The credential cannot be decrypted with this server's LATTICE_ENCRYPTION_KEY: set the key it was saved with (or list it in LATTICE_ENCRYPTION_KEYS_PREVIOUS), or save the credential again.",
  );
}

export function unseal(sealed: SealedValue): string {
  const key = sealingKeys().byId.get(sealed.keyId);
  if (!key) throw cannotDecrypt();
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key.key, Buffer.from(sealed.iv));
    decipher.setAuthTag(Buffer.from(sealed.authTag));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]).toString("utf8");
  } catch {
    // The tag check failed: altered bytes, or a key that shares an id by construction only in theory.
    throw cannotDecrypt();
  }
}

/** What a list shows of a secret value: its last characters at most, never enough to use it. */
export function maskedHint(value: string): string {
  if (value.length < 12) return "••••";
  return `••••${value.slice(-4)}`;
}
