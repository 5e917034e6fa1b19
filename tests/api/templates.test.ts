import { describe, expect, it } from "vitest";
import { GET as listTemplates, POST as createTemplate } from "@/app/api/templates/route";
import { DELETE as deleteTemplate, GET as getTemplate, PUT as saveTemplate } from "@/app/api/templates/[id]/route";
import { POST as instantiate } from "@/app/api/templates/[id]/instantiate/route";
import { GET as exportTemplate } from "@/app/api/templates/[id]/export/route";
import { POST as importTemplate } from "@/app/api/templates/import/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { POST as toTemplate } from "@/app/api/workflows/[id]/to-template/route";
import { POST as runExecution } from "@/app/api/executions/route";
import { templateListResponseSchema, templateResponseSchema } from "@/lib/contracts/templates";
import { workflowExportFileSchema } from "@/lib/contracts/workflows";
import { call, callRaw, echoDefinition, invalidDefinition, newActor, type Actor } from "./rest-fixtures";

function templateBody(name = "My template") {
  const { name: _n, description: _d, ...graph } = echoDefinition();
  graph.nodes[1]!.data.config = { provider: "local", model: "echo", systemPrompt: "You answer as {{params.persona}}." };
  return { name, description: "With a persona", category: "chat", defaultParams: { persona: "a pirate" }, ...graph };
}

async function builtinId(actor: Actor, slug: string): Promise<string> {
  const list = templateListResponseSchema.parse((await call(listTemplates, "/api/templates", { auth: actor })).json);
  const found = list.templates.find((t) => t.slug === slug);
  if (!found) throw new Error(`no built-in ${slug}`);
  return found.id;
}

