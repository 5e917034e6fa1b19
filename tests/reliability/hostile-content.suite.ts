/**
 * Hostile content, checked in the browser: workflow and template names, node labels, prompt text, run input
 * and output, chat messages and API key names carrying HTML, script, event-handler attributes and
 * javascript: links are shown as inert text on every page that displays them — nothing executes (a payload
 * would set window.__pwned or open a dialog), no element carries an injected handler or javascript: URL —
 * and each page does show the hostile text, so the check looked where it mattered.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { edge, graph, node, suiteServer } from "./lib/suite";

const { baseUrl } = suiteServer();
const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p): p is string => !!p && fs.existsSync(p),
);

/** Each payload would set window.__pwned if it ran; "HX-" marks its visible text. */
const PAYLOADS = [
  `<img src=x onerror="window.__pwned='img'">HX-img`,
  `<script>window.__pwned='script'</script>HX-script`,
  `[HX-link](javascript:window.__pwned='link')`,
  `<a href="javascript:window.__pwned='anchor'">HX-anchor</a>`,
  `<svg onload="window.__pwned='svg'">HX-svg</svg>`,
  `"><iframe src="javascript:window.__pwned='iframe'"></iframe>HX-iframe`,
  `<details open ontoggle="window.__pwned='toggle'">HX-details</details>`,
];
const hostile = (i: number) => PAYLOADS[i % PAYLOADS.length]!;

let user: HttpUser;
let browser: Browser | undefined;
const ids: Record<string, string> = {};

beforeAll(async () => {
  user = await signUpOverHttp(baseUrl, "hostile");
  const as = { apiKey: user.apiKey };
  const definition = graph(
    [
      node("start", "start", {}, hostile(0)),
      node("prompt", "prompt", { template: `${hostile(1)} {{input.message}}`, role: "user" }, hostile(4)),
      node("model", "model", { provider: "local", model: "echo", systemPrompt: hostile(3) }, hostile(5)),
      node("end", "end", {}, hostile(6)),
    ],
    [edge("start", "prompt"), edge("prompt", "model"), edge("model", "end")],
  );
  const saved = await callJson(baseUrl, "/api/workflows", {
    method: "POST",
    ...as,
    body: { name: hostile(0), description: hostile(1), ...definition },
  });
  expect(saved.status, saved.text).toBe(201);
  ids.workflow = saved.json.workflow.id;
  const template = await callJson(baseUrl, "/api/templates", {
    method: "POST",
    ...as,
    body: { name: hostile(4), description: hostile(2), ...definition },
  });
  expect(template.status, template.text).toBe(201);
  const run = await callJson(baseUrl, "/api/executions", {
    method: "POST",
    ...as,
    body: { type: "DEFINITION", definitionId: ids.workflow, input: { message: PAYLOADS.join(" ") } },
  });
  expect(run.status, run.text).toBe(200);
  ids.execution = run.json.executionId;
  const failing = await callJson(baseUrl, "/api/executions", {
    method: "POST",
    ...as,
    body: {
      type: "CUSTOM",
      definition: graph(
        [node("start", "start"), node("fetch", "http", { url: "{{input.message}}" }, hostile(2)), node("end", "end")],
        [edge("start", "fetch"), edge("fetch", "end")],
      ),
      input: { message: `http://${hostile(0)}` },
    },
  });
  expect(failing.status).toBeLessThan(500);
  const chat = await request(baseUrl, "/api/chat", {
    method: "POST",
    ...as,
    headers: { accept: "text/event-stream" },
    body: { message: PAYLOADS.join("\n\n"), workflowId: ids.workflow },
  });
  const events = await readSse(chat);
  ids.conversation = events.find((m) => m.event === "run_completed")!.data.data.conversationId;
  await callJson(baseUrl, "/api/keys", { method: "POST", ...as, body: { name: hostile(0).slice(0, 90) } });
  // Settings lists model credentials by name too.
  const credential = await callJson(baseUrl, "/api/credentials", {
    method: "POST",
    ...as,
    body: { name: hostile(3).slice(0, 100), provider: "anthropic", apiKey: "sk-ant-hostile-0000" },
  });
  expect(credential.status, credential.text).toBe(201);
  const knowledge = await callJson(baseUrl, "/api/knowledge-bases", {
    method: "POST",
    ...as,
    body: { name: hostile(1).slice(0, 100), description: hostile(5) },
  });
  expect(knowledge.status, knowledge.text).toBe(201);
  ids.knowledgeBase = knowledge.json.knowledgeBase.id;
  const document = await callJson(baseUrl, `/api/knowledge-bases/${ids.knowledgeBase}/documents`, {
    method: "POST",
    ...as,
    body: { title: hostile(2).slice(0, 100), text: PAYLOADS.join("\n\n") },
  });
  expect(document.status, document.text).toBe(201);
  if (CHROMIUM) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  }
});

