/**
 * Issue 14 in the browser: a double-click on a create or submit button does it once (items 1), the Test
 * panel settles on the run's own answer (3), a workflow made from a template opens with all of it on screen
 * (4), and name fields show their limits where they are typed (5). At 1440×900, the screen the issue was
 * found on; SHOTS_DIR, when set, keeps screenshots of what a user sees.
 */
import path from "node:path";
import { editorTest as test, expect, newCredentials } from "./fixtures";
import type { Page } from "@playwright/test";

test.use({ viewport: { width: 1440, height: 900 } });

async function shot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

async function workflowsNamed(page: Page, name: string) {
  const response = await page.request.get("/api/workflows");
  expect(response.status()).toBe(200);
  const { workflows } = (await response.json()) as { workflows: Array<{ id: string; name: string }> };
  return workflows.filter((w) => w.name === name);
}

async function versionsOf(page: Page, id: string) {
  const response = await page.request.get(`/api/workflows/${id}/versions`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { versions: unknown[] }).versions;
}

test.describe("issue 14: double-clicks, answers, framing and limits", () => {
  test.beforeEach(async ({ auth, page }) => {
    await auth.signUp(newCredentials("clicks"));
    await expect(page).toHaveURL(/\/workflows/);
  });

  test("a double-click on Save creates one workflow, then adds one version, with no false conflict; Restore too", async ({
    page,
    editor,
  }) => {
    await editor.openNew();
    await page.keyboard.press("/");
    await page.keyboard.type("start");
    await page.keyboard.press("Enter");
    await editor.select("start");
    await page.getByTestId("palette-search").fill("end");
    await page.getByTestId("palette-search").press("Enter");
    await expect(editor.edge("e-start-end")).toHaveCount(1);
    await editor.expectErrors(0);

    await page.getByTestId("workflow-name").fill("Clicked twice");
    await page.getByTestId("save").dblclick();
    await editor.expectSaved(1);
    await expect(page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    const id = page.url().split("/").pop()!;
    expect(await workflowsNamed(page, "Clicked twice")).toHaveLength(1);

    await page.getByTestId("workflow-name").fill("Clicked twice again");
    await page.getByTestId("save").dblclick();
    await editor.expectSaved(2);
    // A late answer to a second save would show the conflict banner: give it the time to arrive.
    await page.waitForTimeout(500);
    await expect(page.getByTestId("save-conflict")).toHaveCount(0);
    await editor.expectSaved(2);
    expect(await versionsOf(page, id)).toHaveLength(2);

    await editor.openPanel("versions");
    await page.getByTestId("version-restore-1").click();
    await page.getByTestId("confirm-restore").dblclick();
    await expect(page.getByTestId("restore-dialog")).not.toBeVisible();
    await editor.expectSaved(3);
    await page.waitForTimeout(500);
    expect(await versionsOf(page, id)).toHaveLength(3);
  });

  test("the Test panel settles on the run's answer (the End node's output); a double-click on Run does not cancel it", async ({
    page,
    editor,
  }) => {
    const created = await page.request.post("/api/workflows", {
      data: {
        name: "Templated answer",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
          {
            id: "model",
            type: "model",
            position: { x: 240, y: 0 },
            data: { label: "Model", config: { provider: "local", model: "slow" } },
          },
          {
            id: "end",
            type: "end",
            position: { x: 480, y: 0 },
            data: { label: "End", config: { outputTemplate: "YES branch: {{last_message}}" } },
          },
        ],
        edges: [
          { id: "e1", source: "start", target: "model" },
          { id: "e2", source: "model", target: "end" },
        ],
      },
    });
    expect(created.status()).toBe(201);
    const { workflow } = (await created.json()) as { workflow: { id: string } };
    await page.goto(`/workflows/${workflow.id}`);
    await editor.waitReady();
    await editor.openPanel("run");
    await page.getByTestId("run-input-message").fill("Hello twice");
    await page.getByTestId("run-start").dblclick();
    await editor.expectRunPhase("running");
    await editor.expectRunPhase("completed");
    await expect(editor.runOutput()).toContainText("YES branch: ");

    const href = await page.getByTestId("run-execution-link").getAttribute("href");
    const executionId = href!.split("/").pop()!;
    const response = await page.request.get(`/api/executions/${executionId}`);
    const { execution } = (await response.json()) as { execution: { output: { message: string } } };
    expect(execution.output.message.startsWith("YES branch: ")).toBe(true);
    await expect(editor.runOutput()).toHaveText(execution.output.message);
    await shot(page, "test-panel-answer");
  });

  test("a workflow made from a template (double-clicked once) opens fitted, Start to End on screen", async ({
    page,
    workflowList,
  }) => {
    await workflowList.goto();
    await page.getByTestId("new-from-template").first().click();
    await page.getByTestId("template-option-rag-qa").click();
    await page.getByTestId("template-create").dblclick();
    await expect(page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
    expect(await workflowsNamed(page, "Knowledge base Q&A")).toHaveLength(1);

    const canvas = (await page.getByTestId("canvas").boundingBox())!;
    for (const id of ["start", "retrieve", "instructions", "answer", "end"]) {
      const node = page.getByTestId(`node-${id}`);
      await expect(node).toBeVisible();
      await expect
        .poll(async () => {
          const box = (await node.boundingBox())!;
          return (
            box.x >= canvas.x &&
            box.y >= canvas.y &&
            box.x + box.width <= canvas.x + canvas.width &&
            box.y + box.height <= canvas.y + canvas.height
          );
        }, `${id} inside the canvas`)
        .toBe(true);
    }
    await shot(page, "template-fitted");
  });

  test("name fields show their limits: the workflow's name stops at 200 and saves; a key's name at 100", async ({
    page,
    editor,
  }) => {
    await editor.openNew();
    await page.keyboard.press("/");
    await page.keyboard.type("start");
    await page.keyboard.press("Enter");
    const name = page.getByTestId("workflow-name");
    await name.fill("n".repeat(150));
    await expect(page.getByTestId("workflow-name-count")).toHaveCount(0);
    await name.fill("n".repeat(377));
    expect((await name.inputValue()).length).toBe(200);
    await expect(page.getByTestId("workflow-name-count")).toContainText("200/200");
    await shot(page, "workflow-name-limit");
    await page.getByTestId("save").click();
    await editor.expectSaved(1);

    await page.goto("/settings");
    const keyName = page.getByTestId("api-key-name");
    await keyName.fill("k".repeat(150));
    expect((await keyName.inputValue()).length).toBe(100);
    await expect(page.getByTestId("api-key-name-count")).toContainText("100/100");
    await keyName.fill("Twice clicked key");
    await page.getByTestId("api-key-create").dblclick();
    await expect(page.getByTestId("api-key-secret")).toBeVisible();
    await expect(page.getByTestId("api-key-row").filter({ hasText: "Twice clicked key" })).toHaveCount(1);
    await expect(page.getByText("Give the key a name")).toHaveCount(0);
    await page.waitForTimeout(500);
    const keys = await page.request.get("/api/keys");
    const body = (await keys.json()) as { keys: Array<{ name: string }> };
    expect(body.keys.filter((k) => k.name === "Twice clicked key")).toHaveLength(1);
    await page.getByTestId("api-key-name").fill("k".repeat(90));
    await shot(page, "api-key-limit");
  });

  test("a knowledge base and a document, double-clicked, are created once", async ({ page }) => {
    await page.goto("/knowledge");
    await page.getByTestId("knowledge-new").first().click();
    await page.getByTestId("knowledge-name").fill("Clicked base");
    await page.getByTestId("knowledge-create").dblclick();
    await expect(page).toHaveURL(/\/knowledge\/[0-9A-Z]{26}$/);
    const bases = await page.request.get("/api/knowledge-bases");
    const { knowledgeBases } = (await bases.json()) as { knowledgeBases: Array<{ name: string }> };
    expect(knowledgeBases.filter((kb) => kb.name === "Clicked base")).toHaveLength(1);

    await page.getByTestId("document-paste-title").fill("Policy");
    await page.getByTestId("document-paste-text").fill("Employees receive 30 vacation days per year.");
    await page.getByTestId("document-add").dblclick();
    const id = page.url().split("/").pop()!;
    await expect
      .poll(async () => {
        const response = await page.request.get(`/api/knowledge-bases/${id}`);
        const { documents } = (await response.json()) as { documents: Array<{ title: string }> };
        return documents.filter((d) => d.title === "Policy").length;
      })
      .toBe(1);
    await page.waitForTimeout(500);
    const response = await page.request.get(`/api/knowledge-bases/${id}`);
    const { documents } = (await response.json()) as { documents: Array<{ title: string }> };
    expect(documents.filter((d) => d.title === "Policy")).toHaveLength(1);
  });
});
