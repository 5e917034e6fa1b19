/**
 * Browser-side calls of the model settings (/api/models, /api/credentials/**, /api/secrets/**). A key or
 * secret value goes up on creation or replacement only; nothing that comes back carries one. The settings
 * page's React Query hooks are in components/settings/queries.ts. Client-safe.
 */
import {
  type CreateCredentialBody,
  type CredentialDto,
  type CredentialTestResult,
  credentialListResponseSchema,
  credentialResponseSchema,
  type ModelChoiceBody,
  type ModelSettings,
  modelSettingsSchema,
  type SecretDto,
  secretListResponseSchema,
  secretResponseSchema,
  testCredentialResponseSchema,
} from "@/lib/contracts/credentials";
import { fetchJson } from "./fetch-json";

export type { CredentialDto, CredentialTestResult, ModelSettings, SecretDto };

export function fetchModelSettings({ signal }: { signal?: AbortSignal } = {}): Promise<ModelSettings> {
  return fetchJson("/api/models", { schema: modelSettingsSchema, signal });
}

export function setDefaultModel(defaultModel: ModelChoiceBody | null): Promise<ModelSettings> {
  return fetchJson("/api/models/default", { method: "PUT", body: { defaultModel }, schema: modelSettingsSchema });
}

export async function fetchCredentials({ signal }: { signal?: AbortSignal } = {}): Promise<CredentialDto[]> {
  return (await fetchJson("/api/credentials", { schema: credentialListResponseSchema, signal })).credentials;
}

export async function createCredential(body: CreateCredentialBody): Promise<CredentialDto> {
  return (await fetchJson("/api/credentials", { method: "POST", body, schema: credentialResponseSchema })).credential;
}

export async function renameCredential({ id, name }: { id: string; name: string }): Promise<CredentialDto> {
  const path = `/api/credentials/${encodeURIComponent(id)}`;
  return (await fetchJson(path, { method: "PATCH", body: { name }, schema: credentialResponseSchema })).credential;
}

export function deleteCredential(id: string): Promise<void> {
  return fetchJson(`/api/credentials/${encodeURIComponent(id)}`, { method: "DELETE", schema: null });
}

export function testCredential(id: string): Promise<CredentialTestResult> {
  return fetchJson(`/api/credentials/${encodeURIComponent(id)}/test`, {
    method: "POST",
    body: {},
    schema: testCredentialResponseSchema,
  });
}

export async function fetchSecrets({ signal }: { signal?: AbortSignal } = {}): Promise<SecretDto[]> {
  return (await fetchJson("/api/secrets", { schema: secretListResponseSchema, signal })).secrets;
}

export async function createSecret(body: { name: string; value: string }): Promise<SecretDto> {
  return (await fetchJson("/api/secrets", { method: "POST", body, schema: secretResponseSchema })).secret;
}

export function deleteSecret(id: string): Promise<void> {
  return fetchJson(`/api/secrets/${encodeURIComponent(id)}`, { method: "DELETE", schema: null });
}
