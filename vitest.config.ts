import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { ISOLATED_TEST_FILES } from "./tests/setup/isolated-files.ts";

/**
 * TEST_FILES (set by `npm test`, scripts/test.ts): "shared" runs every file but those that need a process of
 * their own, with modules shared across a worker's files; "isolated" runs only those, each in its own
 * process. Unset: every file in its own process (vitest's default).
 */
const mode = process.env.TEST_FILES;

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "tests/setup/empty-module.ts"),
    },
  },
  test: {
    include:
      mode === "isolated"
        ? ISOLATED_TEST_FILES
        : ["tests/**/*.test.ts", "lib/**/*.test.ts", "components/**/*.test.{ts,tsx}"],
    // TEST_EXCLUDE_FILE: a JSON list of test files to leave out (`npm test`'s PostgreSQL pass: those that
    // never opened a database in the PGlite pass; see scripts/test.ts).
    exclude: [
      "e2e/**",
      "node_modules/**",
      ...(mode === "shared" ? ISOLATED_TEST_FILES : []),
      ...(process.env.TEST_EXCLUDE_FILE
        ? (JSON.parse(fs.readFileSync(process.env.TEST_EXCLUDE_FILE, "utf8")) as string[])
        : []),
    ],
    environment: "node",
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/env.ts"],
    pool: "forks",
    isolate: mode !== "shared",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
