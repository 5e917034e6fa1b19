import { describe, expect, it } from "vitest";
import { GET as listWorkflows, POST as createWorkflow } from "@/app/api/workflows/route";
import { DELETE as deleteWorkflow, GET as getWorkflow, PUT as saveWorkflow } from "@/app/api/workflows/[id]/route";
import { GET as listVersions } from "@/app/api/workflows/[id]/versions/route";
import { GET as getVersion } from "@/app/api/workflows/[id]/versions/[version]/route";
import { POST as restoreVersion } from "@/app/api/workflows/[id]/restore/[version]/route";
import { GET as exportWorkflow } from "@/app/api/workflows/[id]/export/route";
import { POST as importWorkflow } from "@/app/api/workflows/import/route";
import { POST as validateWorkflow } from "@/app/api/workflows/validate/route";
import { POST as runExecution } from "@/app/api/executions/route";
import {
  workflowSavedResponseSchema,
  workflowVersionListResponseSchema,
  workflowExportFileSchema,
} from "@/lib/contracts/workflows";
import { call, callRaw, echoDefinition, invalidDefinition, newActor, type Actor } from "./rest-fixtures";

async function create(actor: Actor, body: unknown = echoDefinition()) {
  const response = await call(createWorkflow, "/api/workflows", { method: "POST", body, auth: actor });
  expect(response.status, response.text).toBe(201);
  return workflowSavedResponseSchema.parse(response.json);
}

describe("workflows: create, read, list, delete", () => {
  it("saves a valid workflow as version 1 and reads it back, by key and by cookie", async () => {
    const actor = await newActor();
    const saved = await create(actor);
    expect(saved.validation).toEqual({ isValid: true, errors: [], warnings: expect.any(Array) });
    expect(saved.workflow).toMatchObject({
      name: "Echo flow",
      version: 1,
      isValid: true,
      nodeCount: 3,
      templateId: null,
    });

    const byKey = await call(getWorkflow, `/api/workflows/${saved.workflow.id}`, {
      auth: actor,
      params: { id: saved.workflow.id },
    });
    expect(byKey.status).toBe(200);
    expect(byKey.json.workflow).toEqual(saved.workflow);
    const byCookie = await call(getWorkflow, `/api/workflows/${saved.workflow.id}`, {
      auth: { cookie: actor.cookie },
      params: { id: saved.workflow.id },
    });
    expect(byCookie.json.workflow.id).toBe(saved.workflow.id);

    const list = await call(listWorkflows, "/api/workflows", { auth: actor });
    expect(list.json.workflows.map((w: { id: string }) => w.id)).toEqual([saved.workflow.id]);
    expect(list.json.workflows[0].nodes).toBeUndefined();
  });

  it("keeps an invalid workflow as a draft, naming each error by node and field, and the engine refuses to run it", async () => {
    const actor = await newActor();
    const saved = await create(actor, invalidDefinition());
    expect(saved.workflow.isValid).toBe(false);
    expect(saved.validation.isValid).toBe(false);
    expect(saved.validation.errors).toContainEqual(
      expect.objectContaining({
        code: "model.unknown_provider",
        nodeId: "model",
        path: expect.stringContaining("nodes.1.data.config"),
      }),
    );

    const run = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: saved.workflow.id, input: { message: "hi" } },
      auth: actor,
    });
    expect(run.status).toBe(422);
    expect(run.json.error.code).toBe("validation:workflow");
    expect(run.json.error.issues[0].code).toBe("model.unknown_provider");
  });

  it("deletes a workflow with its versions: 204, then 404 everywhere", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor);
    const params = { id: workflow.id };
    expect(
      (await call(deleteWorkflow, `/api/workflows/${workflow.id}`, { method: "DELETE", auth: actor, params })).status,
    ).toBe(204);
    expect((await call(getWorkflow, `/api/workflows/${workflow.id}`, { auth: actor, params })).status).toBe(404);
    expect((await call(listVersions, `/api/workflows/${workflow.id}/versions`, { auth: actor, params })).status).toBe(
      404,
    );
    expect(
      (await call(deleteWorkflow, `/api/workflows/${workflow.id}`, { method: "DELETE", auth: actor, params })).status,
    ).toBe(404);
  });

  it("answers 404 for ids that are not ULIDs, without a query", async () => {
    const actor = await newActor();
    for (const id of ["nope", "' or 1=1 --", "01ARZ3NDEKTSV4RRFFQ69G5FA"]) {
      const response = await call(getWorkflow, `/api/workflows/x`, { auth: actor, params: { id } });
      expect(response.status).toBe(404);
      expect(response.json.error.code).toBe("not_found:workflow");
    }
  });
});

