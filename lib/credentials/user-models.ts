/**
 * A run's view of its owner's model settings and secrets: their default model, their credentials opened on
 * demand, their secrets by name. Cached per process (a chat turn must not pay a database round trip for
 * them): an entry lives `USER_MODELS_TTL_MS` at most, and only while this process LISTENs for changes
 * (CREDENTIALS_CHANGED_CHANNEL, sent by every change), so an edit reaches every instance's next run.
 */
import "server-only";
import { getDbHandle } from "@/lib/db/client";
import { CREDENTIALS_CHANGED_CHANNEL, loadUserModelData, type SealedCredential } from "@/lib/db/queries/credentials";
import { AppError } from "@/lib/errors";
import type { ModelChoice, ProviderConnection, UserModelSource } from "@/lib/models";
import { unseal } from "./crypto";

export const USER_MODELS_TTL_MS = 60_000;
const MAX_CACHED_USERS = 5_000;

/** The sealed payload of a provider credential (its base URL is a plain column). */
export interface ProviderSecret {
  apiKey?: string;
}

export class UserModels implements UserModelSource {
  private readonly opened = new Map<string, string>();

  constructor(
    readonly defaultModel: ModelChoice | null,
    private readonly rows: SealedCredential[],
  ) {}

  private open(row: SealedCredential): string {
    let value = this.opened.get(row.id);
    if (value === undefined) {
      value = unseal(row);
      this.opened.set(row.id, value);
    }
    return value;
  }

  connection(credentialId: string): { provider: string; connection: ProviderConnection } {
    const row = this.rows.find((r) => r.id === credentialId && r.kind === "provider");
    if (!row?.provider) {
      throw new AppError(
        "not_found:credential",
        "The model credential this node uses no longer exists: pick another one in the node's settings.",
      );
    }
    const { apiKey } = JSON.parse(this.open(row)) as ProviderSecret;
    return {
      provider: row.provider,
      connection: { ...(apiKey ? { apiKey } : {}), ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}) },
    };
  }

  /** The named secrets' values (only those asked for are opened). */
  secrets(names: Iterable<string>): Map<string, string> {
    const found = new Map<string, string>();
    for (const name of names) {
      const row = this.rows.find((r) => r.kind === "secret" && r.name === name);
      if (row) found.set(name, (JSON.parse(this.open(row)) as { value: string }).value);
    }
    return found;
  }
}

class UserModelCache {
  private readonly byOwner = new Map<string, { models: UserModels; expiresAt: number }>();
  /** Bumped by every change heard: a load that overlapped one is not cached. */
  private changes = 0;
  private listening: Promise<boolean> | undefined;

  async get(ownerId: string): Promise<UserModels> {
    const entry = this.byOwner.get(ownerId);
    if (entry && entry.expiresAt > Date.now()) return entry.models;
    const canKeep = await this.listen();
    const changesBefore = this.changes;
    const data = await loadUserModelData({ ownerId });
    const models = new UserModels(data.defaultModel, data.credentials);
    if (canKeep && this.changes === changesBefore) {
      if (this.byOwner.size >= MAX_CACHED_USERS) this.byOwner.delete(this.byOwner.keys().next().value!);
      this.byOwner.set(ownerId, { models, expiresAt: Date.now() + USER_MODELS_TTL_MS });
    }
    return models;
  }

  forget(ownerId: string): void {
    this.changes += 1;
    this.byOwner.delete(ownerId);
  }

  private listen(): Promise<boolean> {
    this.listening ??= getDbHandle()
      .then((handle) => handle.listen(CREDENTIALS_CHANGED_CHANNEL, (ownerId) => this.forget(ownerId)))
      .then(
        () => true,
        (error: unknown) => {
          console.error("[credentials] cannot listen for changes; model settings are read on every run", error);
          this.listening = undefined;
          return false;
        },
      );
    return this.listening;
  }
}

const g = globalThis as typeof globalThis & { __latticeUserModels?: UserModelCache };
const cache = (g.__latticeUserModels ??= new UserModelCache());

/** The owner's model settings and secrets (cached; see the module comment). */
export function userModels(ownerId: string): Promise<UserModels> {
  return cache.get(ownerId);
}

/** This process forgets the owner's settings at once (others hear the change's NOTIFY). */
export function forgetUserModels(ownerId: string): void {
  cache.forget(ownerId);
}
