/**
 * The TypeScript SDK's live tests (sdk/typescript/test/*.test.ts: in Node, and in headless Chromium) against a
 * running server, started by tests/sdk/run.ts (LATTICE_SDK_TEST_URL, LATTICE_SDK_TEST_API_KEY, and the same
 * user's session for the browser: LATTICE_SDK_TEST_COOKIE, LATTICE_SDK_TEST_EMAIL). Not part of `vitest run`'s
 * default include.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  test: {
    root,
    include: ["sdk/typescript/test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 30_000,
  },
});