describe("templates", () => {
  it("lists the built-ins for everyone, and each user's own templates only for them", async () => {
    const a = await newActor();
    const b = await newActor();
    const created = await call(createTemplate, "/api/templates", {
      method: "POST",
      body: templateBody("A's template"),
      auth: a,
    });
    expect(created.status).toBe(201);
    const template = templateResponseSchema.parse(created.json).template;
    expect(template).toMatchObject({
      name: "A's template",
      isBuiltin: false,
      slug: null,
      category: "chat",
      defaultParams: { persona: "a pirate" },
    });

    const listA = templateListResponseSchema.parse(
      (await call(listTemplates, "/api/templates", { auth: a })).json,
    ).templates;
    const listB = templateListResponseSchema.parse(
      (await call(listTemplates, "/api/templates", { auth: b })).json,
    ).templates;
    expect(listA.filter((t) => t.isBuiltin).map((t) => t.slug)).toEqual(
      expect.arrayContaining(["universal-chat", "rag-qa", "human-approval"]),
    );
    expect(listA.map((t) => t.id)).toContain(template.id);
    expect(listB.map((t) => t.id)).not.toContain(template.id);
    expect(listB.filter((t) => t.isBuiltin)).toHaveLength(listA.filter((t) => t.isBuiltin).length);

    const read = await call(getTemplate, "/api/templates/x", { auth: b, params: { id: template.id } });
    expect(read.status).toBe(404);
  });

  it("lets a user replace and delete their own template", async () => {
    const actor = await newActor();
    const { template } = templateResponseSchema.parse(
      (await call(createTemplate, "/api/templates", { method: "POST", body: templateBody(), auth: actor })).json,
    );
    const params = { id: template.id };
    const saved = await call(saveTemplate, "/api/templates/x", {
      method: "PUT",
      body: { ...templateBody("Renamed"), category: "support" },
      auth: actor,
      params,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.template).toMatchObject({ id: template.id, name: "Renamed", category: "support" });
    expect((await call(deleteTemplate, "/api/templates/x", { method: "DELETE", auth: actor, params })).status).toBe(
      204,
    );
    expect((await call(getTemplate, "/api/templates/x", { auth: actor, params })).status).toBe(404);
  });

  it("reads built-ins for everyone but refuses to change or delete them (403 forbidden:builtin)", async () => {
    const actor = await newActor();
    const id = await builtinId(actor, "universal-chat");
    const read = await call(getTemplate, "/api/templates/x", { auth: actor, params: { id } });
    expect(read.status).toBe(200);
    expect(read.json.template).toMatchObject({ isBuiltin: true, slug: "universal-chat" });
    expect(read.json.template.definition.nodes.length).toBeGreaterThan(1);

    const put = await call(saveTemplate, "/api/templates/x", {
      method: "PUT",
      body: templateBody(),
      auth: actor,
      params: { id },
    });
    expect(put.status).toBe(403);
    expect(put.json.error.code).toBe("forbidden:builtin");
    expect(put.json.error.message).toMatch(/Built-in templates cannot be changed/);
    const del = await call(deleteTemplate, "/api/templates/x", { method: "DELETE", auth: actor, params: { id } });
    expect(del.status).toBe(403);
    expect((await call(getTemplate, "/api/templates/x", { auth: actor, params: { id } })).json.template.name).toBe(
      read.json.template.name,
    );
  });

  it("refuses a template that is not a runnable workflow, naming the node and field", async () => {
    const actor = await newActor();
    const { name: _n, description: _d, ...graph } = invalidDefinition();
    const response = await call(createTemplate, "/api/templates", {
      method: "POST",
      body: { name: "Bad", ...graph },
      auth: actor,
    });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe("validation:template");
    expect(response.json.error.issues[0]).toMatchObject({
      code: "model.unknown_provider",
      path: expect.stringMatching(/^nodes\.1\.data\.config/),
    });
  });

  it("instantiates a template into a new saved workflow with its parameters filled in, which then runs", async () => {
    const actor = await newActor();
    const { template } = templateResponseSchema.parse(
      (await call(createTemplate, "/api/templates", { method: "POST", body: templateBody(), auth: actor })).json,
    );
    const made = await call(instantiate, "/api/templates/x/instantiate", {
      method: "POST",
      body: { name: "Pirate bot", params: { persona: "a parrot" } },
      auth: actor,
      params: { id: template.id },
    });
    expect(made.status).toBe(201);
    expect(made.json.workflow).toMatchObject({
      name: "Pirate bot",
      templateId: template.id,
      version: 1,
      isValid: true,
    });
    expect(made.json.workflow.nodes[1].data.config.systemPrompt).toBe("You answer as a parrot.");

    const defaults = await call(instantiate, "/api/templates/x/instantiate", {
      method: "POST",
      auth: actor,
      params: { id: template.id },
    });
    expect(defaults.status).toBe(201);
    expect(defaults.json.workflow.name).toBe("My template");
    expect(defaults.json.workflow.nodes[1].data.config.systemPrompt).toBe("You answer as a pirate.");

    const unknownParam = await call(instantiate, "/api/templates/x/instantiate", {
      method: "POST",
      body: { params: { mood: "grumpy" } },
      auth: actor,
      params: { id: template.id },
    });
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.json.error.issues[0].path).toBe("params.mood");

    const run = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: made.json.workflow.id, input: { message: "ahoy" } },
      auth: actor,
    });
    expect(run.status).toBe(200);
    expect(run.json.status).toBe("completed");
  });

  it("instantiates a built-in for any user", async () => {
    const actor = await newActor();
    const id = await builtinId(actor, "universal-chat");
    const made = await call(instantiate, "/api/templates/x/instantiate", {
      method: "POST",
      body: {},
      auth: actor,
      params: { id },
    });
    expect(made.status).toBe(201);
    expect(made.json.workflow).toMatchObject({ name: "Universal chat", templateId: id, isValid: true });
  });

  it("turns a workflow into a template of its owner's, and refuses another user's workflow with 404", async () => {
    const actor = await newActor();
    const other = await newActor();
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition("Source"),
      auth: actor,
    });
    const made = await call(toTemplate, "/api/workflows/x/to-template", {
      method: "POST",
      body: { category: "mine" },
      auth: actor,
      params: { id: json.workflow.id },
    });
    expect(made.status).toBe(201);
    expect(made.json.template).toMatchObject({ name: "Source", category: "mine", isBuiltin: false, nodeCount: 3 });

    const theirs = await call(toTemplate, "/api/workflows/x/to-template", {
      method: "POST",
      auth: other,
      params: { id: json.workflow.id },
    });
    expect(theirs.status).toBe(404);
  });

  it("exports a template and imports it as a new template (a built-in's export too)", async () => {
    const actor = await newActor();
    const { template } = templateResponseSchema.parse(
      (await call(createTemplate, "/api/templates", { method: "POST", body: templateBody("Portable"), auth: actor }))
        .json,
    );
    const download = await callRaw(exportTemplate, "/api/templates/x/export", {
      auth: actor,
      params: { id: template.id },
    });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="Portable.lattice.json"');
    const file = workflowExportFileSchema.parse(await download.json());
    expect(file).toMatchObject({
      kind: "template",
      workflow: { name: "Portable", category: "chat", defaultParams: { persona: "a pirate" } },
    });

    const other = await newActor();
    const imported = await call(importTemplate, "/api/templates/import", { method: "POST", body: file, auth: other });
    expect(imported.status).toBe(201);
    expect(imported.json.template).toMatchObject({
      name: "Portable",
      isBuiltin: false,
      defaultParams: { persona: "a pirate" },
    });
    expect(imported.json.template.id).not.toBe(template.id);

    const builtin = await callRaw(exportTemplate, "/api/templates/x/export", {
      auth: other,
      params: { id: await builtinId(other, "rag-qa") },
    });
    const copy = await call(importTemplate, "/api/templates/import", {
      method: "POST",
      body: await builtin.json(),
      auth: other,
    });
    expect(copy.status).toBe(201);
    expect(copy.json.template).toMatchObject({ isBuiltin: false, slug: null, defaultParams: { knowledgeBaseId: "" } });
  });
});
