/**
 * The reliability and security suites (`npm run test:reliability`): files named *.suite.ts, run one at a
 * time (they load one production server and measure it), against the server and database that
 * tests/reliability/run.ts prepares. Not part of `vitest run`'s default include.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      "server-only": path.resolve(root, "tests/setup/empty-module.ts"),
    },
  },
  test: {
    root,
    include: ["tests/reliability/**/*.suite.ts"],
    environment: "node",
    globalSetup: ["tests/reliability/lib/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
