/**
 * `npm run test:reliability`: the load, crash, database-fault, cancel, fuzz, authorization, SSRF and
 * hostile-content suites against the production build on PostgreSQL.
 *
 * Needs a PostgreSQL server: RELIABILITY_PG_URL, else TEST_DATABASE_URL / DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/ — a database of its own is created for the run and dropped after.
 * Builds first (`next build` under /tmp/heavy.lock) unless a finished build exists; `--rebuild` forces it.
 * Sized for CI: about 3–4 minutes on 2 cores with a warm build. Extra arguments go to vitest (e.g. a file filter).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureProductionBuild, removeSnapshot, snapshotBuild } from "../helpers/production-server";
import { createSuiteDatabase, dropSuiteDatabase } from "./lib/database";

const argv = process.argv.slice(2);
const rebuild = argv.includes("--rebuild");
const vitestArgs = argv.filter((a) => a !== "--rebuild");
const root = path.resolve(import.meta.dirname, "../..");

const started = Date.now();
console.log("▶ reliability: production build (reused when one exists)…");
ensureProductionBuild({ rebuild });
const snapshot = snapshotBuild();
const databaseUrl = await createSuiteDatabase();
console.log(`▶ reliability: database ${new URL(databaseUrl).pathname.slice(1)}, build snapshot ${snapshot}`);
let status = 1;
try {
  const result = spawnSync("npx", ["vitest", "run", "--config", "tests/reliability/vitest.config.ts", ...vitestArgs], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_OPTIONS: "", RELIABILITY_BUILD_DIR: snapshot, RELIABILITY_DATABASE_URL: databaseUrl },
  });
  status = result.status ?? 1;
} finally {
  await dropSuiteDatabase(databaseUrl).catch((error: unknown) =>
    console.error("could not drop the suite database", error),
  );
  removeSnapshot(snapshot);
}
if (status !== 0) printServerErrors();
console.log(`▶ reliability: ${status === 0 ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(status);

/**
 * A failed suite's 5xx answers carry only a request id: the shared server's log (kept by the global setup in
 * test-results/reliability-server.log) has their causes. CI shows only this output, so the errors are printed.
 */
function printServerErrors(): void {
  const log = path.join(root, "test-results", "reliability-server.log");
  if (!fs.existsSync(log)) return;
  const lines = fs.readFileSync(log, "utf8").split("\n");
  // Each matching line with the five after it (a stack or a cause), every line once.
  const shown = new Set<number>();
  lines.forEach((line, i) => {
    if (/\[api\]|Error|error:/.test(line)) for (let j = i; j < Math.min(i + 6, lines.length); j++) shown.add(j);
  });
  const errors = [...shown].sort((a, b) => a - b).map((i) => lines[i]!);
  if (errors.length === 0) return;
  console.log(`\n▶ reliability: errors in the shared server's log (${log}), last 80 lines of them:`);
  console.log(errors.slice(-80).join("\n"));
}
