/**
 * Browser-side calls of the templates (/api/templates/**): the list, one template with its parameters, and
 * a new saved workflow made from one. Responses are parsed with the API's own schemas. Client-safe.
 */
import {
  templateListResponseSchema,
  templateResponseSchema,
  type Template,
  type TemplateSummary,
} from "@/lib/contracts/templates";
import { type WorkflowSummary, workflowSavedResponseSchema } from "@/lib/contracts/workflows";
import { fetchJson } from "./fetch-json";

export async function fetchTemplates({ signal }: { signal?: AbortSignal } = {}): Promise<TemplateSummary[]> {
  return (await fetchJson("/api/templates", { schema: templateListResponseSchema, signal })).templates;
}

export async function fetchTemplate({ id, signal }: { id: string; signal?: AbortSignal }): Promise<Template> {
  return (await fetchJson(`/api/templates/${id}`, { schema: templateResponseSchema, signal })).template;
}

/**
 * A saved workflow from a template with its parameters filled in (e.g. the knowledge base a Q&A reads).
 * Without a name the template's is used; parameters left out keep the template's defaults.
 */
export async function instantiateTemplate({
  templateId,
  name,
  params,
}: {
  templateId: string;
  name?: string | undefined;
  params?: Record<string, unknown> | undefined;
}): Promise<WorkflowSummary> {
  const saved = await fetchJson(`/api/templates/${templateId}/instantiate`, {
    method: "POST",
    // Undefined fields are left out of the JSON.
    body: { name, params },
    schema: workflowSavedResponseSchema,
  });
  return saved.workflow;
}
