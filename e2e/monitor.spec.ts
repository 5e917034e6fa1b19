import { expect, monitorGraphs, monitorTest as test, newCredentials } from "./fixtures";

test.describe("execution monitor", () => {
  test.beforeEach(async ({ page, auth }) => {
    await auth.signUp(newCredentials("monitor"));
    await expect(page).toHaveURL(/\/workflows/);
  });

  test("a run started from the API appears in the open list and changes status without a reload", async ({
    page,
    executions,
    monitorApi,
  }) => {
    await executions.goto();
    await executions.waitLive();
    // Marks this document: a reload would drop it.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const executionId = await monitorApi.startInBackground({
      type: "CUSTOM",
      definition: monitorGraphs.slow(60, 50),
      input: { message: "count" },
    });
    const row = executions.row(executionId);
    await expect(row).toHaveAttribute("data-status", "running");
    await expect(row).toContainText("Ad-hoc graph");
    await expect(row).toHaveAttribute("data-status", "completed", { timeout: 20_000 });
    // The dashboard caught up too (it re-reads its figures a moment after runs change).
    await expect(executions.kpi("runs")).toHaveText("1", { timeout: 10_000 });
    await expect(executions.kpi("success")).toHaveText("100%");
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  test("filters live in the URL, and the list pages with a cursor", async ({ page, executions, monitorApi }) => {
    const n = monitorGraphs.node;
    const failing = {
      nodes: [n("start", "start"), n("boom", "transform", { expression: '$error("no")' }), n("end", "end")],
      edges: monitorGraphs.chain("start", "boom", "end"),
    };
    for (let i = 0; i < 27; i++)
      await monitorApi.run({ type: "CUSTOM", definition: monitorGraphs.topic(), input: { message: `run ${i}` } });
    for (let i = 0; i < 2; i++) await monitorApi.run({ type: "CUSTOM", definition: failing, input: {} });

    await executions.goto();
    const rows = page.getByTestId("execution-row");
    await expect(rows).toHaveCount(25);
    await page.getByTestId("load-more").click();
    await expect(rows).toHaveCount(29);
    await expect(page.getByTestId("load-more")).toHaveCount(0);

    await page.getByTestId("filter-status-failed").click();
    await expect(page).toHaveURL(/[?&]status=failed/);
    await expect(rows).toHaveCount(2);
    for (const row of await rows.all()) await expect(row).toHaveAttribute("data-status", "failed");
    await page.reload();
    await expect(page.getByTestId("filter-status-failed")).toHaveAttribute("aria-pressed", "true");
    await expect(rows).toHaveCount(2);

    await page.getByTestId("filter-type").selectOption("CHAT");
    await expect(page).toHaveURL(/type=CHAT/);
    await expect(page.getByText("No runs match these filters")).toBeVisible();
    await page.getByTestId("filter-clear").click();
    await expect(page).toHaveURL(/\/executions$/);
    await expect(rows).toHaveCount(25);
  });

  test("opening a run while it runs shows its nodes change state as events arrive", async ({
    page,
    executions,
    run,
    monitorApi,
  }) => {
    await executions.goto();
    await executions.waitLive();
    // Long enough (~140 tokens 60 ms apart: 8.5 s) that the page is open while the model still writes, even
    // when a busy machine slows the page down.
    const executionId = await monitorApi.startInBackground({
      type: "CUSTOM",
      definition: monitorGraphs.slow(400, 60),
      input: { message: "tell me a long story" },
    });
    await expect(executions.row(executionId)).toHaveAttribute("data-status", "running");
    await executions.open(executionId);

    await run.expectStatus("running");
    await expect(run.node("start")).toHaveAttribute("data-run-status", "completed");
    await expect(run.node("model")).toHaveAttribute("data-run-status", "running");
    await expect(run.node("end")).toHaveAttribute("data-run-status", "idle");
    await expect(page.getByTestId("run-output")).toContainText("Counting slowly");

    await run.expectStatus("completed", 45_000);
    await expect(run.node("model")).toHaveAttribute("data-run-status", "completed");
    await expect(run.node("end")).toHaveAttribute("data-run-status", "completed");
    await expect(page.locator('[data-testid="waterfall-row"]')).toHaveCount(3);
  });

  test("a finished run's node shows what it produced", async ({ page, run, monitorApi }) => {
    const result = await monitorApi.run({
      type: "CUSTOM",
      definition: monitorGraphs.topic(),
      input: { message: "hello monitor" },
    });
    expect(result.status).toBe("completed");
    await run.goto(result.executionId);
    await run.expectStatus("completed");

    await run.selectNode("model");
    await expect(page.getByTestId("node-status")).toHaveText("Completed");
    await expect(run.nodeOutput).toContainText('You said: \\"hello monitor\\"');
    await expect(page.getByTestId("node-tokens")).not.toHaveText("—");
    // The state it started from: the run's message, and the variables set before it.
    await expect(page.getByTestId("node-input-message")).toContainText("hello monitor");
    await expect(page.getByTestId("node-input-variables")).toContainText('"headline": "About cats"');

    await run.node("about").click();
    await expect(page.getByTestId("node-detail")).toHaveAttribute("data-node-id", "about");
    await expect(run.nodeOutput).toContainText("headline");
  });

  test("re-running from a middle step with an edited variable makes a new run linked to its origin", async ({
    page,
    run,
    monitorApi,
  }) => {
    const original = await monitorApi.run({
      type: "CUSTOM",
      definition: monitorGraphs.topic(),
      input: { message: "write a headline" },
      options: { durability: "sync" },
    });
    expect(original.output.variables).toMatchObject({ headline: "About cats" });
    await run.goto(original.executionId);
    await run.expectStatus("completed");

    await run.rerunFromStepBefore("about", { topic: "dogs" });
    await expect(page).not.toHaveURL(new RegExp(`/executions/${original.executionId}$`));
    await expect(page).toHaveURL(/\/executions\/[0-9A-HJKMNP-TV-Z]{26}$/);
    await run.expectStatus("completed", 20_000);
    // Only the steps after the chosen one ran again, on the edited state.
    await expect(page.locator('[data-testid="waterfall-row"]')).toHaveCount(3);
    await expect(page.getByTestId("run-variables")).toContainText('"headline": "About dogs"');

    await expect(run.parentLink).toBeVisible();
    await run.parentLink.click();
    await expect(page).toHaveURL(new RegExp(`/executions/${original.executionId}$`));
    await expect(page.getByTestId("run-variables")).toContainText('"headline": "About cats"');
  });

  test("a long run is cancelled from the monitor", async ({ page, run, monitorApi }) => {
    const executionId = await monitorApi.startInBackground({
      type: "CUSTOM",
      definition: monitorGraphs.slow(3000, 100),
      input: { message: "never stop" },
    });
    await run.goto(executionId);
    await expect(run.node("model")).toHaveAttribute("data-run-status", "running");
    await run.cancel();
    await run.expectStatus("cancelled", 10_000);
    await expect(page.getByTestId("run-error")).toContainText("cancelled");
    // Cancelled is not a failure: the node it stopped in is drawn cancelled, not red.
    await expect(run.node("model")).toHaveAttribute("data-run-status", "cancelled");
    await expect(page.getByTestId("cancel-run")).toHaveCount(0);
  });

  test("a run waiting for a person is answered from the monitor and goes on", async ({ page, run, monitorApi }) => {
    const n = monitorGraphs.node;
    const paused = await monitorApi.run({
      type: "CUSTOM",
      definition: {
        nodes: [
          n("start", "start"),
          n("review", "human", { mode: "approval", question: "Ship it?", variable: "ok" }, "Review"),
          n("yes", "end", { outputTemplate: "shipped" }),
          n("no", "end", { outputTemplate: "held back" }),
        ],
        edges: [
          { id: "a", source: "start", target: "review" },
          { id: "b", source: "review", target: "yes", sourceHandle: "approved" },
          { id: "c", source: "review", target: "no", sourceHandle: "rejected" },
        ],
      },
      input: {},
    });
    expect(paused.status).toBe("paused");
    await run.goto(paused.executionId);
    await run.expectStatus("paused");
    await expect(page.getByTestId("answer-question")).toHaveText("Ship it?");
    await page.getByTestId("answer-approve").click();
    await run.expectStatus("completed", 15_000);
    await expect(page.getByTestId("run-output")).toContainText("shipped");
    await expect(run.node("yes")).toHaveAttribute("data-run-status", "completed");
    await expect(run.node("no")).toHaveAttribute("data-run-status", "idle");
  });
  test("a run paused at a breakpoint names its step and goes on with Continue (double-clicked once)", async ({
    page,
    run,
    monitorApi,
  }) => {
    const n = monitorGraphs.node;
    const paused = await monitorApi.run({
      type: "CUSTOM",
      definition: {
        nodes: [
          n("start", "start"),
          n("draft", "transform", { expression: '"drafted"', variable: "draft" }, "Draft"),
          n("end", "end", { outputTemplate: "done: {{variables.draft}}" }),
        ],
        edges: [
          { id: "a", source: "start", target: "draft" },
          { id: "b", source: "draft", target: "end" },
        ],
      },
      input: {},
      options: { interruptBefore: ["draft"] },
    });
    expect(paused.status).toBe("paused");
    await run.goto(paused.executionId);
    await run.expectStatus("paused");
    await expect(page.getByTestId("breakpoint-panel")).toContainText("Paused at a breakpoint before Draft");
    await expect(run.node("draft")).toHaveAttribute("data-run-status", "waiting");
    await page.getByTestId("breakpoint-continue").dblclick();
    await run.expectStatus("completed", 15_000);
    await expect(page.getByTestId("run-output")).toContainText("done: drafted");
    await expect(run.node("draft")).toHaveAttribute("data-run-status", "completed");
    await expect(page.getByTestId("breakpoint-panel")).toHaveCount(0);
    // The second click of the double-click continued nothing twice and showed no error.
    await expect(page.locator("p[role=alert]")).toHaveCount(0);
  });

  test("a cancelled run is its own state: left out of the success rate, neutral in the list, on the canvas and in the node's detail", async ({
    page,
    executions,
    run,
    monitorApi,
  }) => {
    const done = await monitorApi.run({ type: "CUSTOM", definition: monitorGraphs.topic(), input: { message: "ok" } });
    expect(done.status).toBe("completed");
    const executionId = await monitorApi.startInBackground({
      type: "CUSTOM",
      definition: monitorGraphs.slow(3000, 100),
      input: { message: "stop me" },
    });
    expect((await page.request.post(`/api/executions/${executionId}/cancel`)).status()).toBe(200);
    await expect
      .poll(async () => (await (await page.request.get(`/api/executions/${executionId}`)).json()).execution.status)
      .toBe("cancelled");

    await executions.goto();
    // One completed, one cancelled: nothing failed, so 100% — in the good colour — and the hint says why.
    await expect(executions.kpi("success")).toHaveText("100%");
    await expect(executions.kpi("success")).toHaveAttribute("data-tone", "good");
    await expect(page.getByTestId("kpi-success")).toContainText("1 cancelled");
    await expect(page.getByTestId("kpi-success")).toHaveAttribute("title", /cancelled runs are not counted/i);
    const row = executions.row(executionId);
    await expect(row).toHaveAttribute("data-status", "cancelled");
    await expect(row.getByTestId("status-badge")).toHaveAttribute("data-tone", "neutral");

    await executions.open(executionId);
    await run.expectStatus("cancelled");
    await expect(run.node("model")).toHaveAttribute("data-run-status", "cancelled");
    await expect(run.node("model")).not.toHaveClass(/border-red/);
    const bar = page.locator('[data-testid="waterfall-row"][data-node-id="model"]');
    await expect(bar).toHaveAttribute("data-status", "cancelled");
    await run.selectNode("model");
    await expect(page.getByTestId("node-status")).toHaveText("Cancelled");
    await expect(page.getByTestId("node-status")).not.toHaveClass(/text-red/);
  });

  test("the runs list is above the fold; the dashboard's charts fold away and the choice is remembered", async ({
    page,
    executions,
    monitorApi,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    for (let i = 0; i < 3; i++)
      await monitorApi.run({ type: "CUSTOM", definition: monitorGraphs.topic(), input: { message: `run ${i}` } });

    await executions.goto();
    const rows = page.getByTestId("execution-row");
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toBeInViewport();
    await expect(executions.kpi("runs")).toHaveText("3");
    const toggle = page.getByTestId("dashboard-toggle");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByTestId("chart-runs")).toBeHidden();

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByTestId("chart-runs")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("dashboard-toggle")).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByTestId("chart-runs")).toBeVisible();

    await page.getByTestId("dashboard-toggle").click();
    await page.reload();
    await expect(page.getByTestId("dashboard-toggle")).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByTestId("chart-runs")).toBeHidden();
    await expect(rows.first()).toBeInViewport();
  });
});

