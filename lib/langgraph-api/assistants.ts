/**
 * Assistants are the caller's saved workflows (assistant_id = the workflow's id, graph_id the same id)
 * and the templates they can run (assistant_id = the template's id; graph_id = a built-in's slug, else its
 * id). An assistant may be named by either id or graph_id. Versions are the workflow's saved versions;
 * "latest" restores one as a new version (history is never rewritten). Templates are read-only here.
 */
import "server-only";
import { isId } from "@/lib/contracts/common";
import { AppError, isAppError } from "@/lib/errors";
import { listAssistantDefinitions } from "@/lib/db/queries/langgraph";
import { builtinTemplateId, getTemplateDto, instantiateTemplate, listTemplates } from "@/lib/services/templates";
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflowDto,
  listVersions,
  restoreVersion,
  updateWorkflow,
} from "@/lib/services/workflows";
import type { Workflow } from "@/lib/contracts/workflows";
import type { Template, TemplateSummary } from "@/lib/contracts/templates";
import { notFound } from "./http";
import type { AssistantSearch } from "./schemas";

export interface LgAssistant {
  assistant_id: string;
  graph_id: string;
  config: { configurable: Record<string, unknown> };
  context: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  version: number;
  name: string;
  description: string;
}

/** What an assistant runs: a saved workflow or a template. */
export type AssistantTarget =
  | { kind: "workflow"; id: string; workflow: Workflow }
  | { kind: "template"; id: string; template: Template };

function recordOf(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function workflowAssistant(row: {
  id: string;
  name: string;
  description: string;
  version: number;
  metadata: unknown;
  templateId: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}): LgAssistant {
  return {
    assistant_id: row.id,
    graph_id: row.id,
    config: { configurable: {} },
    context: {},
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
    metadata: {
      ...recordOf(row.metadata),
      lattice_kind: "workflow",
      ...(row.templateId ? { lattice_template_id: row.templateId } : {}),
    },
    version: row.version,
    name: row.name,
    description: row.description,
  };
}

function templateAssistant(template: TemplateSummary): LgAssistant {
  return {
    assistant_id: template.id,
    graph_id: template.slug ?? template.id,
    config: { configurable: {} },
    context: {},
    created_at: template.createdAt,
    updated_at: template.updatedAt,
    metadata: { lattice_kind: "template", category: template.category, builtin: template.isBuiltin },
    version: 1,
    name: template.name,
    description: template.description,
  };
}

async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  }
}

/** The workflow or template an assistant id (or graph id) names, the caller's or a built-in; 404 otherwise. */
export async function resolveAssistant(ownerId: string, assistantId: string): Promise<AssistantTarget> {
  if (isId(assistantId)) {
    const workflow = await orNull(getWorkflowDto({ ownerId, id: assistantId }));
    if (workflow) return { kind: "workflow", id: workflow.id, workflow };
    const template = await orNull(getTemplateDto({ ownerId, id: assistantId }));
    if (template) return { kind: "template", id: template.id, template };
  } else if (/^[a-z0-9][a-z0-9_-]{0,99}$/i.test(assistantId)) {
    const id = await builtinTemplateId({ slug: assistantId });
    const template = id ? await orNull(getTemplateDto({ ownerId, id })) : null;
    if (template) return { kind: "template", id: template.id, template };
  }
  throw notFound(`Assistant '${assistantId}'`);
}

export function assistantOf(target: AssistantTarget): LgAssistant {
  return target.kind === "workflow"
    ? workflowAssistant({ ...target.workflow, metadata: target.workflow.metadata })
    : templateAssistant(target.template);
}

/** The graph an assistant runs: its nodes and edges. */
export function graphOfTarget(target: AssistantTarget) {
  return target.kind === "workflow" ? target.workflow : target.template.definition;
}

async function allAssistants(ownerId: string): Promise<LgAssistant[]> {
  const [definitions, templates] = await Promise.all([
    listAssistantDefinitions({ ownerId }),
    listTemplates({ ownerId }),
  ]);
  return [...definitions.map(workflowAssistant), ...templates.map(templateAssistant)];
}

function matchesMetadata(metadata: Record<string, unknown>, filter: Record<string, unknown> | null | undefined) {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => JSON.stringify(metadata[key]) === JSON.stringify(value));
}

