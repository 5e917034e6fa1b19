"use client";

/**
 * The editor's data layer: React Query hooks over the REST API (/api/workflows/**), each response parsed
 * with the API's own DTO schemas (lib/api), so the UI and the API share one contract and one path.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  workflowSavedResponseSchema,
  workflowVersionListResponseSchema,
  workflowVersionResponseSchema,
  type SaveWorkflowBody,
} from "@/lib/contracts/workflows";
import { fetchJson } from "@/lib/api-client/fetch-json";

export const workflowKeys = {
  all: ["workflows"] as const,
  detail: (id: string) => ["workflows", id] as const,
  versions: (id: string) => ["workflows", id, "versions"] as const,
  version: (id: string, version: number) => ["workflows", id, "versions", version] as const,
};

export function useVersions(workflowId: string | null) {
  return useQuery({
    queryKey: workflowKeys.versions(workflowId ?? "new"),
    queryFn: ({ signal }) =>
      fetchJson(`/api/workflows/${workflowId}/versions`, { schema: workflowVersionListResponseSchema, signal }).then(
        (body) => body.versions,
      ),
    enabled: workflowId !== null,
    staleTime: 5_000,
  });
}

export function useVersion(workflowId: string | null, version: number | null) {
  return useQuery({
    queryKey: workflowKeys.version(workflowId ?? "new", version ?? 0),
    queryFn: ({ signal }) =>
      fetchJson(`/api/workflows/${workflowId}/versions/${version}`, {
        schema: workflowVersionResponseSchema,
        signal,
      }).then((body) => body.version),
    enabled: workflowId !== null && version !== null,
    // A version never changes once written.
    staleTime: Infinity,
  });
}

/** Saves the canvas: creates the workflow on its first save, then adds a version per save. */
export function useSaveWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ workflowId, body }: { workflowId: string | null; body: SaveWorkflowBody }) =>
      fetchJson(workflowId ? `/api/workflows/${workflowId}` : "/api/workflows", {
        method: workflowId ? "PUT" : "POST",
        body,
        schema: workflowSavedResponseSchema,
      }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: workflowKeys.versions(saved.workflow.id) });
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all, exact: true });
    },
  });
}

export function useRestoreVersion(workflowId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) =>
      fetchJson(`/api/workflows/${workflowId}/restore/${version}`, {
        method: "POST",
        schema: workflowSavedResponseSchema,
      }),
    onSuccess: () => {
      if (workflowId) void queryClient.invalidateQueries({ queryKey: workflowKeys.versions(workflowId) });
    },
  });
}

/** Downloads the export file of the saved workflow (the same route API clients use). */
export async function downloadExport(workflowId: string, version?: number): Promise<void> {
  const response = await fetch(`/api/workflows/${workflowId}/export${version ? `?version=${version}` : ""}`, {
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`The export failed (HTTP ${response.status}).`);
  const disposition = response.headers.get("content-disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const filename = match?.[1] ? decodeURIComponent(match[1]) : "workflow.lattice.json";
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
