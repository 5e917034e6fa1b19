/**
 * One production server for the suites that share it (load, database faults, fuzz, authorization, SSRF,
 * hostile content); the crash and cancel suites start their own (they kill it, or point it at a model of
 * their own). run.ts provides the build snapshot and the database.
 */
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startProductionServer } from "../../helpers/production-server";

/** Environment of every suite server: one user may drive hundreds of runs; 127.0.0.2 is an allowed host for the SSRF redirect test. */
export const SUITE_SERVER_ENV = {
  LATTICE_MAX_CONCURRENT_RUNS: "1000",
  LATTICE_RUNS_PER_MINUTE: "100000",
  LATTICE_HTTP_ALLOWLIST: "127.0.0.2/32",
  LATTICE_RUN_TIMEOUT_MS: "3000",
};

export default async function setup(project: TestProject) {
  const dir = process.env.RELIABILITY_BUILD_DIR;
  const databaseUrl = process.env.RELIABILITY_DATABASE_URL;
  if (!dir || !databaseUrl)
    throw new Error("run the suites with `npm run test:reliability` (it builds and makes the database)");
  const server = await startProductionServer({ dir, port: await freePort(), databaseUrl, env: SUITE_SERVER_ENV });
  project.provide("reliability", { baseUrl: server.url, pid: server.pid, dir, databaseUrl });
  return async () => {
    await server.kill("SIGTERM");
    // Kept whatever the outcome: a 500's request id in a failure message is found here with its cause.
    const log = path.resolve(import.meta.dirname, "../../../test-results/reliability-server.log");
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, server.output());
    if (process.env.RELIABILITY_SHOW_SERVER_LOG) console.log(server.output());
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    reliability: { baseUrl: string; pid: number; dir: string; databaseUrl: string };
  }
}
