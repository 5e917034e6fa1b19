/**
 * Templates: the built-ins (readable by everyone, changeable by no one) and each user's own. A template is
 * pure configuration — a graph with `{{params.name}}` placeholders and their defaults; instantiating one
 * fills them in and saves the result as a new workflow.
 */
import "server-only";
import { listTemplateUsage as selectTemplateUsage, type TemplateUsage } from "@/lib/db/queries/analytics";
import {
  getTemplate,
  getTemplateBySlug,
  listTemplates as selectTemplates,
  type TemplateSummary as TemplateSummaryRow,
} from "@/lib/db/queries/templates";
import {
  createTemplate as insertTemplate,
  deleteTemplate as removeTemplate,
  updateTemplate as replaceTemplate,
  type TemplateContent,
} from "@/lib/db/queries/template-writes";
import { createTemporaryDefinition } from "@/lib/db/queries/definitions";
import { getKnowledgeBase } from "@/lib/db/queries/knowledge";
import type { WorkflowTemplate } from "@/lib/db/schema";
import { engineValidationContext } from "@/lib/engine/resources";
import { AppError } from "@/lib/errors";
import { fillTemplateParams, resolveTemplateParams } from "@/lib/templates/instantiate";
import { validateWorkflow } from "@/lib/validation";
import {
  DEFINITION_LIMITS,
  EXPORT_FORMAT_VERSION,
  type ExportFile,
  type WorkflowDefinitionDoc,
} from "@/lib/workflow/definition";
import type { Template, TemplateSummary } from "@/lib/contracts/templates";
import type { WorkflowSavedResponse } from "@/lib/contracts/workflows";
import type { RepointedNode } from "@/lib/contracts/workflows";
import { credentialIdsForImport, credentialNamesForExport } from "./credential-references";
import { validateForUser } from "./validation-context";
import { createWorkflow, requireWorkflow } from "./workflows";

export type { TemplateUsage };

export function templateNotFound(): AppError {
  return new AppError("not_found:template", "No such template.");
}

function builtinIsReadOnly(): AppError {
  return new AppError(
    "forbidden:builtin",
    "Built-in templates cannot be changed or deleted. Instantiate it, or save a copy as your own template, and change that.",
  );
}

