/**
 * Page objects and fixtures shared by the specs: a spec reads as what a user does, the selectors live here.
 */
import { test as base, expect, type Page } from "@playwright/test";

export interface Credentials {
  name: string;
  email: string;
  password: string;
}

export function newCredentials(label = "user"): Credentials {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return { name: `E2E ${label}`, email: `${label}-${id}@e2e.test`, password: `pw-${id}-secret` };
}

export class AuthPages {
  constructor(private readonly page: Page) {}

  async signUp(c: Credentials) {
    await this.page.goto("/signup");
    await this.page.getByTestId("signup-name").fill(c.name);
    await this.page.getByTestId("signup-email").fill(c.email);
    await this.page.getByTestId("signup-password").fill(c.password);
    await this.page.getByTestId("signup-submit").click();
  }

  async signIn(email: string, password: string) {
    await this.page.goto("/signin");
    await this.page.getByTestId("signin-email").fill(email);
    await this.page.getByTestId("signin-password").fill(password);
    await this.page.getByTestId("signin-submit").click();
  }
}

export class AppShell {
  constructor(private readonly page: Page) {}

  async expectSignedIn(c: Pick<Credentials, "email">) {
    await expect(this.page.getByTestId("user-menu")).toContainText(c.email);
  }

  async open(section: "workflows" | "chat" | "executions" | "templates" | "settings") {
    await this.page.getByTestId(`nav-${section}`).click();
    await expect(this.page).toHaveURL(new RegExp(`/${section}`));
  }

  async signOut() {
    await this.page.getByTestId("sign-out").click();
    await expect(this.page).toHaveURL(/\/signin/);
  }
}

export class ApiKeysPanel {
  constructor(private readonly page: Page) {}

  /** Creates a key and returns the secret, which the page shows only once. */
  async create(name: string): Promise<string> {
    await this.page.getByTestId("api-key-name").fill(name);
    await this.page.getByTestId("api-key-create").click();
    const secret = this.page.getByTestId("api-key-secret");
    await expect(secret).toContainText("lat_");
    const text = (await secret.textContent()) ?? "";
    const match = text.match(/lat_[A-Za-z0-9_-]+/);
    if (!match) throw new Error(`no API key in: ${text}`);
    return match[0];
  }

  row(name: string) {
    return this.page.getByTestId("api-key-row").filter({ hasText: name });
  }

  async revoke(name: string) {
    await this.row(name).getByTestId("api-key-revoke").click();
    await this.page.getByTestId("confirm-revoke").click();
  }
}

export const test = base.extend<{ auth: AuthPages; shell: AppShell; apiKeys: ApiKeysPanel }>({
  auth: async ({ page }, use) => use(new AuthPages(page)),
  shell: async ({ page }, use) => use(new AppShell(page)),
  apiKeys: async ({ page }, use) => use(new ApiKeysPanel(page)),
});

export { expect };
