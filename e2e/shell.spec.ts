import { expect, newCredentials, test } from "./fixtures";

test.describe("app shell and first pages", () => {
  test("a new account sees empty states that say what to do next, and the built-in templates", async ({
    page,
    auth,
    shell,
  }) => {
    await auth.signUp(newCredentials("shell"));
    await expect(page).toHaveURL(/\/workflows/);

    await expect(page.getByTestId("empty-state")).toContainText("No workflows yet");
    await expect(page.getByTestId("empty-state").getByRole("link", { name: "Browse templates" })).toHaveAttribute(
      "href",
      "/templates",
    );
    await expect(page.getByTestId("nav-workflows")).toHaveAttribute("aria-current", "page");

    await shell.open("executions");
    await expect(page.getByTestId("empty-state")).toContainText("Runs appear here as they start");
    await expect(page.getByTestId("nav-executions")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("nav-workflows")).not.toHaveAttribute("aria-current", "page");

    await shell.open("chat");
    await expect(page.getByTestId("empty-state")).toContainText("Start a conversation");

    await shell.open("templates");
    const card = page.getByTestId("template-card").filter({ hasText: "Universal chat" });
    await expect(card).toContainText("Built-in");
    await expect(card).toContainText(/chat/i);
    await expect(card.getByTestId("template-usage")).toHaveText("Not used yet");

    // "Use template": the dialog opens with this card's template chosen; creating it opens the editor on its nodes.
    await expect(card.getByTestId("template-use")).toHaveAccessibleName("Use template Universal chat");
    await card.getByTestId("template-use").click();
    const dialog = page.getByTestId("template-dialog");
    await expect(dialog.getByTestId("template-option-universal-chat")).toHaveAttribute("aria-selected", "true");
    await dialog.getByTestId("template-name").fill("Chat from the gallery");
    await dialog.getByTestId("template-create").click();
    await expect(page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
    await expect(page.getByTestId("workflow-name")).toHaveValue("Chat from the gallery");
    for (const id of ["start", "memory", "model", "end"]) await expect(page.getByTestId(`node-${id}`)).toBeVisible();

    // "Chat": a new conversation answered by the card's template (Tool agent: not the default answerer).
    await page.goto("/templates");
    await expect(card.getByTestId("template-chat")).toHaveAccessibleName("Chat with Universal chat");
    await card.getByTestId("template-chat").click();
    await expect(page).toHaveURL(/\/chat\?template=[0-9A-Z]{26}$/);
    await expect(page.getByTestId("answerer-name")).toHaveText("Universal chat");
    await page.goto("/templates");
    await page.getByTestId("template-card").filter({ hasText: "Tool agent" }).getByTestId("template-chat").click();
    await expect(page).toHaveURL(/\/chat\?template=[0-9A-Z]{26}$/);
    await expect(page.getByTestId("answerer-name")).toHaveText("Tool agent");
    await expect(page.getByTestId("chat-input")).toHaveAttribute("placeholder", "Message Tool agent…");
  });

  test("an API key needs a name, and cancelling a revoke keeps the key active", async ({
    page,
    auth,
    shell,
    apiKeys,
  }) => {
    await auth.signUp(newCredentials("keys"));
    await shell.open("settings");
    await expect(page.getByTestId("api-keys").getByTestId("empty-state")).toContainText("No API keys yet");

    await page.getByTestId("api-key-create").click();
    await expect(page.getByRole("alert").filter({ hasText: "Give the key a name" })).toBeVisible();

    await apiKeys.create("kept key");
    await apiKeys.row("kept key").getByTestId("api-key-revoke").click();
    await expect(page.getByTestId("revoke-confirm")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("revoke-confirm")).toBeHidden();
    await expect(apiKeys.row("kept key")).toContainText("Active");

    // The list comes from the server: after a reload the key is still there, and its secret is not.
    await page.reload();
    await expect(apiKeys.row("kept key")).toContainText("Active");
    await expect(page.getByTestId("api-key-secret")).toHaveCount(0);
  });

  test("on a phone the navigation is a drawer that opens from the top bar and closes with Escape", async ({
    page,
    auth,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await auth.signUp(newCredentials("phone"));
    await expect(page).toHaveURL(/\/workflows/);

    const templatesLink = page.getByTestId("nav-templates");
    await expect(templatesLink).toBeHidden();
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect(templatesLink).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(templatesLink).toBeHidden();

    await page.getByRole("button", { name: "Open navigation" }).click();
    await templatesLink.click();
    await expect(page).toHaveURL(/\/templates/);
    await expect(templatesLink).toBeHidden();
  });

  test("the API reference is a viewer with navigation and search, one screen tall, and loads nothing from elsewhere", async ({
    page,
    auth,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await auth.signUp(newCredentials("api"));
    await expect(page).toHaveURL(/\/workflows/);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));

    await page.goto("/settings/api");
    const viewer = page.getByTestId("api-reference-viewer");
    const navigation = viewer.getByRole("complementary", { name: /Sidebar/ });
    // Its bundle (a few MB, loaded only here) takes a while to start on a busy machine.
    await expect(navigation.getByText("List your workflows")).toBeVisible({ timeout: 45_000 });
    // The server is this one, as the browser reaches it.
    await expect(viewer.getByText(new URL(page.url()).origin).first()).toBeVisible();

    // Navigation: a click shows the operation; search finds one by its words and goes there.
    await navigation.getByText("Get a workflow", { exact: true }).click();
    await expect(viewer.getByRole("heading", { name: "Get a workflow" })).toBeInViewport();
    await viewer.getByRole("button", { name: /Open Search/ }).click();
    await page.keyboard.type("cancel");
    await page
      .getByRole("dialog", { name: "Search" })
      .getByRole("option", { name: /Cancel a run/ })
      .click();
    await expect(viewer.getByRole("heading", { name: "Cancel a run" })).toBeInViewport();

    // One screen: the viewer scrolls inside its box, not a page tens of thousands of pixels tall.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(900);
    // Offline: every request stays on this server (no web fonts, telemetry or hosted services).
    const origin = new URL(page.url()).origin;
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url))).toEqual([]);

    // The client SDKs' guide is one click away: install and quick starts for both.
    await page.getByTestId("sdk-link").click();
    await expect(page.getByRole("heading", { name: "Client SDKs", level: 1 })).toBeVisible();
    const guide = page.getByTestId("sdk-guide");
    await expect(guide).toContainText("npm install ./sdk/typescript");
    await expect(guide).toContainText("pip install ./sdk/python");
    await expect(guide.getByRole("heading", { name: "Quick start: Python" })).toBeVisible();
  });

  test("Ctrl+B folds the sidebar to its rail, full-bleed pages such as the chat sit beside it, and it stays folded", async ({
    page,
    auth,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await auth.signUp(newCredentials("rail"));
    await expect(page).toHaveURL(/\/workflows/);
    await page.goto("/chat");
    const sidebar = page.locator("#app-sidebar");
    const chat = page.getByTestId("chat-app");
    await expect(chat).toBeVisible();
    expect((await chat.boundingBox())!.x).toBe((await sidebar.boundingBox())!.width);

    await page.keyboard.press("Control+b");
    await expect(page.getByTestId("sidebar-toggle")).toHaveAttribute("aria-expanded", "false");
    await expect.poll(async () => (await sidebar.boundingBox())!.width).toBe(64);
    await expect.poll(async () => (await chat.boundingBox())!.x).toBe(64);
    await expect(page.getByTestId("nav-chat")).toHaveAccessibleName("Chat");

    await page.reload();
    await expect(chat).toBeVisible();
    expect((await sidebar.boundingBox())!.width).toBe(64);
    expect((await chat.boundingBox())!.x).toBe(64);
  });
});
