"use client";

/**
 * The settings page's React Query hooks over lib/api-client/api-keys: the caller's API keys, creating one
 * and revoking one. Both changes show in the list at once; the refetch that follows confirms them.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type ApiKeyView,
  type CreatedApiKey,
  createApiKey,
  fetchApiKeys,
  revokeApiKey,
} from "@/lib/api-client/api-keys";

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