describe("workflows: versions", () => {
  it("adds an immutable version per save, each with a summary computed from the diff", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor);
    const params = { id: workflow.id };

    const edited = echoDefinition("Echo flow v2");
    edited.nodes[1]!.data.config = { provider: "local", model: "echo", systemPrompt: "Be brief." };
    edited.nodes[2]!.position = { x: 600, y: 40 };
    const second = await call(saveWorkflow, `/api/workflows/${workflow.id}`, {
      method: "PUT",
      body: edited,
      auth: actor,
      params,
    });
    expect(second.status).toBe(200);
    expect(second.json.workflow).toMatchObject({ version: 2, name: "Echo flow v2" });

    const withNode = structuredClone(edited);
    withNode.nodes.push({
      id: "note",
      type: "variable",
      position: { x: 0, y: 200 },
      data: { label: "Set vars", config: {} },
    });
    const third = await call(saveWorkflow, `/api/workflows/${workflow.id}`, {
      method: "PUT",
      body: withNode,
      auth: actor,
      params,
    });
    expect(third.json.workflow.version).toBe(3);

    const versions = workflowVersionListResponseSchema.parse(
      (await call(listVersions, `/api/workflows/${workflow.id}/versions`, { auth: actor, params })).json,
    ).versions;
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions[2]!.summary).toBe("Created with 3 nodes and 2 edges");
    expect(versions[1]!.summary).toBe(
      'Renamed "Echo flow" to "Echo flow v2"; Changed node "Model" (model); Moved 1 node',
    );
    expect(versions[0]!.summary).toContain('Added node "Set vars" (variable)');

    // Version 1 is untouched by the later saves.
    const v1 = await call(getVersion, `/api/workflows/${workflow.id}/versions/1`, {
      auth: actor,
      params: { id: workflow.id, version: "1" },
    });
    expect(v1.status).toBe(200);
    expect(v1.json.version).toMatchObject({ version: 1, name: "Echo flow", definitionId: workflow.id });
    expect(v1.json.version.nodes[1].data.config).toEqual({ provider: "local", model: "echo" });

    for (const version of ["4", "0", "-1", "1.5", "abc"]) {
      const missing = await call(getVersion, `/api/workflows/${workflow.id}/versions/${version}`, {
        auth: actor,
        params: { id: workflow.id, version },
      });
      expect(missing.status).toBe(404);
    }
  });

  it("refuses a save based on a stale version with 409, and keeps the newer one", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor);
    const params = { id: workflow.id };
    const first = await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: { ...echoDefinition("tab A"), baseVersion: 1 },
      auth: actor,
      params,
    });
    expect(first.json.workflow.version).toBe(2);
    const stale = await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: { ...echoDefinition("tab B"), baseVersion: 1 },
      auth: actor,
      params,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("conflict:workflow_version");
    expect(stale.json.error.issues[0].path).toBe("baseVersion");
    expect((await call(getWorkflow, "/api/workflows/x", { auth: actor, params })).json.workflow.name).toBe("tab A");
  });

  it("gives concurrent saves consecutive version numbers", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor);
    const params = { id: workflow.id };
    const saves = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(saveWorkflow, "/api/workflows/x", {
          method: "PUT",
          body: echoDefinition(`save ${i}`),
          auth: actor,
          params,
        }),
      ),
    );
    expect(saves.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    expect(saves.map((s) => s.json.workflow.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const versions = (await call(listVersions, "/api/workflows/x/versions", { auth: actor, params })).json.versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it("restores an old version as a new version", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor);
    const params = { id: workflow.id };
    await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: invalidDefinition("broken"),
      auth: actor,
      params,
    });

    const restored = await call(restoreVersion, "/api/workflows/x/restore/1", {
      method: "POST",
      auth: actor,
      params: { id: workflow.id, version: "1" },
    });
    expect(restored.status).toBe(200);
    expect(restored.json.workflow).toMatchObject({ version: 3, name: "Echo flow", isValid: true });
    const versions = (await call(listVersions, "/api/workflows/x/versions", { auth: actor, params })).json.versions;
    expect(versions[0].summary).toMatch(
      /^Restored version 1: Renamed "broken" to "Echo flow"; Changed node "Model" \(model\)$/,
    );

    const missing = await call(restoreVersion, "/api/workflows/x/restore/9", {
      method: "POST",
      auth: actor,
      params: { id: workflow.id, version: "9" },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("not_found:workflow_version");
  });
});

