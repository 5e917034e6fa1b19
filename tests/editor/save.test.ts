/**
 * Issue 14, items 1 and 5: a double-click on Save created the workflow twice, or (on a saved one) sent a
 * second save based on the version the first was replacing and showed a false "saved elsewhere" conflict;
 * and a name over the limit was sent, to fail with the API's raw validation message.
 */
import { describe, expect, it, vi } from "vitest";
import { documentFromDefinition, emptyDocument } from "@/components/editor/model/document";
import { createEditorStore } from "@/components/editor/model/editor-store";
import { createSaver, saveErrorText, type SaveRequest } from "@/components/editor/model/save";
import { saveWorkflowBodySchema, WORKFLOW_LIMITS, type WorkflowSavedResponse } from "@/lib/contracts/workflows";
import { AppError } from "@/lib/errors";

const WORKFLOW_ID = "01JABCDEFGHJKMNPQRSTVWXYZ0";
const now = "2025-01-01T00:00:00.000Z";

const graph = {
  name: "Echo",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
    { id: "end", type: "end", position: { x: 300, y: 0 }, data: { label: "End", config: {} } },
  ],
  edges: [{ id: "e-start-end", source: "start", target: "end", sourceHandle: "out" }],
};

/**
 * A fake API with the real one's rules: a POST creates a workflow, a PUT adds a version, and a PUT whose
 * baseVersion is no longer the latest is refused with 409. Answers wait until `release()`.
 */
function fakeApi() {
  const created: string[] = [];
  let version = 0;
  const requests: SaveRequest[] = [];
  const waiting: Array<() => void> = [];
  const send = vi.fn(async (request: SaveRequest): Promise<WorkflowSavedResponse> => {
    requests.push(request);
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (request.workflowId === null) {
      created.push(WORKFLOW_ID);
      version = 1;
    } else {
      if (request.body.baseVersion !== undefined && request.body.baseVersion !== version)
        throw new AppError("conflict:workflow", "This workflow was saved elsewhere since you opened it.");
      version += 1;
    }
    return {
      workflow: {
        id: WORKFLOW_ID,
        name: request.body.name ?? "",
        description: "",
        version,
        isValid: true,
        templateId: null,
        nodeCount: request.body.nodes.length,
        createdAt: now,
        updatedAt: now,
        nodes: [],
        edges: [],
        metadata: {},
      },
      validation: { isValid: true, errors: [], warnings: [] },
    } as unknown as WorkflowSavedResponse;
  });
  const release = async () => {
    while (waiting.length) waiting.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { send, requests, created, release, version: () => version, setVersion: (v: number) => (version = v) };
}

describe("Save, one per click (issue 14, item 1)", () => {
  it("a double-click on a new workflow's Save creates it once", async () => {
    const store = createEditorStore({ doc: documentFromDefinition(graph) });
    store.getState().setName("Echo twice?");
    const api = fakeApi();
    const onCreated = vi.fn();
    const saver = createSaver(store, { send: api.send, onCreated });

    const first = saver.save();
    // The button is busy from the click itself, before any answer.
    expect(store.getState().saving).toBe(true);
    const second = saver.save();
    await api.release();

    expect(await first).toBe("saved");
    expect(await second).toBe("saved");
    expect(api.send).toHaveBeenCalledTimes(1);
    expect(api.created).toEqual([WORKFLOW_ID]);
    expect(onCreated).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ workflowId: WORKFLOW_ID, savedVersion: 1, saving: false });
  });

  it("a double-click on a saved workflow's Save adds one version and shows no conflict", async () => {
    const store = createEditorStore({ doc: documentFromDefinition(graph), workflowId: WORKFLOW_ID, version: 3 });
    const api = fakeApi();
    api.setVersion(3);
    const saver = createSaver(store, { send: api.send });
    store.getState().setName("Echo, renamed");

    const outcomes = [saver.save(), saver.save(), saver.save()];
    await api.release();

    expect(await Promise.all(outcomes)).toEqual(["saved", "saved", "saved"]);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body.baseVersion).toBe(3);
    expect(store.getState()).toMatchObject({ savedVersion: 4, conflict: null, saving: false });
    // Clicking again once it is saved says so and sends nothing.
    expect(await saver.save()).toBe("unchanged");
    expect(api.requests).toHaveLength(1);
  });

  it("a real conflict (saved in another tab) still says so, and “Save over it” sends one save", async () => {
    const store = createEditorStore({ doc: documentFromDefinition(graph), workflowId: WORKFLOW_ID, version: 3 });
    const api = fakeApi();
    api.setVersion(4); // another tab saved version 4
    const saver = createSaver(store, { send: api.send });
    store.getState().setName("Mine");

    const refused = saver.save();
    await api.release();
    expect(await refused).toBe("conflict");
    expect(store.getState().conflict).toContain("saved elsewhere");

    const over = [saver.save({ overwrite: true }), saver.save({ overwrite: true })];
    await api.release();
    expect(await Promise.all(over)).toEqual(["saved", "saved"]);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]!.body.baseVersion).toBeUndefined();
    expect(store.getState()).toMatchObject({ savedVersion: 5, conflict: null });
  });

  it("saves again after the first save has finished", async () => {
    const store = createEditorStore({ doc: documentFromDefinition(graph) });
    const api = fakeApi();
    const saver = createSaver(store, { send: api.send });
    store.getState().setName("One");
    const first = saver.save();
    await api.release();
    expect(await first).toBe("saved");
    store.getState().setName("Two");
    const second = saver.save();
    await api.release();
    expect(await second).toBe("saved");
    expect(api.requests.map((r) => [r.workflowId, r.body.name])).toEqual([
      [null, "One"],
      [WORKFLOW_ID, "Two"],
    ]);
  });
});

