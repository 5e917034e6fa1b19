/**
 * Issue 16 part 3 in the browser: a user registers an MCP server (the official SDK's McpServer, started here
 * on a loopback port, which the e2e server's LATTICE_HTTP_ALLOWLIST allows), sees its tools in Settings, picks
 * one in a Tools node's "MCP tools" and runs the workflow in the editor: the model's call reaches the server
 * and its answer the run's output; then offers the workflow as an MCP tool. At 1440×900; SHOTS_DIR, when set, keeps screenshots.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { startTestMcpServer, type TestMcpServer } from "../tests/helpers/mcp-server";
import { toolsNodeWorkflow } from "../tests/helpers/tools-workflow";
import { editorTest as test, expect, newCredentials } from "./fixtures";

test.use({ viewport: { width: 1440, height: 900 } });

let mcp: TestMcpServer;
test.beforeAll(async () => {
  mcp = await startTestMcpServer();
});
test.afterAll(async () => {
  await mcp.close();
});

async function shot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

test("register an MCP server, pick one of its tools in a Tools node, and use it in a test run", async ({
  page,
  auth,
  editor,
}) => {
  await auth.signUp(newCredentials("mcp"));
  await expect(page).toHaveURL(/\/workflows/);

  await page.goto("/settings#mcp-servers");
  const panel = page.getByTestId("mcp-servers");
  await expect(panel).toContainText("No MCP servers yet");
  await page.getByTestId("mcp-server-name").fill("Test tools");
  await page.getByTestId("mcp-server-url").fill(mcp.url);
  await page.getByTestId("mcp-server-add").dblclick();
  const row = page.getByTestId("mcp-server-row");
  await expect(row).toHaveCount(1);
  await row.getByTestId("mcp-server-toggle").click();
  await expect(row.getByTestId("mcp-server-tools")).toContainText("add — Adds two numbers.");
  await shot(page, "16-settings-mcp-servers");

  const created = await page.request.post("/api/workflows", {
    data: toolsNodeWorkflow("Adds with MCP", {
      provider: "local",
      model: "scripted",
      tools: ["calculator"],
      script: ['add({"a":2,"b":3})', "The MCP server says 5."],
    }),
  });
  expect(created.status()).toBe(201);
  const workflowId = (await created.json()).workflow.id as string;
  await page.goto(`/workflows/${workflowId}`);
  await editor.waitReady();
  await editor.select("agent");
  const field = page.getByTestId("field-mcp");
  await field.getByRole("button", { name: /Test tools/ }).click();
  await field.getByRole("checkbox", { name: /add/ }).check();
  await expect(field).toContainText("1 chosen");
  await shot(page, "16-inspector-mcp-tools");
  await editor.save();
  await editor.expectSaved(2);

  await editor.run("What is 2 + 3?");
  await editor.expectRunPhase("completed");
  await expect(editor.runOutput()).toContainText("The MCP server says 5.");
  expect(mcp.calls).toEqual([{ name: "add", args: { a: 2, b: 3 } }]);

  // The other way: the workflow's settings offer it to the user's MCP clients at /api/mcp.
  await page.goto(`/workflows/${workflowId}`);
  await editor.waitReady();
  await editor.openPanel("inspector");
  const setting = page.getByTestId("mcp-tool-setting");
  await setting.getByTestId("mcp-tool-offered").check();
  await expect(setting).toContainText(/Listed at \/api\/mcp as adds_with_mcp_[a-z0-9]{6}/);
  await shot(page, "16-editor-offer-as-mcp-tool");
  const offered = await page.request.get(`/api/workflows/${workflowId}/mcp-tool`);
  expect((await offered.json()).offered).toBe(true);
});
