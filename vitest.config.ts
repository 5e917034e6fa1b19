import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "tests/setup/empty-module.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "lib/**/*.test.ts", "components/**/*.test.{ts,tsx}"],
    // TEST_EXCLUDE_FILE: a JSON list of test files to leave out (`npm test`'s PostgreSQL pass: those that
    // never opened a database in the PGlite pass; see scripts/test.ts).
    exclude: [
      "e2e/**",
      "node_modules/**",
      ...(process.env.TEST_EXCLUDE_FILE
        ? (JSON.parse(fs.readFileSync(process.env.TEST_EXCLUDE_FILE, "utf8")) as string[])
        : []),
    ],
    environment: "node",
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/env.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
