/**
 * `npm run test:scale`: the scale-out suite — two app instances (`next start`, production build) and two
 * queue workers (`npm run worker`) as separate processes on one PostgreSQL database.
 *
 * Needs a PostgreSQL server: SCALE_PG_URL, else TEST_DATABASE_URL / DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/ — a database of its own (lattice_scale_*) is created for the run and
 * dropped after. Builds first (`next build` under /tmp/heavy.lock) when there is no build or the sources
 * changed since the last one; `--rebuild` forces it. About 2–4 minutes on 2 cores with a warm build.
 * Extra arguments go to vitest.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { ensureProductionBuild, removeSnapshot, snapshotBuild } from "../helpers/production-server";

const argv = process.argv.slice(2);
const root = path.resolve(import.meta.dirname, "../..");

/** The newest modification time under the folders a build is made from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of ["app", "lib", "components"]) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const file of ["instrumentation.ts", "instrumentation-node.ts", "proxy.ts", "next.config.mjs", "package.json"]) {
    if (fs.existsSync(path.join(root, file))) newest = Math.max(newest, fs.statSync(path.join(root, file)).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const id = path.join(root, ".next", "BUILD_ID");
  return !fs.existsSync(id) || fs.statSync(id).mtimeMs < newestSource();
}

function serverUrl(): URL {
  const url = new URL(
    process.env.SCALE_PG_URL ??
      process.env.TEST_DATABASE_URL ??
      process.env.DATABASE_URL ??
      "postgres://postgres@127.0.0.1:5432/postgres",
  );
  url.pathname = "/postgres";
  return url;
}

async function admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl().toString(), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const started = Date.now();
const rebuild = argv.includes("--rebuild") || buildIsStale();
console.log(`▶ scale: production build (${rebuild ? "building" : "reusing the current one"})…`);
ensureProductionBuild({ rebuild });
const snapshot = snapshotBuild();
const name = `lattice_scale_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
await admin((sql) => sql.unsafe(`create database "${name}"`));
const url = serverUrl();
url.pathname = `/${name}`;
console.log(`▶ scale: database ${name}, build snapshot ${snapshot}`);
let status = 1;
try {
  const result = spawnSync(
    "npx",
    ["vitest", "run", "--config", "tests/scale/vitest.config.ts", ...argv.filter((a) => a !== "--rebuild")],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_OPTIONS: "", SCALE_BUILD_DIR: snapshot, SCALE_DATABASE_URL: url.toString() },
    },
  );
  status = result.status ?? 1;
} finally {
  await admin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)).catch((error: unknown) =>
    console.error("could not drop the scale database", error),
  );
  removeSnapshot(snapshot);
}
console.log(`▶ scale: ${status === 0 ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(status);