afterAll(async () => {
  await browser?.close();
});

interface Findings {
  pwned: unknown;
  injected: string[];
  shown: boolean;
}

async function inspect(page: Page): Promise<Findings> {
  return page.evaluate(() => {
    const injected: string[] = [];
    for (const el of Array.from(document.querySelectorAll("*"))) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith("on") && value.includes("__pwned")) injected.push(`<${el.tagName.toLowerCase()} ${name}>`);
        if (["href", "src", "xlink:href", "action", "formaction"].includes(name) && value.startsWith("javascript:"))
          injected.push(`<${el.tagName.toLowerCase()} ${name}="${value.slice(0, 40)}">`);
      }
      // Next's own inline scripts carry page data (the payload as an escaped string): a script that *is* the payload is not one of them.
      const code = (el.textContent ?? "").trim();
      if (el.tagName === "SCRIPT" && code.includes("__pwned") && !/^\(?self\.__next_f/.test(code))
        injected.push(`<script>${code.slice(0, 60)}`);
    }
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      injected,
      // biome-ignore lint/performance/useDomNodeTextContent: the question is what is rendered on screen, which only innerText answers
      shown: document.body.innerText.includes("HX-"),
    };
  });
}

describe("hostile content is inert in every page", () => {
  it.skipIf(!CHROMIUM)("renders names, labels, prompts, runs and messages as text, and runs none of it", async () => {
    const context = await browser!.newContext({ baseURL: baseUrl });
    const [name, ...rest] = user.cookie.split("=");
    await context.addCookies([
      { name: name!, value: rest.join("="), domain: "127.0.0.1", path: "/", httpOnly: true, sameSite: "Lax" },
    ]);
    const pages = [
      { path: "/workflows", mustShow: true },
      { path: `/workflows/${ids.workflow}`, mustShow: true },
      { path: "/templates", mustShow: true },
      { path: "/chat", mustShow: false },
      { path: `/chat/${ids.conversation}`, mustShow: true },
      { path: "/executions", mustShow: false },
      { path: `/executions/${ids.execution}`, mustShow: true },
      { path: "/settings", mustShow: true },
      { path: "/knowledge", mustShow: true },
      { path: `/knowledge/${ids.knowledgeBase}`, mustShow: true },
    ];
    const problems: string[] = [];
    for (const { path, mustShow } of pages) {
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const response = await page.goto(path, { waitUntil: "load" });
      expect(response?.status(), path).toBeLessThan(400);
      expect(page.url(), `${path}: sent to sign in`).not.toMatch(/\/signin/);
      // Client-rendered content (canvas, lists, messages) arrives after load.
      await page
        // biome-ignore lint/performance/useDomNodeTextContent: waits for the text to be rendered on screen, which only innerText tells
        .waitForFunction(() => document.body.innerText.includes("HX-"), undefined, {
          timeout: mustShow ? 15_000 : 3_000,
        })
        .catch(() => {});
      await page.waitForTimeout(300);
      const found = await inspect(page);
      if (found.pwned !== undefined) problems.push(`${path}: a payload ran (${String(found.pwned)})`);
      if (dialogs.length) problems.push(`${path}: dialogs opened: ${dialogs.join(", ")}`);
      if (found.injected.length) problems.push(`${path}: injected markup: ${found.injected.slice(0, 5).join(" ")}`);
      if (mustShow && !found.shown)
        problems.push(`${path}: the hostile text is not on the page, so nothing was checked there`);
      await page.close();
    }
    await context.close();
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
