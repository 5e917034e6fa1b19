/**
 * Browser-side calls of the API keys (/api/keys/**): list, create (the only answer that carries the secret)
 * and revoke. Responses are parsed with the API's own schemas. The settings page's React Query hooks are in
 * components/settings/queries.ts. Client-safe.
 */
import type { z } from "zod";
import { apiKeyCreatedResponseSchema, apiKeyListResponseSchema, type apiKeySchema } from "@/lib/contracts/account";
import { fetchJson } from "./fetch-json";

export type ApiKeyView = z.infer<typeof apiKeySchema>;
export type CreatedApiKey = z.infer<typeof apiKeyCreatedResponseSchema>;

export async function fetchApiKeys({ signal }: { signal?: AbortSignal } = {}): Promise<ApiKeyView[]> {
  return (await fetchJson("/api/keys", { schema: apiKeyListResponseSchema, signal })).keys;
}

export function createApiKey(name: string): Promise<CreatedApiKey> {
  return fetchJson("/api/keys", { method: "POST", body: { name }, schema: apiKeyCreatedResponseSchema });
}

export function revokeApiKey(id: string): Promise<void> {
  return fetchJson(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE", schema: null });
}
