/**
 * Issue 15 in the browser, against the wire-format model server: a fresh account without providers is told
 * its answers come from the test model; it adds a credential and tests it (and a failing one, whose error is
 * the provider's own, key blanked), picks it in a model node, and chats with it — and the key is never on a
 * page; the credential also embeds a knowledge base's passages. A tools node's HTTP tool sends a secret to the site its author set in the inspector; an import says
 * which model nodes it moved to the default model. At 1440×900; SHOTS_DIR, when set, keeps screenshots of
 * what a user sees.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Page } from "@playwright/test";
import { startWireServer, type WireServer } from "../tests/helpers/wire-server";
import { editorTest as test, expect, newCredentials } from "./fixtures";

test.use({ viewport: { width: 1440, height: 900 } });

const KEY = "sk-e2e-4c3b2a1908f7e6d5c4b3a291";
let wire: WireServer;
test.beforeAll(async () => {
  wire = await startWireServer({ apiKey: KEY });
});
test.afterAll(async () => {
  await wire.close();
});

async function shot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

async function addCredential(page: Page, name: string, key: string) {
  await page.getByTestId("credential-name").fill(name);
  await page.getByTestId("credential-key").fill(key);
  await page.getByTestId("credential-url").fill(`${wire.url}/v1`);
  await page.getByTestId("credential-add").dblclick();
  await expect(page.getByTestId("credential-row").filter({ hasText: name })).toHaveCount(1);
}

test("add and test credentials, pick one in a model node, chat with it; the test-model notice without one", async ({
  page,
  auth,
  editor,
}) => {
  await auth.signUp(newCredentials("models"));
  await expect(page).toHaveURL(/\/workflows/);

  // No provider on this server: the chat says plainly where answers come from.
  await page.goto("/chat");
  await expect(page.getByTestId("test-model-notice")).toContainText("built-in test model");
  await shot(page, "15-chat-test-model-notice");

  await page.goto("/settings");
  await expect(page.getByTestId("default-model").getByTestId("test-model-notice")).toBeVisible();
  await addCredential(page, "Wire", KEY);
  const good = page.getByTestId("credential-row").filter({ hasText: "Wire" }).first();
  await good.getByTestId("credential-test").click();
  await expect(good.getByTestId("credential-test-result")).toHaveAttribute("data-ok", "true");
  await expect(good.getByTestId("credential-test-result")).toContainText("Connected: gpt-4o-mini answered");

  await addCredential(page, "Old key", "sk-e2e-wrong-0000000000000000");
  const bad = page.getByTestId("credential-row").filter({ hasText: "Old key" });
  await bad.getByTestId("credential-test").click();
  await expect(bad.getByTestId("credential-test-result")).toHaveAttribute("data-ok", "false");
  await expect(bad.getByTestId("credential-test-result")).toContainText("Incorrect API key provided: [redacted]");
  await shot(page, "15-settings-credentials");

  // A workflow's model node picks the credential.
  const created = await page.request.post("/api/workflows", {
    data: {
      name: "Wire answers",
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
        {
          id: "model",
          type: "model",
          position: { x: 240, y: 0 },
          data: { label: "Model", config: { provider: "default", model: "default" } },
        },
        { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
      ],
      edges: [
        { id: "e1", source: "start", target: "model" },
        { id: "e2", source: "model", target: "end" },
      ],
      metadata: {},
    },
  });
  expect(created.status()).toBe(201);
  const workflowId = (await created.json()).workflow.id as string;
  await page.goto(`/workflows/${workflowId}`);
  await editor.waitReady();
  await editor.select("model");
  const picker = page.getByTestId("field-model-picker");
  await expect(picker.getByTestId("default-model-resolved")).toContainText("the built-in test model");
  await shot(page, "15-inspector-default-model");
  await picker.getByTestId("model-provider").selectOption({ label: "Wire" });
  await expect(picker.getByTestId("model-name")).toHaveValue("gpt-4o-mini");
  await editor.save();
  await editor.expectSaved(2);
  await shot(page, "15-inspector-credential");

  await page.goto(`/chat?workflow=${workflowId}`);
  await expect(page.getByTestId("chat-app")).toHaveAttribute("data-ready", "true");
  await page.getByTestId("chat-input").fill("Who answers?");
  await page.getByTestId("chat-input").press("Enter");
  const answer = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(answer).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(answer).toContainText("Hello from openai gpt-4o-mini. You said: Who answers?");
  // This workflow answers with its own model: no test-model notice here.
  await expect(page.getByTestId("test-model-notice")).toHaveCount(0);
  await shot(page, "15-chat-with-credential");
  expect(await page.content()).not.toContain(KEY);
});

test("one of the user's credentials embeds a knowledge base's passages on a server without an embeddings provider", async ({
  page,
  auth,
}) => {
  await auth.signUp(newCredentials("embeds"));
  await expect(page).toHaveURL(/\/workflows/);
  const credential = await page.request.post("/api/credentials", {
    data: { name: "Wire", provider: "openai", apiKey: KEY, baseUrl: `${wire.url}/v1` },
  });
  expect(credential.status()).toBe(201);

  const base = await page.request.post("/api/knowledge-bases", { data: { name: "Garage" } });
  expect(base.status()).toBe(201);
  const baseId = (await base.json()).knowledgeBase.id as string;
  await page.goto(`/knowledge/${baseId}`);
  await page.getByTestId("embeddings-provider").selectOption({ label: "Wire (OpenAI-compatible)" });
  await page.getByTestId("embeddings-model").fill("wire-embed");
  await page.getByTestId("embeddings-save").click();
  await expect(page.getByTestId("embeddings-progress")).toContainText("your credential “Wire”");
  const added = await page.request.post(`/api/knowledge-bases/${baseId}/documents`, {
    data: { title: "Car repairs", text: "The mechanic charges a flat fee for mending vehicles." },
  });
  expect(added.status()).toBe(201);
  await page.reload();
  await expect(page.getByTestId("embeddings-count")).toHaveText("1 of 1 passage embedded");
  await shot(page, "15-knowledge-credential-embeddings");
  expect(await page.content()).not.toContain(KEY);
});

test("a tools node's HTTP tool sends a secret only to the site set in its inspector; an import names the nodes it re-pointed", async ({
  page,
  auth,
  editor,
  workflowList,
}) => {
  const SECRET = "tok-e2e-7c1f0a9b3d5e";
  const seen: Array<string | undefined> = [];
  const site = http.createServer((req, res) => {
    seen.push(req.headers["x-api-key"] as string | undefined);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ youSent: req.headers["x-api-key"] ?? null }));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  try {
    await auth.signUp(newCredentials("sites"));
    await expect(page).toHaveURL(/\/workflows/);
    await page.goto("/settings#secrets");
    await page.getByTestId("secret-name").fill("API_TOKEN");
    await page.getByTestId("secret-value").fill(SECRET);
    await page.getByTestId("secret-add").click();
    await expect(page.getByTestId("secret-row").filter({ hasText: "API_TOKEN" })).toHaveCount(1);

    const created = await page.request.post("/api/workflows", {
      data: {
        name: "Calls an API",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
          {
            id: "agent",
            type: "tools",
            position: { x: 240, y: 0 },
            data: {
              label: "Agent",
              config: {
                provider: "local",
                model: "scripted",
                tools: ["http_get"],
                script: [`http_get(${JSON.stringify({ url: `${origin}/items` })})`, "Fetched."],
              },
            },
          },
          { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
        ],
        edges: [
          { id: "e1", source: "start", target: "agent" },
          { id: "e2", source: "agent", target: "end" },
        ],
        metadata: {},
      },
    });
    expect(created.status()).toBe(201);
    const workflowId = (await created.json()).workflow.id as string;
    await page.goto(`/workflows/${workflowId}`);
    await editor.waitReady();
    await editor.select("agent");
    await page.getByRole("button", { name: "Advanced" }).click();
    const sites = page.getByTestId("field-httpSites");
    await expect(sites.getByTestId("secrets-hint")).toContainText("{{secrets.API_TOKEN}}");
    await page.getByTestId("list-add-httpSites").click();
    await page.getByTestId("field-httpSites.0.origin").locator("input").fill(origin);
    const headers = page.getByTestId("field-httpSites.0.headers");
    // A secret the user does not have is named at the header that uses it.
    await headers.locator("textarea").fill('{ "X-Api-Key": "{{secrets.API_TOKN}}" }');
    await expect(headers).toContainText("{{secrets.API_TOKN}}, which you have not set");
    await headers.locator("textarea").fill('{ "X-Api-Key": "{{secrets.API_TOKEN}}" }');
    await expect(headers).not.toContainText("which you have not set");
    await shot(page, "15-inspector-http-tool-sites");
    await editor.save();
    await editor.expectSaved(2);

    await editor.run("Fetch the items");
    await editor.expectRunPhase("completed");
    expect(seen).toEqual([SECRET]);
    await expect(editor.runOutput()).toContainText("Fetched.");
    expect(await page.content()).not.toContain(SECRET);

    // An export from another account names a credential this one does not have.
    const file = {
      format: "lattice.workflow",
      formatVersion: 1,
      kind: "definition",
      exportedAt: new Date().toISOString(),
      workflow: {
        name: "From a colleague",
        description: "",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
          {
            id: "writer",
            type: "model",
            position: { x: 240, y: 0 },
            data: { label: "Writer", config: { provider: "openai", model: "gpt-4o", credentialName: "Team OpenAI" } },
          },
          { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
        ],
        edges: [
          { id: "e1", source: "start", target: "writer" },
          { id: "e2", source: "writer", target: "end" },
        ],
        metadata: {},
      },
    };
    await workflowList.goto();
    await page.getByTestId("import").first().click();
    await page.getByTestId("import-text").fill(JSON.stringify(file));
    await expect(page.getByTestId("import-check")).toBeVisible();
    await page.getByTestId("import-submit").click();
    await expect(page.getByTestId("import-repointed-node")).toHaveText(
      "“Writer” used the credential “Team OpenAI” (openai · gpt-4o), which you do not have.",
    );
    await shot(page, "15-import-repointed");
    await page.getByTestId("import-open").click();
    await expect(page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    await editor.waitReady();
    await editor.select("writer");
    await expect(page.getByTestId("field-model-picker").getByTestId("default-model-resolved")).toBeVisible();
  } finally {
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  }
});
