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
    await this.page.getByTestId("revoke-confirm").click();
  }
}

export const test = base.extend<{ auth: AuthPages; shell: AppShell; apiKeys: ApiKeysPanel }>({
  auth: async ({ page }, use) => use(new AuthPages(page)),
  shell: async ({ page }, use) => use(new AppShell(page)),
  apiKeys: async ({ page }, use) => use(new ApiKeysPanel(page)),
});

export { expect };

// ---------------------------------------------------------------------------------------------------------
// Workflow editor and workflow list (helper G). Specs: e2e/editor*.spec.ts.
// ---------------------------------------------------------------------------------------------------------

export type RunPhase = "starting" | "running" | "paused" | "completed" | "failed" | "cancelled";

export class WorkflowEditorPage {
  constructor(readonly page: Page) {}

  async openNew() {
    await this.page.goto("/workflows/new");
    await this.waitReady();
  }

  /** The editor is hydrated and listening to the keyboard. */
  async waitReady() {
    await expect(this.page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
  }

  node(id: string) {
    return this.page.getByTestId(`node-${id}`);
  }

  handle(nodeId: string, handle: string) {
    return this.page.getByTestId(`handle-${nodeId}-${handle}`);
  }

  /** Drags a node type from the palette onto the canvas, `at` pixels from the canvas's top-left corner. */
  async dragFromPalette(type: string, at: { x: number; y: number }) {
    await this.page.getByTestId(`palette-item-${type}`).dragTo(this.page.getByTestId("canvas"), { targetPosition: at });
  }

  /** Draws a connection from a node's output handle to another node's input, as a user does with the mouse. */
  async connect(from: string, fromHandle: string, to: string) {
    const source = await this.handle(from, fromHandle).boundingBox();
    const target = await this.handle(to, "in").boundingBox();
    if (!source || !target) throw new Error(`handles not found: ${from}.${fromHandle} → ${to}.in`);
    await this.page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
    await this.page.mouse.up();
  }

  edge(id: string) {
    return this.page.getByTestId(`rf__edge-${id}`);
  }

  /** Fits the whole workflow into view and waits until the zoom animation has settled. */
  async fitView() {
    await this.page.getByTestId("fit-view").click();
    const viewport = this.page.locator(".react-flow__viewport");
    let previous = "";
    await expect
      .poll(
        async () => {
          const current = (await viewport.getAttribute("style")) ?? "";
          const settled = current === previous;
          previous = current;
          return settled;
        },
        { intervals: [100] },
      )
      .toBe(true);
  }

  /** Selects a connection from the keyboard (focus, Enter) and deletes it with its delete button. */
  async deleteEdge(id: string) {
    await this.edge(id).focus();
    await this.page.keyboard.press("Enter");
    await this.page.getByTestId(`edge-delete-${id}`).click();
    await expect(this.edge(id)).toHaveCount(0);
  }

  /**
   * Clicks the node until it is selected: a click while the view still pans to a node just added can land
   * where the node was a moment before (on the pane, which clears the selection).
   */
  async select(nodeId: string) {
    const node = this.node(nodeId);
    await expect(async () => {
      await node.click();
      await expect(node).toHaveAttribute("data-selected", "true", { timeout: 1_000 });
    }).toPass({ timeout: 10_000 });
    await expect(this.page.getByTestId("inspector")).toBeVisible();
  }

  async openPanel(panel: "inspector" | "issues" | "versions" | "run") {
    await this.page.getByTestId(`tab-${panel}`).click();
  }

  async expectErrors(count: number) {
    await expect(this.page.getByTestId("error-count")).toHaveText(String(count));
  }

  async save() {
    await this.page.getByTestId("save").click();
  }

  async expectSaved(version: number) {
    await expect(this.page.getByTestId("save-status")).toHaveText(`Saved · v${version}`);
  }

  async run(message: string) {
    await this.openPanel("run");
    await this.page.getByTestId("run-input-message").fill(message);
    await this.page.getByTestId("run-start").click();
  }

  runStatus() {
    return this.page.getByTestId("run-status");
  }

  async expectRunPhase(phase: RunPhase, timeout = 30_000) {
    await expect(this.runStatus()).toHaveAttribute("data-phase", phase, { timeout });
  }

  runOutput() {
    return this.page.getByTestId("run-output");
  }

  async expectNodeRunStatus(nodeId: string, status: "running" | "completed" | "failed") {
    await expect(this.node(nodeId)).toHaveAttribute("data-run-status", status);
  }

  /** Clicks export and returns the downloaded file's path. */
  async export(): Promise<string> {
    const download = this.page.waitForEvent("download");
    await this.page.getByTestId("export").click();
    const file = await download;
    const path = await file.path();
    if (!path) throw new Error("the export was not downloaded");
    return path;
  }

  async restoreVersion(version: number) {
    await this.openPanel("versions");
    await this.page.getByTestId(`version-restore-${version}`).click();
    await this.page.getByTestId("confirm-restore").click();
    await expect(this.page.getByTestId("restore-dialog")).not.toBeVisible();
  }
}

export class WorkflowListPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/workflows");
  }

  row(name: string) {
    return this.page.getByTestId("workflow-row").filter({ hasText: name });
  }

  /** Imports a file through the import dialog; returns once the editor has opened on the new workflow. */
  async importFile(path: string) {
    await this.page.getByTestId("import").first().click();
    await this.page.getByTestId("import-file").setInputFiles(path);
    await expect(this.page.getByTestId("import-check")).toBeVisible();
    await this.page.getByTestId("import-submit").click();
    await expect(this.page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    await expect(this.page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
  }

  /** Creates a workflow from a template (by slug), with its parameters; the editor opens on it. */
  async createFromTemplate(slug: string, params: Record<string, string> = {}) {
    await this.page.getByTestId("new-from-template").first().click();
    await this.page.getByTestId(`template-option-${slug}`).click();
    for (const [name, value] of Object.entries(params)) {
      await this.page.getByTestId(`template-param-${name}`).selectOption(value);
    }
    await this.page.getByTestId("template-create").click();
    await expect(this.page).toHaveURL(/\/workflows\/[0-9A-Z]{26}$/);
    await expect(this.page.getByTestId("workflow-editor")).toHaveAttribute("data-ready", "true");
  }
}

export const editorTest = test.extend<{ editor: WorkflowEditorPage; workflowList: WorkflowListPage }>({
  editor: async ({ page }, use) => use(new WorkflowEditorPage(page)),
  workflowList: async ({ page }, use) => use(new WorkflowListPage(page)),
});

// ---------------------------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------------------------

/** The chat as a user drives it: the sidebar, the answer picker, the composer and the messages. */
export class ChatPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/chat");
    // Interactive (hydrated) before anything is typed.
    await expect(this.page.getByTestId("chat-app")).toHaveAttribute("data-ready", "true");
  }

  input() {
    return this.page.getByTestId("chat-input");
  }

  /** Types and sends with Enter, as a user does. */
  async send(text: string) {
    await this.input().fill(text);
    await this.input().press("Enter");
  }

  messages() {
    return this.page.getByTestId("message");
  }

  userMessages() {
    return this.page.locator('[data-testid="message"][data-role="user"]');
  }

  assistantMessages() {
    return this.page.locator('[data-testid="message"][data-role="assistant"]');
  }

  lastAnswer() {
    return this.assistantMessages().last();
  }

  /** Waits for the newest answer to finish (and be saved: its run link appears with its meta). */
  async waitForAnswer(status: "complete" | "stopped" | "error" | "waiting" = "complete") {
    await expect(this.lastAnswer()).toHaveAttribute("data-status", status, { timeout: 20_000 });
    await expect(this.lastAnswer().getByTestId("message-execution-link")).toBeVisible();
    return this.lastAnswer();
  }

  answererName() {
    return this.page.getByTestId("answerer-name");
  }

  async chooseAnswerer(name: string) {
    await this.page.getByTestId("answerer-picker").click();
    await this.page.getByTestId("answerer-option").filter({ hasText: name }).first().click();
    await expect(this.answererName()).toHaveText(name);
  }

  /** Picks a template that reads a knowledge base, then the knowledge base. */
  async chooseKnowledgeBase(templateName: string, knowledgeBaseName: string) {
    await this.page.getByTestId("answerer-picker").click();
    await this.page.getByTestId("answerer-option").filter({ hasText: templateName }).first().click();
    await this.page.getByTestId("knowledge-base-option").filter({ hasText: knowledgeBaseName }).click();
    await expect(this.answererName()).toHaveText(`${templateName} · ${knowledgeBaseName}`);
  }

  conversations() {
    return this.page.getByTestId("conversation-item");
  }

  conversationId(): Promise<string | null> {
    return this.page.getByTestId("conversation").getAttribute("data-conversation-id");
  }
}

