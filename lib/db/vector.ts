/**
 * Whether the database compares embeddings with pgvector. PGlite bundles the extension (loaded when the
 * embedded database opens, lib/db/client.ts); a PostgreSQL server has it only when pgvector is installed
 * there. Without it, vectors (stored as real[] on both backends) are compared in plain SQL: correct, slower.
 * Checked once per database at start, which also says so in the log when pgvector is missing.
 * LATTICE_PGVECTOR=off compares without pgvector even where it exists (tests, troubleshooting).
 */
import { sql } from "drizzle-orm";
import { env } from "@/lib/env";
import { type Database, type DbHandle, rowsOf } from "./client";

const detected = new WeakMap<Database, Promise<boolean>>();

async function detect(handle: DbHandle): Promise<boolean> {
  const present = async () =>
    rowsOf<{ present: boolean }>(
      await handle.db.execute(sql`select exists(select 1 from pg_extension where extname = 'vector') as present`),
    )[0]?.present === true;
  if (await present()) return true;
  // Installed on the server since the migration ran, or an embedded database made before it was loaded.
  const available = rowsOf<{ available: boolean }>(
    await handle.db.execute(
      sql`select exists(select 1 from pg_available_extensions where name = 'vector') as available`,
    ),
  )[0]?.available;
  if (available) {
    try {
      await handle.db.execute(sql`create extension if not exists vector`);
      return await present();
    } catch {
      console.warn(
        "[db] pgvector is installed but this role may not create the extension (CREATE EXTENSION vector needs a " +
          "superuser once): knowledge-base embeddings are compared without it — correct, but slower.",
      );
      return false;
    }
  }
  console.warn(
    "[db] pgvector is not installed on this PostgreSQL server: knowledge-base embeddings are compared without " +
      "it — correct, but slower. README.md, “Running on PostgreSQL”, says how to install it.",
  );
  return false;
}

/** Checks (once per database) whether pgvector is there, creating the extension where it is installed. */
export function prepareVectorSupport(handle: DbHandle): Promise<boolean> {
  let found = detected.get(handle.db);
  if (!found) {
    found = detect(handle).catch(() => false);
    detected.set(handle.db, found);
  }
  return found;
}

/** Whether searches compare vectors with pgvector (false: plain SQL over real[]). */
export async function vectorsByPgvector(handle: DbHandle): Promise<boolean> {
  if (env().LATTICE_PGVECTOR === "off") return false;
  return prepareVectorSupport(handle);
}
