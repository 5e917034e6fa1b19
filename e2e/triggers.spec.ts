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

/** A new echo workflow open in the editor with its Triggers panel shown: its id and the panel. */
async function openTriggers(page: import("@playwright/test").Page, name: string) {
  const workflowId = await saveEchoWorkflow(page, name);
  await page.goto(`/workflows/${workflowId}`);
  await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
  await page.getByTestId("tab-triggers").first().click();
  return { workflowId, panel: page.getByTestId("triggers-panel") };
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
    const { panel } = await openTriggers(page, "Triggered flow");

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
    await expect(
      page.getByTestId("workflow-row").filter({ hasText: "Triggered flow" }).getByTestId("next-run"),
    ).toContainText(/Next in \d+ minutes?/);
  });

  test("a webhook's settings in the panel: wrong ones said at their field, saved once, and the hook follows them", async ({
    page,
    executions,
  }) => {
    const { workflowId, panel } = await openTriggers(page, "Mapped hook flow");
    const form = panel.getByTestId("webhook-form");

    // Wrong settings: each says what is wrong where it is, and nothing is created.
    await form.getByTestId("webhook-headers").fill("x-request-id, Authorization");
    await form.getByTestId("webhook-message-expression").fill("body.(");
    await form.getByTestId("webhook-response-mode").selectOption("wait");
    await form.getByTestId("webhook-wait-timeout").fill("500");
    await form.getByTestId("webhook-rate").fill("0");
    await form.getByTestId("webhook-add").click();
    await expect(form.getByTestId("webhook-error-headers")).toContainText('"authorization" is not passed to runs');
    // A mapping that does not parse says where, under its box (once).
    await expect(form.getByTestId("expression-error")).toContainText("(at character 6)");
    await expect(form.getByTestId("webhook-error-messageExpression")).toHaveCount(0);
    await expect(form.getByTestId("webhook-error-waitTimeoutSeconds")).toContainText("between 1 and 120 seconds");
    await expect(form.getByTestId("webhook-error-ratePerMinute")).toContainText("between 1 and 600 calls");
    await expect(panel.getByTestId("webhook-item")).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("webhook-form-errors.png") });

    // Right ones, double-clicked: one hook, with every setting.
    await form.getByTestId("webhook-headers").fill("x-request-id");
    await form.getByTestId("webhook-message-expression").fill('body.text & " (" & headers.`x-request-id` & ")"');
    await form.getByTestId("webhook-wait-timeout").fill("20");
    await form.getByTestId("webhook-rate").fill("5");
    await form.getByTestId("webhook-version").selectOption("1");
    await form.getByTestId("webhook-name").fill("Mapped");
    await form.getByTestId("webhook-add").dblclick();
    const hook = panel.getByTestId("webhook-item");
    await expect(hook).toHaveCount(1);
    await expect(hook).toContainText("Mapped");
    await expect(hook).toContainText("waits ≤ 20 s");
    await expect(hook.getByTestId("webhook-summary")).toHaveText(
      "version 1 · maps message · reads x-request-id · 5 calls/min",
    );
    const url = (await hook.getByTestId("webhook-url").textContent())?.trim() ?? "";
    await expect(form.getByTestId("webhook-headers")).toHaveValue("");

    // The hook maps the call and answers with the run's result.
    const call = (body: object) =>
      page.evaluate(
        async ([hookUrl, payload]) => {
          const response = await fetch(hookUrl, {
            method: "POST",
            headers: { "content-type": "application/json", "x-request-id": "req-7" },
            body: JSON.stringify(payload),
          });
          return { status: response.status, body: (await response.json()) as Record<string, unknown> };
        },
        [url, body] as const,
      );
    const answered = await call({ text: "hello" });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: "completed" });
    expect(JSON.stringify(answered.body.output)).toContain("hello (req-7)");

    // Its settings changed in place: one call a minute, the next is refused.
    await hook.getByTestId("webhook-settings").click();
    const settings = hook.getByTestId("webhook-settings-form");
    await expect(settings.getByTestId("webhook-rate")).toHaveValue("5");
    await expect(settings.getByTestId("webhook-headers")).toHaveValue("x-request-id");
    await settings.getByTestId("webhook-rate").fill("1");
    await settings.getByTestId("webhook-response-mode").selectOption("async");
    await settings.getByTestId("webhook-save").dblclick();
    await expect(settings).toBeHidden();
    await expect(hook.getByTestId("webhook-summary")).toContainText("1 calls/min");
    await expect(hook).toContainText("· 202");
    expect((await call({ text: "one" })).status).toBe(202);
    expect((await call({ text: "two" })).status).toBe(429);

    // The monitor's dashboard counts the runs by what started them (one more run, from the app: manual).
    const manual = await page.request.post("/api/executions", {
      data: { type: "DEFINITION", definitionId: workflowId, input: { message: "by hand" } },
    });
    expect(manual.status()).toBe(200);
    await executions.goto();
    await page.getByTestId("dashboard-toggle").click();
    const byTrigger = page.getByTestId("trigger-breakdown");
    await expect(byTrigger.locator('[data-trigger="webhook"]')).toContainText("2");
    await expect(byTrigger.locator('[data-trigger="manual"]')).toContainText("1");
    await expect(byTrigger.getByTestId("trigger-row").first()).toHaveAttribute("data-trigger", "webhook");
    await byTrigger.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath("dashboard-by-trigger.png") });
  });
});
