"use client";

/**
 * The settings page's React Query hooks over lib/api-client/api-keys: the caller's API keys, creating one
 * and revoking one. Both changes show in the list at once; the refetch that follows confirms them. And over
 * lib/api-client/credentials: the default model, model provider credentials and secrets.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type ApiKeyView,
  type CreatedApiKey,
  createApiKey,
  fetchApiKeys,
  revokeApiKey,
} from "@/lib/api-client/api-keys";
import {
  createCredential,
  createSecret,
  deleteCredential,
  deleteSecret,
  fetchCredentials,
  fetchModelSettings,
  fetchSecrets,
  renameCredential,
  setDefaultModel,
  testCredential,
} from "@/lib/api-client/credentials";

export const apiKeyKeys = {
  all: ["api-keys"] as const,
};

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeyKeys.all,
    queryFn: ({ signal }) => fetchApiKeys({ signal }),
  });
}

/** Creates a key; `onCreated` gets its secret, shown this once. */
export function useCreateApiKey({ onCreated }: { onCreated?: (created: CreatedApiKey) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: (created) => {
      onCreated?.(created);
      const { key } = created;
      queryClient.setQueryData<ApiKeyView[]>(apiKeyKeys.all, (old) => [
        key,
        ...(old ?? []).filter((k) => k.id !== key.id),
      ]);
      void queryClient.invalidateQueries({ queryKey: apiKeyKeys.all });
    },
  });
}

export function useRevokeApiKey({ onRevoked }: { onRevoked?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: (_result, id) => {
      const now = new Date().toISOString();
      queryClient.setQueryData<ApiKeyView[]>(apiKeyKeys.all, (old) =>
        old?.map((k) => (k.id === id ? { ...k, revokedAt: k.revokedAt ?? now } : k)),
      );
      void queryClient.invalidateQueries({ queryKey: apiKeyKeys.all });
      onRevoked?.();
    },
  });
}

export const modelSettingsKeys = {
  settings: ["model-settings"] as const,
  credentials: ["credentials"] as const,
  secrets: ["secrets"] as const,
};

export function useModelSettings() {
  return useQuery({ queryKey: modelSettingsKeys.settings, queryFn: ({ signal }) => fetchModelSettings({ signal }) });
}

export function useSetDefaultModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setDefaultModel,
    onSuccess: (settings) => queryClient.setQueryData(modelSettingsKeys.settings, settings),
  });
}

export function useCredentials() {
  return useQuery({ queryKey: modelSettingsKeys.credentials, queryFn: ({ signal }) => fetchCredentials({ signal }) });
}

/** Credential changes can change what "the default model" is (a deleted one falls back): both refetch. */
function useAfterCredentialChange() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: modelSettingsKeys.credentials });
    void queryClient.invalidateQueries({ queryKey: modelSettingsKeys.settings });
  };
}

export function useCreateCredential() {
  const refetch = useAfterCredentialChange();
  return useMutation({ mutationFn: createCredential, onSuccess: refetch });
}

export function useRenameCredential() {
  const refetch = useAfterCredentialChange();
  return useMutation({ mutationFn: renameCredential, onSuccess: refetch });
}

export function useDeleteCredential() {
  const refetch = useAfterCredentialChange();
  return useMutation({ mutationFn: deleteCredential, onSuccess: refetch });
}

export function useTestCredential() {
  return useMutation({ mutationFn: testCredential });
}

export function useSecrets() {
  return useQuery({ queryKey: modelSettingsKeys.secrets, queryFn: ({ signal }) => fetchSecrets({ signal }) });
}

export function useCreateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSecret,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: modelSettingsKeys.secrets }),
  });
}

export function useDeleteSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSecret,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: modelSettingsKeys.secrets }),
  });
}
