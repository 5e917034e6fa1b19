/**
 * Issue 14, item 20: the API reference shows example values for the signed-in user — ids of their own
 * workflow, knowledge base and document, request bodies that run their workflow — and never another user's.
 */
import { describe, expect, it } from "vitest";
import { chatBodySchema } from "@/lib/contracts/conversations";
import { runExecutionBodySchema } from "@/lib/contracts/executions";
import { knowledgeSearchBodySchema } from "@/lib/contracts/knowledge";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { API_KEY_HINT, withUserExamples } from "@/lib/http/openapi-examples";
import { loadApiExamples } from "@/lib/services/api-examples";
import { addTextDocument, createKnowledgeBase } from "@/lib/services/knowledge";
import { createWorkflow } from "@/lib/services/workflows";
import { createTestUser } from "../helpers/db";

const DOC = {
  name: "Support bot",
  description: "",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
    { id: "end", type: "end", position: { x: 240, y: 0 }, data: { label: "End", config: {} } },
  ],
  edges: [{ id: "e1", source: "start", target: "end" }],
  metadata: {},
};

async function userWithThings(label: string) {
  const user = await createTestUser();
  const saved = await createWorkflow({ ownerId: user.id, doc: { ...DOC, name: `${label} bot` } as never });
  const base = await createKnowledgeBase({ ownerId: user.id, name: `${label} docs` });
  const document = await addTextDocument({
    ownerId: user.id,
    knowledgeBaseId: base.id,
    title: "Guide",
    text: "How to get started: sign in.",
  });
  return { user, workflowId: saved.workflow.id, baseId: base.id, documentId: document.id };
}

type Json = Record<string, unknown>;
function operation(doc: unknown, path: string, method: string): Json {
  return (doc as { paths: Record<string, Record<string, Json>> }).paths[path]?.[method] ?? {};
}
function pathExample(doc: unknown, path: string, method: string, name: string): unknown {
  const parameters = (operation(doc, path, method).parameters ?? []) as Json[];
  return parameters.find((p) => p.in === "path" && p.name === name)?.example;
}
function bodyExamples(doc: unknown, path: string, method: string): Record<string, { value: unknown }> {
  const body = operation(doc, path, method).requestBody as { content: Record<string, Json> };
  return (body.content["application/json"]?.examples ?? {}) as Record<string, { value: unknown }>;
}

describe("the API reference's examples for one user (issue 14, item 20)", () => {
  // Two users with a workflow, a knowledge base and a document each: slow on a busy 2-core machine.
  it("uses the user's own ids and bodies that the API accepts, and none of another user's", {
    timeout: 90_000,
  }, async () => {
    const mine = await userWithThings("Mine");
    const theirs = await userWithThings("Theirs");

    const examples = await loadApiExamples({ ownerId: mine.user.id });
    const doc = withUserExamples(createOpenApiDocument(), examples);

    expect(pathExample(doc, "/api/workflows/{id}", "get", "id")).toBe(mine.workflowId);
    expect(pathExample(doc, "/api/workflows/{id}/versions/{version}", "get", "version")).toBe(1);
    expect(pathExample(doc, "/api/knowledge-bases/{id}", "get", "id")).toBe(mine.baseId);
    expect(pathExample(doc, "/api/knowledge-bases/{id}/documents/{documentId}", "delete", "documentId")).toBe(
      mine.documentId,
    );

    const runs = bodyExamples(doc, "/api/executions", "post");
    expect(runs.yourWorkflow?.value).toMatchObject({ type: "DEFINITION", definitionId: mine.workflowId });
    for (const { value } of Object.values(runs)) expect(runExecutionBodySchema.safeParse(value).success).toBe(true);
    const chat = bodyExamples(doc, "/api/chat", "post");
    expect(chatBodySchema.safeParse(chat.yourWorkflow?.value).success).toBe(true);
    const search = bodyExamples(doc, "/api/knowledge-bases/{id}/search", "post");
    expect(knowledgeSearchBodySchema.safeParse(search.search?.value).success).toBe(true);

    const text = JSON.stringify(doc);
    for (const id of [theirs.workflowId, theirs.baseId, theirs.documentId]) expect(text).not.toContain(id);
    expect(text).not.toContain("Theirs");
    expect(text).toContain(API_KEY_HINT.slice(0, 40));
    expect(text).not.toMatch(/lat_[A-Za-z0-9]{8,}/);

    // Realistic values where the generated ones mislead: no integer shown as -9007199254740991.
    const workflowSchema = (doc as unknown as { components: { schemas: Record<string, Json> } }).components.schemas
      .Workflow as { properties: Record<string, Json> };
    expect(workflowSchema.properties.version?.examples).toEqual([1]);
    expect(workflowSchema.properties.name?.examples).toEqual(["Support bot"]);

    // The served document stays generic: the page's copy is its own.
    expect(JSON.stringify(createOpenApiDocument())).not.toContain(mine.workflowId);
  });

  it("keeps the document's own examples for a user with nothing yet, and a built-in template to run", async () => {
    const fresh = await createTestUser();
    const examples = await loadApiExamples({ ownerId: fresh.id });
    expect(examples.workflow).toBeUndefined();
    expect(examples.template).toBeDefined();
    const doc = withUserExamples(createOpenApiDocument(), examples);
    expect(pathExample(doc, "/api/workflows/{id}", "get", "id")).toBe(
      pathExample(createOpenApiDocument(), "/api/workflows/{id}", "get", "id"),
    );
    expect(bodyExamples(doc, "/api/executions", "post").template?.value).toMatchObject({
      type: "TEMPLATE",
      templateId: examples.template!.id,
    });
  });
});
