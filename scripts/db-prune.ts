/**
 * `npm run db:prune`: applies the retention settings once (LATTICE_RETENTION_EVENTS_DAYS,
 * LATTICE_RETENTION_CHECKPOINTS_DAYS, LATTICE_RETENTION_TEMP_DEFINITIONS_DAYS; 0 keeps forever) to the
 * configured database, prints what it deleted, and exits. Execution rows and analytics are never pruned.
 */
import { closeDb, getDbHandle } from "@/lib/db/client";
import { pruneExpiredData, retentionFromEnv } from "@/lib/tracking/retention";

const handle = await getDbHandle();
const settings = retentionFromEnv();
const days = (n: number) => (n > 0 ? `${n} days` : "forever");
console.log(
  `Pruning ${handle.backend} database at ${handle.location}: events kept ${days(settings.eventsDays)}, checkpoints ${days(settings.checkpointsDays)}, temporary definitions ${days(settings.temporaryDefinitionsDays)}.`,
);
try {
  const report = await pruneExpiredData({ settings });
  console.log(
    `Deleted ${report.events} event rows, the checkpoints of ${report.checkpointThreads} threads and ${report.temporaryDefinitions} temporary definitions in ${report.durationMs} ms.`,
  );
} finally {
  await closeDb();
}