describe("name limits (issue 14, item 5)", () => {
  it("are the save schema's own: the longest name, step name and description pass, one more fails", () => {
    const body = (patch: Record<string, unknown>) => ({ ...graph, ...patch });
    const max = WORKFLOW_LIMITS;
    expect(saveWorkflowBodySchema.safeParse(body({ name: "n".repeat(max.nameMaxLength) })).success).toBe(true);
    expect(saveWorkflowBodySchema.safeParse(body({ name: "n".repeat(max.nameMaxLength + 1) })).success).toBe(false);
    expect(
      saveWorkflowBodySchema.safeParse(body({ description: "d".repeat(max.descriptionMaxLength + 1) })).success,
    ).toBe(false);
    const label = (n: number) =>
      body({ nodes: [{ ...graph.nodes[0]!, data: { label: "l".repeat(n), config: {} } }, graph.nodes[1]] });
    expect(saveWorkflowBodySchema.safeParse(label(max.nodeLabelMaxLength)).success).toBe(true);
    expect(saveWorkflowBodySchema.safeParse(label(max.nodeLabelMaxLength + 1)).success).toBe(false);
  });

  it("a 377-character name is not sent: the notice names the field, its length and the limit", async () => {
    const store = createEditorStore({ doc: emptyDocument() });
    store.getState().addNode("start", { x: 0, y: 0 });
    store.getState().setName("x".repeat(377));
    const api = fakeApi();
    const saver = createSaver(store, { send: api.send });

    expect(await saver.save()).toBe("failed");
    expect(api.send).not.toHaveBeenCalled();
    expect(store.getState().notice).toMatchObject({
      tone: "error",
      text: `Not saved. The workflow's name is 377 characters long; it can be at most ${WORKFLOW_LIMITS.nameMaxLength}.`,
    });
    expect(store.getState().saving).toBe(false);
  });

  it("a step name over the limit is named by its step", async () => {
    const store = createEditorStore({ doc: documentFromDefinition(graph) });
    store.getState().updateLabel("end", "e".repeat(250));
    const saver = createSaver(store, { send: fakeApi().send });
    expect(await saver.save()).toBe("failed");
    expect(store.getState().notice?.text).toBe(
      `Not saved. The name of step “end” is 250 characters long; it can be at most ${WORKFLOW_LIMITS.nodeLabelMaxLength}.`,
    );
  });

  it("a refusal from the server is said in the editor's words, not as the raw validation message", () => {
    const doc = documentFromDefinition({ ...graph, name: "y".repeat(201) });
    const refused = new AppError(
      "validation:body",
      "Invalid request body: name: Too big: expected string to have <=200 characters",
      { issues: [{ path: "name", message: "Too big: expected string to have <=200 characters", code: "too_big" }] },
    );
    expect(saveErrorText(refused, doc)).toBe(
      "Not saved. The workflow's name is 201 characters long; it can be at most 200.",
    );
    expect(
      saveErrorText(
        new AppError("validation:body", "Invalid request body", {
          issues: [{ path: "nodes.1.id", message: "may contain only letters, digits, _ . : and -" }],
        }),
        doc,
      ),
    ).toBe("Not saved. Step “end” (id): may contain only letters, digits, _ . : and -.");
    expect(saveErrorText(new Error("boom"), doc)).toBe("The workflow could not be saved.");
  });
});
