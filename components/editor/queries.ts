"use client";

/**
 * The editor's React Query hooks over lib/api-client/workflows: the version history, one version, save and
 * restore. Every workflow query is under ["workflows"].
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchVersion, fetchVersions, restoreVersion, saveWorkflow } from "@/lib/api-client/workflows";

export const workflowKeys = {
  all: ["workflows"] as const,
  detail: (id: string) => ["workflows", id] as const,
  versions: (id: string) => ["workflows", id, "versions"] as const,
  version: (id: string, version: number) => ["workflows", id, "versions", version] as const,
};

export function useVersions(workflowId: string | null) {
  return useQuery({
    queryKey: workflowKeys.versions(workflowId ?? "new"),
    queryFn: ({ signal }) => fetchVersions(workflowId!, { signal }),
    enabled: workflowId !== null,
    staleTime: 5_000,
  });
}

export function useVersion(workflowId: string | null, version: number | null) {
  return useQuery({
    queryKey: workflowKeys.version(workflowId ?? "new", version ?? 0),
    queryFn: ({ signal }) => fetchVersion(workflowId!, version!, { signal }),
    enabled: workflowId !== null && version !== null,
    // A version never changes once written.
    staleTime: Infinity,
  });
}

/** Saves the canvas: creates the workflow on its first save, then adds a version per save. */
export function useSaveWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveWorkflow,
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: workflowKeys.versions(saved.workflow.id) });
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all, exact: true });
    },
  });
}

export function useRestoreVersion(workflowId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => restoreVersion(workflowId!, version),
    onSuccess: () => {
      if (workflowId) void queryClient.invalidateQueries({ queryKey: workflowKeys.versions(workflowId) });
    },
  });
}
