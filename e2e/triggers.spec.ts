import { expect, monitorGraphs, monitorTest as test, newCredentials } from "./fixtures";

/** A saved workflow (start → echo model → end), made through the API as its signed-in owner. */
async function saveEchoWorkflow(page: import("@playwright/test").Page, name: string): Promise<string> {
  const n = monitorGraphs.node;
  const response = await page.request.post("/api/workflows", {
    data: {
      name,
      description: "",
      nodes: [n("start", "start"), n("model", "model", { provider: "local", model: "echo" }, "Echo"), n("end", "end")],
      edges: monitorGraphs.chain("start", "model", "end"),
    },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { workflow: { id: string } }).workflow.id;
}

test.describe("triggers", () => {
  test.beforeEach(async ({ page, auth }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await auth.signUp(newCredentials("triggers"));
    await expect(page).toHaveURL(/\/workflows/);
  });

  test("a schedule shows its next five runs; a webhook called with fetch starts a run the monitor shows live", async ({
    page,
    executions,
  }) => {
    const workflowId = await saveEchoWorkflow(page, "Triggered flow");
    await page.goto(`/workflows/${workflowId}`);
    await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
    await page.getByTestId("tab-triggers").first().click();
    const panel = page.getByTestId("triggers-panel");

    // Schedule: every 30 minutes, previewed before it is added, listed with its next five runs after.
    await panel.getByTestId("schedule-minutes").fill("30");
    await expect(panel.getByTestId("schedule-preview").locator("li")).toHaveCount(5);
    await panel.getByTestId("schedule-add").dblclick();
    const schedule = panel.getByTestId("schedule-item");
    await expect(schedule).toHaveCount(1);
    await expect(schedule).toContainText("Every 30 minutes");
    await expect(schedule.getByTestId("schedule-next-runs").locator("li")).toHaveCount(5);

    // Webhook: its URL, then a call from the page's own fetch while the monitor is open.
    await panel.getByTestId("webhook-add").click();
    const url = (await panel.getByTestId("webhook-url").textContent())?.trim() ?? "";
    expect(url).toMatch(/\/api\/hooks\/[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: test.info().outputPath("triggers-panel.png") });

    await executions.goto();
    await executions.waitLive();
    const called = await page.evaluate(async (hookUrl) => {
      const response = await fetch(hookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "from a webhook" }),
      });
      return { status: response.status, body: (await response.json()) as { executionId: string } };
    }, url);
    expect(called.status).toBe(202);
    const row = executions.row(called.body.executionId);
    await expect(row).toContainText("Webhook");
    await expect(row).toHaveAttribute("data-status", "completed", { timeout: 20_000 });
    await page.getByTestId("filter-trigger").selectOption("webhook");
    await expect(page).toHaveURL(/trigger=webhook/);
    await expect(page.getByTestId("execution-row")).toHaveCount(1);

    // The workflow list names the next scheduled run.
    await page.goto("/workflows");
    await expect(page.getByTestId("workflow-row").filter({ hasText: "Triggered flow" }).getByTestId("next-run")).toContainText(
      /Next in \d+ minutes?/,
    );
  });
});