describe("workflows: validate, export, import", () => {
  it("validates any definition with 200, reporting problems by node and field", async () => {
    const actor = await newActor();
    const valid = await call(validateWorkflow, "/api/workflows/validate", {
      method: "POST",
      body: { definition: echoDefinition() },
      auth: actor,
    });
    expect(valid.status).toBe(200);
    expect(valid.json.validation.isValid).toBe(true);

    const garbage = await call(validateWorkflow, "/api/workflows/validate", {
      method: "POST",
      body: { definition: { nodes: "no" } },
      auth: actor,
    });
    expect(garbage.status).toBe(200);
    expect(garbage.json.validation.isValid).toBe(false);
    expect(garbage.json.validation.errors[0]).toMatchObject({ code: "schema.invalid", path: "nodes" });

    const unknownKb = echoDefinition();
    unknownKb.nodes.splice(1, 0, {
      id: "search",
      type: "retrieval",
      position: { x: 120, y: 0 },
      data: { label: "Search", config: { knowledgeBaseId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" } as never },
    });
    unknownKb.edges = [
      { id: "e1", source: "start", target: "search" },
      { id: "e2", source: "search", target: "model" },
      { id: "e3", source: "model", target: "end" },
    ];
    const kb = await call(validateWorkflow, "/api/workflows/validate", {
      method: "POST",
      body: { definition: unknownKb },
      auth: actor,
    });
    expect(kb.json.validation.errors).toContainEqual(
      expect.objectContaining({ code: "retrieval.unknown_knowledge_base", nodeId: "search" }),
    );
  });

  it("exports a workflow (latest or a version) as a download that imports back as a new workflow", async () => {
    const actor = await newActor();
    const { workflow } = await create(actor, echoDefinition("Support bot / EU"));
    await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: echoDefinition("Support bot v2"),
      auth: actor,
      params: { id: workflow.id },
    });

    const latest = await callRaw(exportWorkflow, "/api/workflows/x/export", {
      auth: actor,
      params: { id: workflow.id },
    });
    expect(latest.status).toBe(200);
    expect(latest.headers.get("content-disposition")).toBe('attachment; filename="Support-bot-v2.lattice.json"');
    const file = workflowExportFileSchema.parse(await latest.json());
    expect(file).toMatchObject({
      format: "lattice.workflow",
      formatVersion: 1,
      kind: "definition",
      workflow: { name: "Support bot v2" },
    });

    const v1 = await callRaw(exportWorkflow, "/api/workflows/x/export?version=1", {
      auth: actor,
      params: { id: workflow.id },
    });
    expect((await v1.json()).workflow.name).toBe("Support bot / EU");
    const badVersion = await call(exportWorkflow, "/api/workflows/x/export?version=zero", {
      auth: actor,
      params: { id: workflow.id },
    });
    expect(badVersion.status).toBe(422);
    expect(badVersion.json.error.issues[0].path).toBe("version");

    const other = await newActor();
    const imported = await call(importWorkflow, "/api/workflows/import", { method: "POST", body: file, auth: other });
    expect(imported.status).toBe(201);
    expect(imported.json.workflow).toMatchObject({ name: "Support bot v2", version: 1, isValid: true });
    expect(imported.json.workflow.id).not.toBe(workflow.id);
    expect(imported.json.workflow.nodes).toEqual(file.workflow.nodes);
  });

  it("imports a file with errors as a draft and names each error; refuses a file that is not an export file", async () => {
    const actor = await newActor();
    const file = {
      format: "lattice.workflow",
      formatVersion: 1,
      kind: "definition",
      workflow: invalidDefinition("From elsewhere"),
    };
    const imported = await call(importWorkflow, "/api/workflows/import", { method: "POST", body: file, auth: actor });
    expect(imported.status).toBe(201);
    expect(imported.json.workflow.isValid).toBe(false);
    expect(imported.json.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: "model", code: "model.unknown_provider" }),
    );

    const wrong = await call(importWorkflow, "/api/workflows/import", {
      method: "POST",
      body: { format: "other", formatVersion: 2, kind: "definition", workflow: { nodes: [{ id: "" }], edges: [] } },
      auth: actor,
    });
    expect(wrong.status).toBe(422);
    const paths = wrong.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["format", "formatVersion", "workflow.nodes.0.id"]));
  });
});
