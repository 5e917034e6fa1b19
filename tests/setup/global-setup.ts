/**
 * The same suite runs on both backends. TEST_BACKEND=postgres: a fresh database is created on the server
 * named by TEST_DATABASE_URL (or DATABASE_URL) for this run, migrated by the first test that opens it, and
 * dropped afterwards. Otherwise every test file opens an in-memory PGlite, from one migrated image made here
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
    const image = await makePgliteImage();
    project.provide("pgliteImage", image.file);
    return image.remove;
  }
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error("TEST_BACKEND=postgres needs TEST_DATABASE_URL or DATABASE_URL");
  const { default: postgres } = await import("postgres");
  const name = `lattice_vitest_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  project.provide("pgliteImage", "");
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide("databaseUrl", url.toString());
  return async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
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
