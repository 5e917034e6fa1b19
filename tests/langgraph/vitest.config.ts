/**
 * The LangGraph SDK suite (tests/langgraph/sdk.test.ts) against a running server, started by tests/sdk/run.ts
 * beside the Lattice SDK suites (LG_TEST_URL). In process, the same files run in the default `vitest run`.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // The suite's fixtures share modules with the in-process tests; nothing server-side runs here.
      "server-only": path.join(root, "tests/setup/empty-module.ts"),
    },
  },
  test: {
    root,
    include: [
      "tests/langgraph/sdk.test.ts",
      "tests/langgraph/subgraphs.test.ts",
      "tests/langgraph/store.test.ts",
      "tests/langgraph/steering.test.ts",
    ],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
