/**
 * The scale suite (`npm run test:scale`): files named *.scale.ts, one at a time, against the production
 * build and the PostgreSQL database that tests/scale/run.ts prepares. Not part of `vitest run`'s default
 * include (it starts two app instances and two workers and takes a few minutes).
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
    include: ["tests/scale/**/*.scale.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: ["default"],
  },
});