function filtered(all: LgAssistant[], query: Pick<AssistantSearch, "graph_id" | "name" | "metadata">) {
  const name = query.name?.toLowerCase();
  return all.filter(
    (a) =>
      (!query.graph_id || a.graph_id === query.graph_id || a.assistant_id === query.graph_id) &&
      (!name || a.name.toLowerCase().includes(name)) &&
      matchesMetadata(a.metadata, query.metadata),
  );
}

export async function searchAssistants(
  ownerId: string,
  query: AssistantSearch,
): Promise<{ assistants: Array<Partial<LgAssistant>>; next: string | null }> {
  const sortBy = query.sort_by ?? "created_at";
  const order = query.sort_order === "asc" ? 1 : -1;
  const sorted = filtered(await allAssistants(ownerId), query).sort(
    (a, b) =>
      order * String(a[sortBy]).localeCompare(String(b[sortBy])) || a.assistant_id.localeCompare(b.assistant_id),
  );
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 10;
  const page = sorted.slice(offset, offset + limit);
  const selected = query.select?.length
    ? page.map((a) =>
        Object.fromEntries(query.select!.filter((k) => k in a).map((k) => [k, a[k as keyof LgAssistant]])),
      )
    : page;
  return { assistants: selected, next: offset + limit < sorted.length ? String(offset + limit) : null };
}

export async function countAssistants(ownerId: string, query: Pick<AssistantSearch, "graph_id" | "name" | "metadata">) {
  return filtered(await allAssistants(ownerId), query).length;
}

function readOnlyTemplate(): AppError {
  return new AppError(
    "conflict:langgraph_template",
    "Templates are read-only assistants: create an assistant from it (POST /assistants with its graph_id) and change that",
  );
}

/** POST /assistants: a new workflow from a template, or a copy of a workflow, named as asked. */
export async function createAssistant(
  ownerId: string,
  body: {
    graph_id: string;
    assistant_id?: string | null | undefined;
    if_exists?: "raise" | "do_nothing" | null | undefined;
    name?: string | null | undefined;
    description?: string | null | undefined;
    metadata?: Record<string, unknown> | null | undefined;
  },
): Promise<LgAssistant> {
  if (body.assistant_id) {
    const existing = await resolveAssistant(ownerId, body.assistant_id).catch(() => null);
    if (existing) {
      if (body.if_exists === "do_nothing") return assistantOf(existing);
      throw new AppError("conflict:langgraph_assistant", `Assistant '${body.assistant_id}' already exists`);
    }
    throw new AppError(
      "validation:body",
      "Invalid body: assistant_id: Lattice chooses the ids of new assistants (omit it, or name an existing one with if_exists: do_nothing)",
    );
  }
  const source = await resolveAssistant(ownerId, body.graph_id);
  const saved =
    source.kind === "template"
      ? await instantiateTemplate({
          ownerId,
          id: source.id,
          ...(body.name ? { name: body.name } : {}),
          ...(body.description ? { description: body.description } : {}),
        })
      : await createWorkflow({
          ownerId,
          doc: {
            name: body.name ?? source.workflow.name,
            description: body.description ?? source.workflow.description,
            nodes: source.workflow.nodes,
            edges: source.workflow.edges,
            metadata: source.workflow.metadata,
          },
          origin: `as an assistant from "${source.workflow.name}"`,
        });
  let workflow = saved.workflow;
  if (body.metadata && Object.keys(body.metadata).length) {
    workflow = (await patchAssistant(ownerId, workflow.id, { metadata: body.metadata }))._workflow;
  }
  return workflowAssistant(workflow);
}

/** PATCH /assistants/{id}: a new version of the workflow with the name, description or metadata changed. */
export async function patchAssistant(
  ownerId: string,
  assistantId: string,
  body: {
    name?: string | null | undefined;
    description?: string | null | undefined;
    metadata?: Record<string, unknown> | null | undefined;
  },
): Promise<LgAssistant & { _workflow: Workflow }> {
  const target = await resolveAssistant(ownerId, assistantId);
  if (target.kind !== "workflow") throw readOnlyTemplate();
  const current = target.workflow;
  const { lattice_kind: _kind, lattice_template_id: _template, ...metadata } = body.metadata ?? {};
  const saved = await updateWorkflow({
    ownerId,
    id: current.id,
    doc: {
      name: body.name ?? current.name,
      description: body.description ?? current.description,
      nodes: current.nodes,
      edges: current.edges,
      metadata: { ...current.metadata, ...metadata },
    },
  });
  return { ...workflowAssistant(saved.workflow), _workflow: saved.workflow };
}

