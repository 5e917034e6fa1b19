import { expect, newCredentials, test } from "./fixtures";

test.describe("accounts and API keys", () => {
  test("sign up, use the app shell, create an API key, call the API with it, sign out and back in", async ({
    page,
    auth,
    shell,
    apiKeys,
    playwright,
    baseURL,
  }) => {
    const user = newCredentials("founder");
    await auth.signUp(user);
    await expect(page).toHaveURL(/\/workflows/);
    await shell.expectSignedIn(user);

    for (const section of ["chat", "executions", "templates", "workflows"] as const) {
      await shell.open(section);
    }
    await shell.open("templates");
    await expect(page.getByText("Universal chat")).toBeVisible();

    await shell.open("settings");
    const secret = await apiKeys.create("ci key");
    await expect(apiKeys.row("ci key")).toBeVisible();

    // The key works from outside the browser (a fresh client with no cookies)…
    const api = await playwright.request.newContext({ baseURL });
    const health = await api.get("/api/health", { headers: { Authorization: `Bearer ${secret}` } });
    expect(health.status()).toBe(200);
    const body = await health.json();
    expect(body).toMatchObject({ status: "ok", backend: "pglite", user: { email: user.email } });
    expect(body.database.migration.pending).toBe(0);

    // …until it is revoked.
    await apiKeys.revoke("ci key");
    await expect(apiKeys.row("ci key")).toContainText(/revoked/i);
    const afterRevoke = await api.get("/api/health", { headers: { Authorization: `Bearer ${secret}` } });
    expect(afterRevoke.status()).toBe(401);
    await api.dispose();

    await shell.signOut();
    await page.goto("/workflows");
    await expect(page).toHaveURL(/\/signin/);

    await auth.signIn(user.email, user.password);
    await expect(page).toHaveURL(/\/workflows/);
    await shell.expectSignedIn(user);
  });

  test("a wrong password is refused with a message, and the demo account works on the embedded database", async ({
    page,
    auth,
    shell,
  }) => {
    await auth.signIn("nobody@e2e.test", "wrong-password");
    await expect(page.getByTestId("signin-error")).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);

    const demo = page.getByTestId("demo-credentials");
    await expect(demo).toBeVisible();
    const email = (await page.getByTestId("demo-email").textContent())?.trim() ?? "";
    const password = (await page.getByTestId("demo-password").textContent())?.trim() ?? "";
    expect(email).toContain("@");
    await auth.signIn(email, password);
    await expect(page).toHaveURL(/\/workflows/);
    await shell.expectSignedIn({ email });
  });

  test("protected pages send a signed-out visitor to sign-in, and back after signing in", async ({ page, auth }) => {
    const user = newCredentials("returning");
    await auth.signUp(user);
    await expect(page).toHaveURL(/\/workflows/);
    await page.context().clearCookies();

    await page.goto("/executions?status=failed");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    await page.getByTestId("signin-email").fill(user.email);
    await page.getByTestId("signin-password").fill(user.password);
    await page.getByTestId("signin-submit").click();
    await expect(page).toHaveURL(/\/executions\?status=failed/);
  });
});