/** Chat set-up through the REST API, with the signed-in page's session. */
export class ChatApi {
  constructor(private readonly page: Page) {}

  /** A workflow whose answers are long and slow (the local `slow` model), to stop mid-stream. */
  async createSlowWorkflow(name = "Slow storyteller"): Promise<string> {
    const response = await this.page.request.post("/api/workflows", {
      data: {
        name,
        description: "Answers slowly, token by token",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
          {
            id: "model",
            type: "model",
            position: { x: 240, y: 0 },
            data: { label: "Model", config: { provider: "local", model: "slow" } },
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
    expect(response.status()).toBe(201);
    return (await response.json()).workflow.id as string;
  }

  /** A draft the engine refuses to run (its model names a provider that does not exist). */
  async createBrokenWorkflow(name: string): Promise<string> {
    const response = await this.page.request.post("/api/workflows", {
      data: {
        name,
        description: "",
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
          {
            id: "model",
            type: "model",
            position: { x: 240, y: 0 },
            data: { label: "Model", config: { provider: "nonexistent", model: "x" } },
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
    expect(response.status()).toBe(201);
    return (await response.json()).workflow.id as string;
  }

  /** A knowledge base with one document. */
  async createKnowledgeBase(name: string, document: { title: string; text: string }): Promise<string> {
    const created = await this.page.request.post("/api/knowledge-bases", { data: { name } });
    expect(created.status()).toBe(201);
    const id = (await created.json()).knowledgeBase.id as string;
    const added = await this.page.request.post(`/api/knowledge-bases/${id}/documents`, { data: document });
    expect(added.status()).toBe(201);
    return id;
  }
}

export const chatTest = test.extend<{ chat: ChatPage; chatApi: ChatApi }>({
  chat: async ({ page }, use) => use(new ChatPage(page)),
  chatApi: async ({ page }, use) => use(new ChatApi(page)),
});

// ---------------------------------------------------------------------------------------------------------
// Execution monitor (helper J). Spec: e2e/monitor.spec.ts.
// ---------------------------------------------------------------------------------------------------------

type GraphNode = {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: { label?: string; config: Record<string, unknown> };
};

/** Small graphs for monitor specs, built the way the API takes them. */
export const monitorGraphs = {
  node(id: string, type: string, config: Record<string, unknown> = {}, label?: string): GraphNode {
    return { id, type, position: { x: 0, y: 0 }, data: { config, ...(label ? { label } : {}) } };
  },
  chain(...ids: string[]) {
    return ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i]!, target: id }));
  },
  /** start → model (the local `slow` model: one token per `latencyMs` (20), at most `tokens` of about 140) → end */
  slow(tokens: number, latencyMs = 20) {
    const n = monitorGraphs.node;
    const config = { provider: "local", model: "slow", maxTokens: tokens, ...(latencyMs !== 20 ? { latencyMs } : {}) };
    return {
      nodes: [n("start", "start"), n("model", "model", config, "Write slowly"), n("end", "end")],
      edges: monitorGraphs.chain("start", "model", "end"),
    };
  },
  /** start → set topic → headline "About <topic>" → echo model → end */
  topic() {
    const n = monitorGraphs.node;
    return {
      nodes: [
        n("start", "start"),
        n("set", "variable", { assignments: [{ name: "topic", value: "cats" }] }, "Set topic"),
        n(
          "about",
          "transform",
          { expression: "'About ' & variables.topic", target: "variable", variable: "headline" },
          "Headline",
        ),
        n("model", "model", { provider: "local", model: "echo" }, "Answer"),
        n("end", "end"),
      ],
      edges: monitorGraphs.chain("start", "set", "about", "model", "end"),
    };
  },
};

/** Runs started through the REST API with the signed-in page's session. */
export class MonitorApi {
  constructor(private readonly page: Page) {}

  /** Starts a run and answers as soon as it has started (`Prefer: respond-async`); it runs on. */
  async startInBackground(request: Record<string, unknown>): Promise<string> {
    const response = await this.page.request.post("/api/executions", {
      data: request,
      headers: { prefer: "respond-async" },
    });
    expect(response.status(), await response.text()).toBe(202);
    return (await response.json()).executionId as string;
  }

  /** Runs to the end (or a pause) and returns the result. */
  async run(
    request: Record<string, unknown>,
  ): Promise<{ executionId: string; status: string; output: { message: string; variables: Record<string, unknown> } }> {
    const response = await this.page.request.post("/api/executions", { data: request });
    expect(response.status(), await response.text()).toBe(200);
    return response.json();
  }
}

/** /executions: the dashboard and the live list. */
export class ExecutionsPage {
  constructor(readonly page: Page) {}

  async goto(search = "") {
    await this.page.goto(`/executions${search}`);
    await expect(this.page.getByTestId("executions-page")).toBeVisible();
  }

  /** The live feed is connected: changes from now on arrive without a reload. */
  async waitLive() {
    await expect(this.page.getByTestId("feed-state")).toHaveAttribute("data-state", "live");
  }

  row(executionId: string) {
    return this.page.locator(`[data-testid="execution-row"][data-execution-id="${executionId}"]`);
  }

  async open(executionId: string) {
    await this.row(executionId).getByTestId("execution-link").click();
    await expect(this.page).toHaveURL(new RegExp(`/executions/${executionId}$`));
  }

  kpi(name: "runs" | "success" | "p50" | "tokens" | "cost") {
    return this.page.getByTestId(`kpi-${name}-value`);
  }
}

/** /executions/:id — one run, live. */
export class RunPage {
  constructor(readonly page: Page) {}

  async goto(executionId: string) {
    await this.page.goto(`/executions/${executionId}`);
    await expect(this.view).toBeVisible();
  }

  get view() {
    return this.page.getByTestId("run-view");
  }

  async expectStatus(status: string, timeout?: number) {
    await expect(this.view).toHaveAttribute("data-status", status, timeout ? { timeout } : undefined);
  }

  /** A node on the read-only canvas; `data-run-status` is idle, running, completed or failed. */
  node(nodeId: string) {
    return this.page.getByTestId("run-canvas").getByTestId(`node-${nodeId}`);
  }

  async selectNode(nodeId: string) {
    await this.page.locator(`[data-testid="waterfall-row"][data-node-id="${nodeId}"]`).first().click();
    await expect(this.page.getByTestId("node-detail")).toHaveAttribute("data-node-id", nodeId);
  }

  get nodeOutput() {
    return this.page.getByTestId("node-output-json");
  }

  async cancel() {
    await this.page.getByTestId("cancel-run").click();
  }

  /** Re-runs from the step before `nodeId`, with the step's variables replaced by `variables`. */
  async rerunFromStepBefore(nodeId: string, variables: Record<string, unknown>) {
    await this.page.getByTestId("time-travel-open").click();
    const dialog = this.page.getByTestId("time-travel-dialog");
    const step = dialog.locator(`[data-testid="time-travel-step"][data-next="${nodeId}"]`);
    await step.click();
    await expect(step).toHaveAttribute("aria-pressed", "true");
    await dialog.getByTestId("time-travel-variables").fill(JSON.stringify(variables, null, 2));
    await dialog.getByTestId("time-travel-run").click();
  }

  get parentLink() {
    return this.page.getByTestId("parent-link");
  }
}

export const monitorTest = test.extend<{ monitorApi: MonitorApi; executions: ExecutionsPage; run: RunPage }>({
  monitorApi: async ({ page }, use) => use(new MonitorApi(page)),
  executions: async ({ page }, use) => use(new ExecutionsPage(page)),
  run: async ({ page }, use) => use(new RunPage(page)),
});
