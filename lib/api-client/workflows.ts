/**
 * Browser-side calls of the workflows (/api/workflows/**): the list, one workflow, save (create or a new
 * version), delete, import, the version history, restore and the export download. Responses are parsed with
 * the API's own schemas. The editor's React Query hooks are in components/editor/queries.ts. Client-safe.
 */
import {
  type SaveWorkflowBody,
  workflowListResponseSchema,
  type Workflow,
  type WorkflowExportFile,
  workflowResponseSchema,
  type WorkflowSavedResponse,
  workflowSavedResponseSchema,
  type WorkflowSummary,
  type WorkflowVersion,
  workflowVersionListResponseSchema,
  workflowVersionResponseSchema,
  type WorkflowVersionSummary,
} from "@/lib/contracts/workflows";
import { errorFrom, fetchJson } from "./fetch-json";

export async function fetchWorkflows({ signal }: { signal?: AbortSignal } = {}): Promise<WorkflowSummary[]> {
  return (await fetchJson("/api/workflows", { schema: workflowListResponseSchema, signal })).workflows;
}

export async function fetchWorkflow(workflowId: string, { signal }: { signal?: AbortSignal } = {}): Promise<Workflow> {
  return (await fetchJson(`/api/workflows/${workflowId}`, { schema: workflowResponseSchema, signal })).workflow;
}

/** Saves a graph: creates the workflow (`workflowId: null`), or adds a version to it. */
export function saveWorkflow({
  workflowId,
  body,
}: {
  workflowId: string | null;
  body: SaveWorkflowBody;
}): Promise<WorkflowSavedResponse> {
  return fetchJson(workflowId ? `/api/workflows/${workflowId}` : "/api/workflows", {
    method: workflowId ? "PUT" : "POST",
    body,
    schema: workflowSavedResponseSchema,
  });
}

export function deleteWorkflow(workflowId: string): Promise<void> {
  return fetchJson(`/api/workflows/${workflowId}`, { method: "DELETE", schema: null });
}

/** Stores an export file as a new workflow (a draft when it has errors). */
export function importWorkflow(file: WorkflowExportFile): Promise<WorkflowSavedResponse> {
  return fetchJson("/api/workflows/import", { method: "POST", body: file, schema: workflowSavedResponseSchema });
}

export async function fetchVersions(
  workflowId: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<WorkflowVersionSummary[]> {
  return (
    await fetchJson(`/api/workflows/${workflowId}/versions`, { schema: workflowVersionListResponseSchema, signal })
  ).versions;
}

export async function fetchVersion(
  workflowId: string,
  version: number,
  { signal }: { signal?: AbortSignal } = {},
): Promise<WorkflowVersion> {
  return (
    await fetchJson(`/api/workflows/${workflowId}/versions/${version}`, {
      schema: workflowVersionResponseSchema,
      signal,
    })
  ).version;
}

/** Restores a version as a new version (nothing in between is lost). */
export function restoreVersion(workflowId: string, version: number): Promise<WorkflowSavedResponse> {
  return fetchJson(`/api/workflows/${workflowId}/restore/${version}`, {
    method: "POST",
    schema: workflowSavedResponseSchema,
  });
}

/** Downloads the export file of the saved workflow (the same route API clients use). */
export async function downloadExport(workflowId: string, version?: number): Promise<void> {
  const response = await fetch(`/api/workflows/${workflowId}/export${version ? `?version=${version}` : ""}`, {
    credentials: "same-origin",
  });
  if (!response.ok) throw await errorFrom(response);
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