test.describe("a run's page in another time zone and language than the server's", () => {
  // The server renders in its own zone; the browser hydrates in this one: any time formatted with the local
  // clock, or any live duration computed from Date.now(), would differ between the two.
  test.use({ timezoneId: "Pacific/Kiritimati", locale: "de-DE" });

  test("a run opened while it runs hydrates without a mismatch (three tries), and so does the list", async ({
    page,
    auth,
    executions,
    run,
    monitorApi,
  }) => {
    test.setTimeout(150_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await auth.signUp(newCredentials("hydrate"));
    await expect(page).toHaveURL(/\/workflows/);
    const executionId = await monitorApi.startInBackground({
      type: "CUSTOM",
      // About 140 tokens 300 ms apart (~40 s): still going after three page loads on a busy machine.
      definition: monitorGraphs.slow(3000, 300),
      input: { message: "take your time" },
    });

    for (let attempt = 0; attempt < 3; attempt++) {
      await run.goto(executionId);
      await run.expectStatus("running");
      // Hydrated and following the run (hydration errors are reported by then).
      await expect(run.view).toHaveAttribute("data-stream", "live", { timeout: 30_000 });
      await expect(page.getByTestId("run-duration")).not.toHaveText("—");
    }
    await executions.goto();
    await executions.waitLive();
    await expect(executions.row(executionId)).toHaveAttribute("data-status", "running");
    // The charts too (their axes name times of day), rendered by the server once they are unfolded.
    await page.getByTestId("dashboard-toggle").click();
    await page.reload();
    await expect(page.getByTestId("chart-runs")).toBeVisible();
    await executions.waitLive();
    await page.waitForTimeout(500);

    expect(errors.filter((text) => /#418|#423|#425|hydrat/i.test(text))).toEqual([]);
    await page.request.post(`/api/executions/${executionId}/cancel`);
  });
});
