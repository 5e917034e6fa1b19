import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/** Chromium from CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own download. */
function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

const port = Number(process.env.E2E_PORT ?? 3100);
// A fresh embedded database per run: the e2e suite proves the zero-configuration setup.
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "lattice-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  // Its own folder under test-results/: Playwright empties its output folder when it starts, and the default
  // (test-results/ itself) would delete what `npm test` wrote there before — the vitest reports (which say
  // afterwards which files were slow or failed), the list of files the PostgreSQL pass left out, next-build.log.
  outputDir: "test-results/playwright",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  // One retry in CI, where a loaded 2-core machine can starve a page: a test that passes only on its retry
  // is reported as flaky by name at the end of `npm test` (and fails nothing), one that fails twice fails.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // The production build (made by `npm test` before Playwright starts) on the embedded database.
    command: `npx next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LATTICE_DATA_DIR: dataDir,
      DATABASE_URL: "",
      // The wire-format model server the credentials spec starts listens on loopback, which a credential's
      // base URL may name only when allowed (as the HTTP node's guard requires).
      LATTICE_HTTP_ALLOWLIST: "127.0.0.1",
      NODE_ENV: "production",
    },
  },
});
