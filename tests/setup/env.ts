import fs from "node:fs";
import { afterAll, expect, inject } from "vitest";

// On PostgreSQL each worker has its own database (tests/setup/global-setup.ts): the VITEST_POOL_ID-th.
const databaseUrls = inject("databaseUrls");
if (process.env.TEST_BACKEND === "postgres" && databaseUrls.length === 0)
  throw new Error("TEST_BACKEND=postgres, but the global setup made no database (see tests/setup/global-setup.ts)");
const databaseUrl = databaseUrls.length > 0 ? workerDatabase(databaseUrls) : inject("databaseUrl");
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
} else {
  delete process.env.DATABASE_URL;
  process.env.LATTICE_DATA_DIR = "memory://";
  // Every in-memory database starts from the run's migrated image (tests/setup/global-setup.ts).
  const image = inject("pgliteImage");
  if (image) process.env.LATTICE_PGLITE_IMAGE = image;
}
process.env.LATTICE_DEMO_ACCOUNT ??= "false";
// Every test signs up from the same (unknown) client address: the per-address sign-in limit would stop the
// suite. The throttle's own tests use distinct addresses and their own limits.
process.env.LATTICE_AUTH_ATTEMPTS_PER_IP ??= "1000000";
(process.env as Record<string, string>).NODE_ENV = "test";

// `npm test` runs the PostgreSQL pass only on the files that opened a database in the PGlite pass (a file
// that never did tests nothing new on another backend): each file that did is noted here.
// With modules shared across a worker's files (`npm test`, tests/setup/isolated-files.ts) the database may be
// open before this file starts: what counts is whether this file asked for it (lib/db/client.ts reads
// globalThis.__latticeDb on every getDb).
const dbFilesOut = process.env.LATTICE_DB_FILES_OUT;
if (dbFilesOut) {
  let opened = false;
  let handle = (globalThis as { __latticeDb?: unknown }).__latticeDb;
  Object.defineProperty(globalThis, "__latticeDb", {
    configurable: true,
    get() {
      opened = true;
      return handle;
    },
    set(value: unknown) {
      handle = value;
    },
  });
  afterAll(() => {
    const file = expect.getState().testPath;
    if (file && opened) fs.appendFileSync(dbFilesOut, `${file}\n`);
  });
}

function workerDatabase(urls: string[]): string {
  const poolId = Number(process.env.VITEST_POOL_ID ?? "1");
  const url = urls[poolId - 1];
  // Never a database another worker uses: two workers on one database would meet in its run queue.
  if (!url) throw new Error(`no database for vitest worker ${poolId} (made ${urls.length}; see global-setup.ts)`);
  return url;
}
