/**
 * Applies the drizzle-kit migrations in `drizzle/` — the same files on PGlite and PostgreSQL.
 * On PostgreSQL an advisory lock makes concurrent starts (several instances) migrate one at a time.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database, DbHandle } from "./client";
import { MIGRATIONS_FOLDER, rowsOf } from "./client";

const MIGRATION_LOCK_KEY = 7_420_001;

export async function migrateDatabase(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  await handle.withExclusiveLock(MIGRATION_LOCK_KEY, async () => {
    if (handle.backend === "pglite") {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      await migrate(handle.db as never, { migrationsFolder });
    } else {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      await migrate(handle.db as never, { migrationsFolder });
    }
  });
}

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

/**
 * The newest migration applied to the database, by its tag from the journal (e.g. "0000_init"), and when that
 * migration was written (drizzle records the journal's time for it, not the time it was applied).
 */
export async function getAppliedMigration(
  db: Database,
  migrationsFolder = MIGRATIONS_FOLDER,
): Promise<{ tag: string | null; writtenAt: string | null; pending: number }> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  const list = rowsOf<{ created_at: string | number }>(
    await db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`),
  );
  const newest = list[0] ? Number(list[0].created_at) : null;
  const applied = journal.entries.filter((e) => newest !== null && e.when <= newest);
  const last = applied.at(-1);
  return {
    tag: last?.tag ?? null,
    writtenAt: newest ? new Date(newest).toISOString() : null,
    pending: journal.entries.length - applied.length,
  };
}