function recordOf(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function toTemplateSummary(row: TemplateSummaryRow): TemplateSummary {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    category: row.category,
    isBuiltin: row.isBuiltin,
    nodeCount: row.nodeCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function graphOf(row: WorkflowTemplate) {
  const definition = recordOf(row.definition);
  return {
    nodes: arrayOf<Template["definition"]["nodes"][number]>(definition.nodes),
    edges: arrayOf<Template["definition"]["edges"][number]>(definition.edges),
    metadata: recordOf(definition.metadata),
  };
}

function toTemplate(row: WorkflowTemplate): Template {
  const definition = graphOf(row);
  return {
    ...toTemplateSummary({ ...row, nodeCount: definition.nodes.length }),
    definition,
    defaultParams: recordOf(row.defaultParams),
  };
}

export async function listTemplates({ ownerId }: { ownerId: string }): Promise<TemplateSummary[]> {
  return (await selectTemplates({ ownerId })).map(toTemplateSummary);
}

/** The id of the built-in template with this slug (lib/templates/slugs.ts), or null when it is not installed. */
export async function builtinTemplateId({ slug }: { slug: string }): Promise<string | null> {
  return (await getTemplateBySlug({ slug }))?.id ?? null;
}

/**
 * The owner's all-time use of each template they have run (finished runs, from the counters the tracker keeps,
 * which outlive pruned runs), most recently used first.
 */
export async function listTemplateUsage({ ownerId }: { ownerId: string }): Promise<TemplateUsage[]> {
  return selectTemplateUsage({ ownerId });
}

async function requireTemplate({ ownerId, id }: { ownerId: string; id: string }): Promise<WorkflowTemplate> {
  const row = await getTemplate({ id, ownerId });
  if (!row) throw templateNotFound();
  return row;
}

export async function getTemplateDto({ ownerId, id }: { ownerId: string; id: string }): Promise<Template> {
  return toTemplate(await requireTemplate({ ownerId, id }));
}

/**
 * A template must be a workflow the engine could run once its parameters are filled in: it is checked as
 * written (placeholders are text, so a `{{params.x}}` field passes) against what this deployment offers.
 * Owned resources are not checked — a template is shared configuration, filled in per use.
 */
function assertRunnableTemplate(ownerId: string, content: TemplateContent): void {
  const validation = validateWorkflow(content.definition, { id: ownerId }, engineValidationContext({ depth: 0 }));
  if (validation.isValid) return;
  throw new AppError(
    "validation:template",
    `The template is not a valid workflow: ${validation.errors[0]?.message ?? ""}`.trim(),
    {
      issues: validation.errors.map((issue) => ({
        path:
          issue.path ?? (issue.nodeId ? `nodes.${issue.nodeId}` : issue.edgeId ? `edges.${issue.edgeId}` : "(body)"),
        message: issue.message,
        code: issue.code,
      })),
    },
  );
}

export interface TemplateInput {
  name: string;
  description: string;
  category: string;
  nodes: unknown[];
  edges: unknown[];
  metadata: Record<string, unknown>;
  defaultParams: Record<string, unknown>;
}

function contentOf(input: TemplateInput): TemplateContent {
  return {
    name: input.name,
    description: input.description,
    category: input.category,
    definition: { nodes: input.nodes, edges: input.edges, metadata: input.metadata },
    defaultParams: input.defaultParams,
  };
}

export async function createTemplate({ ownerId, input }: { ownerId: string; input: TemplateInput }): Promise<Template> {
  const content = contentOf(input);
  assertRunnableTemplate(ownerId, content);
  return toTemplate(await insertTemplate({ ownerId, content }));
}

/** 404 for a template the user cannot see; 403 forbidden:builtin for a built-in (which everyone can see). */
async function requireOwnTemplate({ ownerId, id }: { ownerId: string; id: string }): Promise<WorkflowTemplate> {
  const row = await requireTemplate({ ownerId, id });
  if (row.isBuiltin || row.ownerId === null) throw builtinIsReadOnly();
  return row;
}

export async function updateTemplate({
  ownerId,
  id,
  input,
}: {
  ownerId: string;
  id: string;
  input: TemplateInput;
}): Promise<Template> {
  await requireOwnTemplate({ ownerId, id });
  const content = contentOf(input);
  assertRunnableTemplate(ownerId, content);
  const row = await replaceTemplate({ id, ownerId, content });
  if (!row) throw templateNotFound();
  return toTemplate(row);
}

export async function deleteTemplate({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  await requireOwnTemplate({ ownerId, id });
  if (!(await removeTemplate({ id, ownerId }))) throw templateNotFound();
}

/** A new saved workflow from the template, its parameters filled in (defaults, then `params`). */
export async function instantiateTemplate({
  ownerId,
  id,
  name,
  description,
  params,
}: {
  ownerId: string;
  id: string;
  name?: string;
  description?: string;
  params?: Record<string, unknown>;
}): Promise<WorkflowSavedResponse> {
  const template = await requireTemplate({ ownerId, id });
  const resolved = resolveTemplateParams(recordOf(template.defaultParams), params);
  const graph = fillTemplateParams(graphOf(template), resolved);
  const doc: WorkflowDefinitionDoc = {
    name: name ?? template.name,
    description: description ?? template.description,
    nodes: graph.nodes,
    edges: graph.edges,
    metadata: graph.metadata,
  };
  return createWorkflow({ ownerId, doc, templateId: template.id, origin: `from template "${template.name}"` });
}

/** A template with a knowledge base, made for a chat to answer with. */
export interface KnowledgeChat {
  /** The temporary definition the chat sends its messages to (`workflowId`). */
  workflowId: string;
  /** "Knowledge base Q&A · Handbook". */
  name: string;
}

/**
 * A template that asks for a knowledge base (its `knowledgeBaseId` parameter), filled in with one of the
 * owner's bases and stored as a temporary definition for a chat to answer with: the chat is bound to that
 * base, and nothing is added to the owner's workflow list (temporary definitions are never listed; the
 * retention settings prune them once no run uses them). Checked like a save, against the owner's resources.
 */
export async function prepareKnowledgeChat({
  ownerId,
  templateId,
  knowledgeBaseId,
}: {
  ownerId: string;
  templateId: string;
  knowledgeBaseId: string;
}): Promise<KnowledgeChat> {
  const template = await requireTemplate({ ownerId, id: templateId });
  const defaults = recordOf(template.defaultParams);
  if (!Object.hasOwn(defaults, "knowledgeBaseId")) {
    throw new AppError(
      "bad_request:template_params",
      `${template.name} does not read a knowledge base: chat with it without choosing one.`,
      { issues: [{ path: "params.knowledgeBaseId", message: "this template has no such parameter" }] },
    );
  }
  const knowledgeBase = await getKnowledgeBase({ id: knowledgeBaseId, ownerId });
  if (!knowledgeBase) throw new AppError("not_found:knowledge_base", "No such knowledge base.");
  const graph = fillTemplateParams(graphOf(template), resolveTemplateParams(defaults, { knowledgeBaseId }));
  const validation = await validateForUser({ ownerId, definition: graph });
  if (!validation.isValid) {
    throw new AppError(
      "validation:template",
      `${template.name} cannot answer from this knowledge base: ${validation.errors[0]?.message ?? ""}`.trim(),
    );
  }
  const name = `${template.name} · ${knowledgeBase.name}`.slice(0, DEFINITION_LIMITS.maxNameLength);
  const temporary = await createTemporaryDefinition({ ownerId, templateId: template.id, name, graph });
  return { workflowId: temporary.id, name };
}

/** A new template of the user's from the latest version of one of their workflows. */
export async function templateFromWorkflow({
  ownerId,
  workflowId,
  name,
  description,
  category,
}: {
  ownerId: string;
  workflowId: string;
  name?: string;
  description?: string;
  category?: string;
}): Promise<Template> {
  const workflow = await requireWorkflow({ ownerId, id: workflowId });
  return createTemplate({
    ownerId,
    input: {
      name: name ?? workflow.name,
      description: description ?? workflow.description,
      category: category ?? "general",
      nodes: arrayOf(workflow.nodes),
      edges: arrayOf(workflow.edges),
      metadata: recordOf(workflow.metadata),
      defaultParams: {},
    },
  });
}

export async function exportTemplate({ ownerId, id }: { ownerId: string; id: string }): Promise<ExportFile> {
  const template = toTemplate(await requireTemplate({ ownerId, id }));
  const { nodes, ...graph } = template.definition;
  return {
    format: "lattice.workflow",
    formatVersion: EXPORT_FORMAT_VERSION,
    kind: "template",
    exportedAt: new Date().toISOString(),
    workflow: {
      name: template.name,
      description: template.description,
      category: template.category,
      defaultParams: template.defaultParams,
      // A credential by its name, as in a workflow's export.
      nodes: await credentialNamesForExport(ownerId, nodes),
      ...graph,
    },
  };
}

/**
 * Imports an export file (of a template or a definition) as a new template of the user's; credentials are
 * mapped by name as a workflow import maps them, and the nodes that found none are listed.
 */
export async function importTemplate({
  ownerId,
  file,
}: {
  ownerId: string;
  file: ExportFile;
}): Promise<{ template: Template; repointedNodes?: RepointedNode[] }> {
  const { category, defaultParams, ...doc } = file.workflow;
  const { nodes, repointedNodes } = await credentialIdsForImport(ownerId, doc.nodes);
  const template = await createTemplate({
    ownerId,
    input: { ...doc, nodes, category: category?.trim() || "general", defaultParams: defaultParams ?? {} },
  });
  return repointedNodes.length ? { template, repointedNodes } : { template };
}
