/**
 * The same suite runs on both backends. TEST_BACKEND=postgres: fresh databases are made on the server named
 * by TEST_DATABASE_URL (or DATABASE_URL) for this run — one migrated here, then one copy of it per vitest
 * worker (CREATE DATABASE … TEMPLATE), which the worker's files use (VITEST_POOL_ID, tests/setup/env.ts) —
 * and dropped afterwards. A worker's database is its own: its run queue, NOTIFY channels and advisory locks
 * (all scoped to one database in PostgreSQL) never meet another worker's, so the pass can run two files at a
 * time like the PGlite pass; nothing else the suite does is global to the server (no roles, no settings).
 * Otherwise every test file opens an in-memory PGlite, from one migrated image made here
 * once per run (LATTICE_PGLITE_IMAGE, see lib/db/client.ts): a fresh initdb and the migrations per file
 * took most of the PGlite pass's time.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  if (process.env.TEST_BACKEND !== "postgres") {
    project.provide("databaseUrl", "");
    project.provide("databaseUrls", []);
    const image = await makePgliteImage();
    project.provide("pgliteImage", image.file);
    return image.remove;
  }
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error("TEST_BACKEND=postgres needs TEST_DATABASE_URL or DATABASE_URL");
  const { default: postgres } = await import("postgres");
  const name = `lattice_vitest_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const urlOf = (database: string) => {
    const url = new URL(base);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  const names = Array.from({ length: workerCount(project) }, (_, i) => `${name}_w${i + 1}`);
  const made: string[] = [];
  const drop = async () => {
    for (const database of made.reverse()) await admin.unsafe(`drop database if exists "${database}" with (force)`);
    await admin.end();
  };
  try {
    await admin.unsafe(`create database "${name}"`);
    made.push(name);
    await migratePostgres(urlOf(name));
    for (const database of names) {
      await admin.unsafe(`create database "${database}" template "${name}"`);
      made.push(database);
    }
  } catch (error) {
    await drop();
    throw error;
  }
  project.provide("pgliteImage", "");
  project.provide("databaseUrl", "");
  project.provide("databaseUrls", names.map(urlOf));
  return drop;
}

/**
 * How many workers this run can have (VITEST_POOL_ID goes from 1 to it): vitest's own rule (its
 * resolveMaxWorkers) — the maxWorkers option, else the cores but one, half of them in watch mode — and at
 * least the cores, since a database too many costs a fraction of a second and one too few fails the worker.
 */
function workerCount(project: TestProject): number {
  const cores = os.availableParallelism();
  const configured = Number(project.config.maxWorkers || project.vitest.config.maxWorkers);
  const resolved =
    Number.isInteger(configured) && configured > 0
      ? configured
      : project.vitest.config.watch
        ? Math.max(Math.floor(cores / 2), 1)
        : Math.max(cores - 1, 1);
  return Math.max(resolved, cores);
}

/** The migrations applied to the PostgreSQL database at `url` (the workers' template), then disconnected. */
async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle({ client }), { migrationsFolder: path.resolve(import.meta.dirname, "../../drizzle") });
  } finally {
    await client.end();
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The PostgreSQL pass's databases, one per worker: the VITEST_POOL_ID-th is that worker's (empty on PGlite). */
    databaseUrls: string[];
    /** The PGlite pass's migrated database image (empty on PostgreSQL). */
    pgliteImage: string;
  }
}

/** A migrated PGlite, dumped once for the test files to start from; removed when the run ends. */
async function makePgliteImage(): Promise<{ file: string; remove: () => void }> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = await PGlite.create(undefined, { extensions: { vector } });
  await migrate(drizzle({ client }), { migrationsFolder: path.resolve(import.meta.dirname, "../../drizzle") });
  const image = await client.dumpDataDir("none");
  await client.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-pglite-image-"));
  const file = path.join(dir, "image.tar");
  fs.writeFileSync(file, Buffer.from(await image.arrayBuffer()));
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
