/**
 * The OpenAPI document with examples for one signed-in user (the API reference page): the path ids of things
 * they own (their first workflow, run, conversation, knowledge base, a template they can use), request
 * bodies that run their workflow or chat with it, and how to authenticate — never a secret. Pure: the caller
 * reads `ApiExamples` owner-scoped (lib/services/api-examples.ts); the served /api/openapi.json stays generic.
 */
import type { OpenApiDocument } from "./openapi";

export interface ApiExamples {
  workflow?: { id: string; name: string; version: number };
  template?: { id: string; name: string };
  execution?: { id: string };
  conversation?: { id: string };
  knowledgeBase?: { id: string; name: string; documentId?: string };
}

interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  examples?: unknown;
  schema?: { example?: unknown; examples?: unknown };
}
interface MediaType {
  example?: unknown;
  examples?: Record<string, { summary: string; value: unknown }>;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { description?: string }> };
}

/** The values of a path's parameters, by the collection the path is under. */
function pathValues(path: string, examples: ApiExamples): Record<string, string | number> {
  const { workflow, template, execution, conversation, knowledgeBase } = examples;
  const under = (prefix: string) => path.startsWith(`${prefix}/{id}`);
  if (under("/api/workflows") && workflow) return { id: workflow.id, version: workflow.version };
  if (under("/api/templates") && template) return { id: template.id };
  if (under("/api/executions") && execution) return { id: execution.id };
  if (under("/api/conversations") && conversation) return { id: conversation.id };
  if (under("/api/knowledge-bases") && knowledgeBase)
    return knowledgeBase.documentId
      ? { id: knowledgeBase.id, documentId: knowledgeBase.documentId }
      : { id: knowledgeBase.id };
  return {};
}

function setParameterExample(parameter: Parameter, value: string | number): void {
  parameter.example = value;
  delete parameter.examples;
  if (parameter.schema) {
    delete parameter.schema.example;
    delete parameter.schema.examples;
  }
}

/** Named request bodies, shown as the body's example choices. */
function bodyExamples(method: string, path: string, examples: ApiExamples): MediaType["examples"] | null {
  const { workflow, template, knowledgeBase } = examples;
  const named: NonNullable<MediaType["examples"]> = {};
  if (method === "post" && path === "/api/executions") {
    if (workflow)
      named.yourWorkflow = {
        summary: `Run your workflow “${workflow.name}”`,
        value: { type: "DEFINITION", definitionId: workflow.id, input: { message: "Hello" } },
      };
    if (template)
      named.template = {
        summary: `Run the template “${template.name}”`,
        value: { type: "TEMPLATE", templateId: template.id, input: { message: "Hello" } },
      };
  } else if (method === "post" && path === "/api/chat" && workflow) {
    named.yourWorkflow = {
      summary: `Chat with “${workflow.name}”`,
      value: { workflowId: workflow.id, message: "Hello" },
    };
  } else if (method === "post" && path === "/api/knowledge-bases/{id}/search" && knowledgeBase) {
    named.search = { summary: `Search “${knowledgeBase.name}”`, value: { query: "How do I get started?" } };
  }
  return Object.keys(named).length ? named : null;
}

export const API_KEY_HINT =
  "An API key, sent as `Authorization: Bearer lat_…`. Create one under Settings → API keys (it is shown once), then paste it here to try requests; in this browser, requests are also signed in by your session.";

/**
 * Plain words for strings a viewer would otherwise show as "string", by the property's name (only where the
 * schema gives no example, format or choices of its own).
 */
const STRING_EXAMPLES: Record<string, string> = {
  name: "Support bot",
  description: "Answers questions about the product from its docs",
  label: "Answer",
  title: "Getting started",
  message: "Hello",
  text: "Lattice runs workflows of typed nodes.",
  query: "How do I get started?",
  content: "Hello",
  documentTitle: "Getting started",
};

interface SchemaNode {
  type?: string | string[];
  minimum?: number;
  example?: unknown;
  examples?: unknown;
  format?: string;
  enum?: unknown;
  const?: unknown;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  [key: string]: unknown;
}

const hasExample = (node: SchemaNode) =>
  node.example !== undefined || node.examples !== undefined || node.enum !== undefined || node.const !== undefined;

/**
 * Gives schemas realistic examples where the generated ones mislead: an integer bounded only by JavaScript's
 * safe range (zod's int()) is shown as its minimum, -9007199254740991; it gets 1. Strings named in
 * STRING_EXAMPLES get those words.
 */
function fillSchemaExamples(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) fillSchemaExamples(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const schema = node as SchemaNode;
  if (schema.type === "integer" && !hasExample(schema) && (schema.minimum ?? 0) <= Number.MIN_SAFE_INTEGER)
    schema.examples = [1];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const words = STRING_EXAMPLES[key];
    if (words && property.type === "string" && !hasExample(property) && !property.format && !property.pattern)
      property.examples = [words];
  }
  for (const value of Object.values(schema)) fillSchemaExamples(value);
}

export function withUserExamples(document: OpenApiDocument, examples: ApiExamples): OpenApiDocument {
  const doc = structuredClone(document) as unknown as Document;
  fillSchemaExamples(doc);
  for (const [path, item] of Object.entries(doc.paths)) {
    const values = pathValues(path, examples);
    for (const [method, operation] of Object.entries(item)) {
      for (const parameter of operation.parameters ?? []) {
        const value = values[parameter.name];
        if (parameter.in === "path" && value !== undefined) setParameterExample(parameter, value);
      }
      const named = bodyExamples(method, path, examples);
      const json = operation.requestBody?.content?.["application/json"];
      if (named && json) {
        delete json.example;
        json.examples = { ...named, ...json.examples };
      }
    }
  }
  const bearer = doc.components?.securitySchemes?.bearerAuth;
  if (bearer) bearer.description = API_KEY_HINT;
  return doc as unknown as OpenApiDocument;
}
