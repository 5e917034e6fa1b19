/**
 * The TypeScript SDK in a browser: bundled as a browser app would bundle it (esbuild, platform "browser" —
 * a Node built-in anywhere in the SDK fails the bundle), loaded in headless Chromium through Playwright on
 * the server's own origin (behind a TCP proxy the test can cut), and run against the production build that
 * tests/sdk/run.ts started: a run, a stream whose connections are cut mid-run and resumed, typed errors,
 * aborts (before a call, mid-stream, during a 429's Retry-After wait), and the session cookie in place of
 * an API key. The page's scenarios are in browser/page.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CuttingProxy, startCuttingProxy } from "./proxy.js";

const baseUrl = process.env.LATTICE_SDK_TEST_URL;
const apiKey = process.env.LATTICE_SDK_TEST_API_KEY;
if (!baseUrl || !apiKey) throw new Error("run the SDK suites with `npx tsx tests/sdk/run.ts` (it starts the server)");
/** The suite user's session ("name=value") and email, for the cookie scenario. */
const sessionCookie = process.env.LATTICE_SDK_TEST_COOKIE;
const email = process.env.LATTICE_SDK_TEST_EMAIL;

/** Chromium from CHROMIUM_PATH, else Debian's, else Playwright's own download (as the e2e suite finds it). */
const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p): p is string => !!p && fs.existsSync(p),
);

/** The page's path on the server's origin: answered by the test (page.route), never by the server. */
const PAGE = "/__sdk-browser-test__/";
type Scenarios = Window["scenarios"];

let browser: Browser;
let context: BrowserContext;
let page: Page;
let proxy: CuttingProxy;
let bundleBytes = 0;
/** How many connections the proxy had accepted when the page cut them. */
let connectionsAtCut = 0;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const bundled = await build({
    entryPoints: [path.join(import.meta.dirname, "browser", "page.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: ["chrome120", "firefox120", "safari17"],
    logLevel: "silent",
  });
  const script = bundled.outputFiles[0]!.text;
  bundleBytes = Buffer.byteLength(script);
  proxy = await startCuttingProxy(baseUrl);
  browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  context = await browser.newContext();
  await context.exposeFunction("cutConnections", () => {
    connectionsAtCut = proxy.connections;
    proxy.cut();
  });
  await context.route(`${proxy.url}${PAGE}**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith("/page.js"))
      return route.fulfill({ status: 200, contentType: "text/javascript", body: script });
    return route.fulfill({
      status: 200,
      contentType: "text/html",
      body: `<!doctype html><title>SDK</title><script type="module" src="${PAGE}page.js"></script>`,
    });
  });
  page = await context.newPage();
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(`${proxy.url}${PAGE}`);
  await page.waitForFunction(() => typeof window.scenarios === "object");
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
});

/** Runs one of page.ts's scenarios in the page. */
function inPage<K extends keyof Scenarios>(name: K, arg: string) {
  return page.evaluate(
    ([scenario, value]) =>
      (window.scenarios as unknown as Record<string, (value: string) => Promise<unknown>>)[scenario]!(value),
    [name, arg] as [string, string],
  ) as ReturnType<Scenarios[K]>;
}

describe("in a browser (headless Chromium)", () => {
  it("bundles for the browser and runs a workflow", async () => {
    expect(bundleBytes).toBeGreaterThan(1000);
    const result = await inPage("run", apiKey);
    expect(result).toMatchObject({ status: "completed", stored: "completed" });
    expect(result.message).toContain("hello from a browser");
  });

  it("streams a run whose connections are cut mid-run, resumed without loss or duplicates", async () => {
    const r = await inPage("streamWithCut", apiKey);
    expect(r.cutAt).toBeDefined();
    expect(r.reconnects).toBeGreaterThanOrEqual(1);
    expect(r.reconnectedAfter[0]).toBeGreaterThanOrEqual(r.cutAt!);
    // The browser opened a new connection after the cut: the stream really was resumed over the network.
    expect(proxy.connections).toBeGreaterThan(connectionsAtCut);
    expect(r.seqs).toEqual(r.seqs.map((_, i) => i + 1));
    expect(r.types.filter((t) => t === "run_started")).toHaveLength(1);
    expect(r.types.at(-1)).toBe("run_completed");
    expect(r.status).toBe("completed");
    expect(r.tokens).toBe(r.message);
    expect(r.storedLastSeq).toBe(r.seqs.length);
  });

  it("throws typed errors (instanceof LatticeError, code, status, issues)", async () => {
    const { invalid, missing } = await inPage("typedErrors", apiKey);
    expect(invalid).toMatchObject({ isLatticeError: true, name: "LatticeError", status: 422 });
    expect(invalid.code).toMatch(/^validation:/);
    expect(invalid.issues.some((issue) => issue.path.startsWith("edges"))).toBe(true);
    expect(missing).toMatchObject({ isLatticeError: true, status: 404, code: "not_found:execution" });
  });

  it("aborts a call, a stream mid-run, and a wait for Retry-After", async () => {
    const r = await inPage("aborts", apiKey);
    // An AbortError DOMException, as fetch rejects: not a LatticeError.
    expect(r.before).toMatchObject({ name: "AbortError", isDomException: true, isLatticeError: false });
    expect(r.midStream).toMatchObject({ name: "AbortError", isLatticeError: false });
    expect(r.tokensBeforeAbort).toBe(2);
    // Leaving a stream stops listening, not the run; cancel() stops it.
    expect(r.statusAfterAbort).toBe("running");
    expect(r.cancelled).toBe("cancelled");
    expect(r.retries).toHaveLength(1);
    expect(r.retries[0]!.status).toBe(429);
    expect(r.retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(r.duringRetry).toMatchObject({ name: "AbortError", isLatticeError: false });
    // The wait ended at the abort, not after the Retry-After.
    expect(r.abortedAfterMs).toBeLessThan(r.retries[0]!.delayMs);
  });

  it.runIf(sessionCookie && email)("uses the session cookie on the app's own origin (no API key)", async () => {
    const [name, ...value] = sessionCookie!.split("=");
    await context.addCookies([{ name: name!, value: value.join("="), url: proxy.url }]);
    const r = await inPage("sessionCookie", email!);
    expect(r).toMatchObject({ sameUser: true, status: "completed" });
    expect(r.message).toContain("signed in by cookie");
  });

  it("raised no uncaught page errors", () => {
    expect(consoleErrors).toEqual([]);
  });
});
