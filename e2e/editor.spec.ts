import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { editorTest as test, expect, newCredentials } from "./fixtures";

/** SHOTS_DIR, when set, keeps screenshots of what a user sees. */
async function shot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

test.describe("workflow editor", () => {
  test.beforeEach(async ({ auth, page }) => {
    await auth.signUp(newCredentials("editor"));
    await expect(page).toHaveURL(/\/workflows/);
  });

  test("build from blank, validate live, undo/redo, save, run with streaming, version, diff, restore, export and re-import", async ({
    page,
    editor,
    workflowList,
  }) => {
    test.setTimeout(120_000);
    await editor.openNew();

    // Drag start → memory → model → end from the palette and connect them.
    // A column down the canvas: it fits the default 1280×720 viewport beside the palette and the panel.
    await editor.dragFromPalette("start", { x: 160, y: 70 });
    await editor.dragFromPalette("memory", { x: 160, y: 220 });
    await editor.dragFromPalette("model", { x: 160, y: 370 });
    await editor.dragFromPalette("end", { x: 160, y: 520 });
    for (const id of ["start", "memory", "model", "end"]) await expect(editor.node(id)).toBeVisible();
    await editor.connect("start", "out", "memory");
    await editor.connect("memory", "out", "model");
    await editor.connect("model", "out", "end");
    await editor.expectErrors(0);

    // A refused connection says why.
    await editor.connect("model", "out", "memory");
    await expect(page.getByTestId("canvas-notice")).toContainText("cycle");

    // Configure the model in the inspector: a new model node answers with the default model; the slow
    // local model streams its answer token by token.
    await editor.select("model");
    await expect(page.getByTestId("model-provider")).toHaveValue("default");
    await page.getByTestId("model-provider").selectOption("local");
    await page.getByTestId("model-name").selectOption("slow");
    await expect(editor.node("model")).toContainText("local · slow");
    await page.getByTestId("inspector-label").fill("Answer");
    await expect(editor.node("model")).toContainText("Answer");

    // Disconnect the end: a live validation error appears on the canvas and in the issues panel.
    await editor.deleteEdge("e-model-end");
    await editor.expectErrors(2);
    await editor.openPanel("issues");
    await expect(page.getByTestId("issue-item").filter({ hasText: "No End node can be reached" })).toBeVisible();
    await expect(editor.node("end")).toHaveAttribute("data-issues", "error");
    // Clicking an issue selects its node.
    await page.getByTestId("issue-item").filter({ hasText: "“End” cannot be reached" }).click();
    await expect(page.getByTestId("inspector")).toContainText("Finishes the run");
    // An End node means nothing alone: its "Run this node" says so instead of running.
    await expect(page.getByTestId("node-run-unavailable")).toContainText("only finishes a run");

    // Fix it, then undo (the error is back) and redo (gone again).
    await editor.fitView();
    await editor.connect("model", "out", "end");
    await editor.expectErrors(0);
    await page.getByTestId("undo").click();
    await editor.expectErrors(2);
    await expect(editor.edge("e-model-end")).toHaveCount(0);
    await page.getByTestId("redo").click();
    await editor.expectErrors(0);
    await expect(editor.edge("e-model-end")).toHaveCount(1);

    // Save: version 1, and the page becomes the workflow's page.
    await page.getByTestId("workflow-name").fill("Slow echo");
    await editor.save();
    await editor.expectSaved(1);
    await expect(page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    const workflowUrl = page.url();

    // Run from the test panel: tokens stream in while the run is going, then every node is done.
    await editor.run("Hello editor");
    await editor.expectRunPhase("running");
    await expect(editor.runOutput()).toContainText("You said");
    await expect(editor.runOutput()).not.toContainText("99 100.");
    await expect(editor.node("model")).toHaveAttribute("data-run-status", "running");
    await editor.expectRunPhase("completed");
    await expect(editor.runOutput()).toContainText("Hello editor");
    await expect(editor.runOutput()).toContainText("99 100.");
    for (const id of ["start", "memory", "model", "end"]) await editor.expectNodeRunStatus(id, "completed");
    // Each node's output and duration can be inspected.
    await page.getByTestId("run-step-model").getByRole("button").click();
    await expect(page.getByTestId("run-step-output-model")).toBeVisible();

    // Change a node, run it alone from a pinned input (issue 14, item 17), and save again: version 2.
    await editor.select("model");
    await page.getByTestId("model-name").selectOption("echo");
    // The input offered is what the node started from in the test run; pinned, it is kept with the draft.
    const pinInput = page.getByTestId("node-run-input");
    await expect(pinInput).toHaveValue(/Hello editor/);
    await page.getByTestId("node-run-pin").click();
    await expect(page.getByTestId("node-run-pinned")).toBeVisible();
    await pinInput.fill('{ "messages": [{ "role": "user", "content": "pinned words" }], "variables": {} }');
    // A double-click runs it once and does not cancel it (Cancel takes Run's place under the second click).
    await page.getByTestId("node-run-start").dblclick();
    await expect(page.getByTestId("node-run-status")).toHaveAttribute("data-phase", "completed");
    await expect(page.getByTestId("node-run-output")).toContainText("pinned words");
    await expect(page.getByTestId("node-run-usage")).toContainText("tokens");
    await shot(page, "inspector-node-run");
    await editor.save();
    await editor.expectSaved(2);

    // The versions panel lists both, with a diff naming the changed node, and restores version 1.
    await editor.openPanel("versions");
    await expect(page.getByTestId("version-2")).toBeVisible();
    await expect(page.getByTestId("version-1")).toContainText("Created");
    await expect(page.getByTestId("version-diff")).toBeVisible();
    await expect(page.getByTestId("diff-node-changed-model")).toContainText("config.model");
    await editor.restoreVersion(1);
    await editor.expectSaved(3);
    await expect(editor.node("model")).toContainText("local · slow");
    await expect(page.getByTestId("version-3")).toContainText("Restored version 1");

    // Export, then import the file from the list: a second workflow with the same graph.
    const exported = await editor.export();
    const file = JSON.parse(fs.readFileSync(exported, "utf8")) as {
      format: string;
      workflow: { name: string; nodes: unknown[] };
    };
    expect(file.format).toBe("lattice.workflow");
    expect(file.workflow.nodes).toHaveLength(4);

    await workflowList.goto();
    await expect(workflowList.row("Slow echo")).toHaveCount(1);
    await expect(workflowList.row("Slow echo").getByTestId("last-run")).toContainText("completed");
    await workflowList.importFile(exported);
    expect(page.url()).not.toBe(workflowUrl);
    await expect(page.getByTestId("workflow-name")).toHaveValue("Slow echo");
    await editor.expectSaved(1);
    for (const id of ["start", "memory", "model", "end"]) await expect(editor.node(id)).toBeVisible();
    await editor.expectErrors(0);
    await workflowList.goto();
    await expect(workflowList.row("Slow echo")).toHaveCount(2);
  });

  test("from the RAG Q&A template with a knowledge base: the answer cites its sources", async ({
    page,
    editor,
    workflowList,
  }) => {
    // A knowledge base with one document, through the same API the knowledge UI uses.
    const created = await page.request.post("/api/knowledge-bases", { data: { name: "Handbook" } });
    expect(created.status()).toBe(201);
    const { knowledgeBase } = (await created.json()) as { knowledgeBase: { id: string } };
    const document = await page.request.post(`/api/knowledge-bases/${knowledgeBase.id}/documents`, {
      data: {
        title: "Vacation policy",
        text: "Employees receive 30 vacation days per year. Unused vacation days expire at the end of March of the following year.",
      },
    });
    expect(document.status()).toBe(201);

    await workflowList.goto();
    await workflowList.createFromTemplate("rag-qa", { knowledgeBaseId: knowledgeBase.id });
    await expect(page.getByTestId("workflow-name")).toHaveValue("Knowledge base Q&A");
    await editor.expectErrors(0);
    await expect(editor.node("retrieve")).toContainText("Handbook");

    await editor.run("How many vacation days do employees receive?");
    await editor.expectRunPhase("completed");
    await expect(page.getByTestId("run-sources")).toContainText("Vacation policy");
    await expect(editor.runOutput()).toContainText("30 vacation days");
    for (const id of ["start", "retrieve", "instructions", "answer", "end"])
      await editor.expectNodeRunStatus(id, "completed");

    // The test run is an execution like any other: the monitor shows it, with the same nodes done.
    await page.getByTestId("run-execution-link").click();
    await expect(page).toHaveURL(/\/executions\/[0-9A-Z]{26}/);
    await expect(page.getByTestId("run-view")).toHaveAttribute("data-status", "completed");
    await expect(page.getByTestId("run-canvas").getByTestId("node-answer")).toHaveAttribute(
      "data-run-status",
      "completed",
    );
  });

  test("keyboard: search the palette, add after the selected node, copy and paste, delete", async ({
    page,
    editor,
  }) => {
    await editor.openNew();
    await page.keyboard.press("/");
    await expect(page.getByTestId("palette-search")).toBeFocused();
    await page.keyboard.type("start");
    await page.keyboard.press("Enter");
    await expect(editor.node("start")).toBeVisible();
    // With Start selected, adding a Model places it after Start and connects them.
    await editor.select("start");
    await page.getByTestId("palette-search").fill("model");
    await page.getByTestId("palette-search").press("Enter");
    await expect(editor.node("model")).toBeVisible();
    await expect(editor.edge("e-start-model")).toHaveCount(1);

    // Copy the model, paste it: a second one with its own id, selected.
    await editor.select("model");
    await page.keyboard.press("ControlOrMeta+c");
    await page.keyboard.press("ControlOrMeta+v");
    await expect(editor.node("model_2")).toBeVisible();
    await page.keyboard.press("Delete");
    await expect(editor.node("model_2")).toHaveCount(0);
    await page.keyboard.press("ControlOrMeta+z");
    await expect(editor.node("model_2")).toBeVisible();

    // Tooltips explain palette items; tidy-up is one undoable step.
    await page.getByTestId("palette-item-router").hover();
    await expect(page.getByTestId("palette-tooltip")).toContainText("classifies");
    await page.getByTestId("tidy-up").click();
    const x = async (id: string) => (await editor.node(id).boundingBox())!.x;
    await expect.poll(async () => (await x("start")) < (await x("model"))).toBe(true);
    // The unconnected copy gets a place of its own instead of overlapping another node (polled: the view
    // zooms to fit in a 300 ms animation after the tidy-up, which scales distances on the screen meanwhile).
    const y = async (id: string) => (await editor.node(id).boundingBox())!.y;
    await expect.poll(async () => Math.abs((await y("model_2")) - (await y("start")))).toBeGreaterThan(40);
  });

  test("room for the canvas: the sidebar and palette fold and stay folded, the minimap hides, Tidy up stays readable", async ({
    page,
    editor,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    // Twelve steps scattered over the canvas: tidied, they make a row ~3,800 px wide.
    const ids = ["start", ...Array.from({ length: 10 }, (_, i) => `step_${i + 1}`), "end"];
    const nodes = ids.map((id, i) => ({
      id,
      type: i === 0 ? "start" : i === ids.length - 1 ? "end" : "model",
      position: { x: (i % 4) * 260, y: Math.floor(i / 4) * 220 + (i % 2) * 90 },
      data: { label: id, config: i === 0 || i === ids.length - 1 ? {} : { provider: "local", model: "echo" } },
    }));
    const edges = ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i]!, target: id }));
    const created = await page.request.post("/api/workflows", { data: { name: "Wide", nodes, edges } });
    expect(created.status()).toBe(201);
    const { id } = ((await created.json()) as { workflow: { id: string } }).workflow;
    await page.goto(`/workflows/${id}`);
    await editor.waitReady();

    const canvas = page.getByTestId("canvas");
    const widthOf = async () => (await canvas.boundingBox())!.width;
    const before = await widthOf();

    // The app sidebar folds to its rail (Ctrl/⌘ B does the same) and the palette to its icons.
    await page.getByTestId("sidebar-toggle").click();
    await expect(page.getByTestId("sidebar-toggle")).toHaveAttribute("aria-expanded", "false");
    await page.getByTestId("palette-toggle").click();
    await expect(page.getByTestId("palette")).toHaveAttribute("data-folded", "true");
    await expect.poll(widthOf).toBeGreaterThan(before + 300);
    const folded = await widthOf();
    // A folded palette still adds nodes; `/` unfolds it into its search.
    await expect(page.getByTestId("palette-item-model")).toBeVisible();

    // A click beside the minimap reaches the canvas; the minimap hides.
    const minimap = page.getByTestId("rf__minimap");
    const box = (await minimap.boundingBox())!;
    const hit = await page.evaluate(
      ({ x, y }) =>
        document.elementFromPoint(x, y)?.closest(".react-flow__pane, .react-flow__minimap")?.className ?? "",
      { x: box.x - 6, y: box.y + box.height / 2 },
    );
    expect(hit).toContain("react-flow__pane");
    await page.getByTestId("minimap-toggle").click();
    await expect(minimap).toHaveCount(0);

    // The choices survive a reload, drawn so by the server (no flash of the wider layout).
    await page.reload();
    await editor.waitReady();
    await expect(page.locator("[data-sidebar]")).toHaveAttribute("data-sidebar", "collapsed");
    await expect(page.getByTestId("palette")).toHaveAttribute("data-folded", "true");
    await expect(page.getByTestId("rf__minimap")).toHaveCount(0);
    expect(await widthOf()).toBeCloseTo(folded, 0);

    // Tidy up lays the twelve steps out in a row and keeps them readable, the Start node in view.
    await page.getByTestId("tidy-up").click();
    const viewport = page.locator(".react-flow__viewport");
    let previous = "";
    // Settled: the positions applied and the 300 ms framing animation over.
    await expect
      .poll(
        async () => {
          const current = (await viewport.getAttribute("style")) ?? "";
          const same = current === previous;
          previous = current;
          return same && current !== "";
        },
        { intervals: [400] },
      )
      .toBe(true);
    const zoom = async () =>
      Number(/scale\(([\d.]+)\)/.exec((await page.locator(".react-flow__viewport").getAttribute("style")) ?? "")?.[1]);
    expect(await zoom()).toBeGreaterThanOrEqual(0.75);
    const area = (await canvas.boundingBox())!;
    const start = (await editor.node("start").boundingBox())!;
    expect(start.x).toBeGreaterThanOrEqual(area.x);
    expect(start.x + start.width).toBeLessThanOrEqual(area.x + area.width);
    await shot(page, "editor-1440-folded");
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, "editor-1280-folded");

    await page.keyboard.press("/");
    await expect(page.getByTestId("palette-search")).toBeFocused();
  });
});