export async function deleteAssistant(ownerId: string, assistantId: string): Promise<void> {
  const target = await resolveAssistant(ownerId, assistantId);
  if (target.kind !== "workflow") throw readOnlyTemplate();
  await deleteWorkflow({ ownerId, id: target.id });
}

export async function assistantVersions(
  ownerId: string,
  assistantId: string,
  { limit, offset }: { limit?: number | null | undefined; offset?: number | null | undefined },
) {
  const target = await resolveAssistant(ownerId, assistantId);
  const base = assistantOf(target);
  if (target.kind !== "workflow") return [{ ...base }];
  const versions = await listVersions({ ownerId, id: target.id });
  const start = offset ?? 0;
  return versions
    .sort((a, b) => b.version - a.version)
    .slice(start, start + (limit ?? 10))
    .map((v) => ({ ...base, version: v.version, name: v.name, created_at: v.createdAt, description: v.summary }));
}

export async function setLatestVersion(ownerId: string, assistantId: string, version: number): Promise<LgAssistant> {
  const target = await resolveAssistant(ownerId, assistantId);
  if (target.kind !== "workflow") throw readOnlyTemplate();
  const saved = await restoreVersion({ ownerId, id: target.id, version });
  return workflowAssistant(saved.workflow);
}

/** GET /assistants/{id}/graph: the definition's nodes and edges, with LangGraph's __start__ and __end__. */
export function assistantGraph(target: AssistantTarget) {
  const graph = graphOfTarget(target);
  const nodes = [
    { id: "__start__", type: "schema", data: "__start__" },
    ...graph.nodes.map((node) => ({
      id: node.id,
      type: "runnable",
      data: { id: ["lattice", "nodes", node.type], name: node.type },
      metadata: { label: (node.data as { label?: string } | undefined)?.label ?? node.id, type: node.type },
    })),
    { id: "__end__", type: "schema", data: "__end__" },
  ];
  const edges = [
    ...graph.nodes.filter((n) => n.type === "start").map((n) => ({ source: "__start__", target: n.id })),
    ...graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      ...(edge.sourceHandle ? { data: edge.sourceHandle, conditional: true } : {}),
    })),
    ...graph.nodes.filter((n) => n.type === "end").map((n) => ({ source: n.id, target: "__end__" })),
  ];
  return { nodes, edges };
}

const messageSchema = {
  type: "object",
  properties: {
    type: { type: "string", enum: ["human", "ai", "system", "tool"] },
    role: { type: "string", enum: ["user", "assistant", "system", "human", "ai"] },
    content: { anyOf: [{ type: "string" }, { type: "array" }] },
    id: { type: "string" },
  },
  required: ["content"],
};

const stateProperties = {
  messages: { type: "array", items: messageSchema, description: "The conversation" },
  variables: { type: "object", additionalProperties: true, description: "The workflow's variables (merged)" },
  retrieval_context: { type: "string" },
  conversation_summary: { type: "string" },
};

/** GET /assistants/{id}/schemas: Lattice's state as JSON Schema (every workflow shares it). */
export function assistantSchemas(target: AssistantTarget) {
  const graphId = assistantOf(target).graph_id;
  return {
    graph_id: graphId,
    input_schema: {
      title: "LatticeInput",
      type: "object",
      properties: {
        messages: stateProperties.messages,
        variables: stateProperties.variables,
      },
      description: "The last human message is the turn's message; other keys are merged into variables",
    },
    output_schema: { title: "LatticeState", type: "object", properties: stateProperties },
    state_schema: { title: "LatticeState", type: "object", properties: stateProperties },
    config_schema: {
      title: "LatticeConfig",
      type: "object",
      properties: {
        durability: { type: "string", enum: ["exit", "async", "sync"] },
        timeoutMs: { type: "integer", minimum: 100 },
        maxTokens: { type: "integer", minimum: 1 },
        maxCostUsd: { type: "number", minimum: 0 },
      },
    },
    context_schema: { title: "LatticeContext", type: "object", properties: {} },
  };
}
