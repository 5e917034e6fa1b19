/** `npm run db:migrate`: opens the configured database, applies migrations and the seed, and exits. */
import { closeDb, getDbHandle } from "@/lib/db/client";
import { getAppliedMigration } from "@/lib/db/migrate";

const handle = await getDbHandle();
const applied = await getAppliedMigration(handle.db);
console.log(
  `Migrated ${handle.backend} database at ${handle.location}: ${applied.tag ?? "none"} (pending ${applied.pending}).`,
);
await closeDb();
