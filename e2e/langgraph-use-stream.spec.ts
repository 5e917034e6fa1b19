/**
 * LangGraph's React hook `useStream` against Lattice, from a page on another origin (as Agent Chat UI runs):
 * a small React app (e2e/langgraph/use-stream-app.tsx, bundled here with esbuild) is served at
 * another origin and talks to /api/langgraph with an API key. It streams a workflow's answer into the
 * conversation, keeps the thread's memory on a second turn, and answers a human node with command.resume.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "esbuild";
import { expect, newCredentials, test } from "./fixtures";

let bundle = "";
let pageConfig = "{}";
/** The chat page's own server: another origin (localhost, another port), on loopback like Lattice. */
let clientServer: Server;
let clientOrigin = "";

test.beforeAll(async () => {
  clientServer = createServer((request, response) => {
    if (request.url === "/app.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { "content-type": "text/html" });
    response.end(
      `<!doctype html><html><body><div id="root"></div><script>window.LG=${pageConfig}</script><script type="module" src="/app.js"></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => clientServer.listen(0, "localhost", resolve));
  clientOrigin = `http://localhost:${(clientServer.address() as AddressInfo).port}`;
  const result = await build({
    entryPoints: [path.join(import.meta.dirname, "langgraph/use-stream-app.tsx")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  bundle = result.outputFiles[0]!.text;
});

test.afterAll(async () => {
  await new Promise((resolve) => clientServer?.close(resolve));
});

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { label: id, config },
});

test("useStream streams a workflow's answer, keeps the thread, and answers a human node", async ({
  page,
  auth,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const user = newCredentials("lg");
  await auth.signUp(user);
  await expect(page).toHaveURL(/\/workflows/);
  const key = await page.request.post("/api/keys", { data: { name: "langgraph" } });
  expect(key.status()).toBe(201);
  const apiKey = (await key.json()).secret as string;
  const save = async (name: string, nodes: unknown[], edges: unknown[]) => {
    const response = await page.request.post("/api/workflows", {
      data: { name, description: "", nodes, edges, metadata: {} },
    });
    expect(response.status()).toBe(201);
    return (await response.json()).workflow.id as string;
  };
  const echo = await save(
    "useStream echo",
    [node("start", "start"), node("model", "model", { provider: "local", model: "echo" }), node("end", "end")],
    [
      { id: "e1", source: "start", target: "model" },
      { id: "e2", source: "model", target: "end" },
    ],
  );
  const approval = await save(
    "useStream approval",
    [
      node("start", "start"),
      node("review", "human", { mode: "approval", question: "Ship it?", variable: "ok" }),
      node("end", "end"),
    ],
    [
      { id: "e1", source: "start", target: "review" },
      { id: "e2", source: "review", target: "end", sourceHandle: "approved" },
      { id: "e3", source: "review", target: "end", sourceHandle: "rejected" },
    ],
  );

  const open = async (assistantId: string) => {
    pageConfig = JSON.stringify({ apiUrl: `${baseURL}/api/langgraph`, apiKey, assistantId });
    await page.goto(`${clientOrigin}/`);
  };

  await open(echo);
  await page.getByTestId("input").fill("hello from useStream");
  await page.getByTestId("send").click();
  await expect(page.getByTestId("message-ai")).toContainText("hello from useStream");
  await expect(page.getByTestId("status")).toHaveText("idle");
  await expect(page.getByTestId("thread")).toHaveText(/^[0-9a-f-]{36}$/);
  await page.getByTestId("input").fill("second turn");
  await page.getByTestId("send").click();
  await expect(page.getByTestId("message-ai")).toHaveCount(2);
  await expect(page.getByTestId("message-human")).toHaveText(["hello from useStream", "second turn"]);
  await expect(page.getByTestId("error")).toHaveCount(0);

  // The runs are Lattice runs: the conversation is in the app's chat list.
  const conversations = await page.request.get("/api/conversations");
  expect(JSON.stringify(await conversations.json())).toContain("hello from useStream");

  await open(approval);
  await page.getByTestId("send").click();
  await expect(page.getByTestId("interrupt")).toContainText("Ship it?");
  await page.getByTestId("approve").click();
  await expect(page.getByTestId("interrupt")).toHaveCount(0);
  await expect(page.getByTestId("values")).toContainText('"ok":true');
  await expect(page.getByTestId("error")).toHaveCount(0);
});
