/**
 * Retention: how long events, checkpoints and finished temporary definitions are kept (env, in days; 0
 * keeps them forever), applied periodically by the tracking services and on demand by `npm run db:prune`.
 * Execution rows and analytics counters are never pruned, so the dashboard's history survives.
 */
import "server-only";
import {
  deleteExpiredCheckpoints,
  deleteExpiredExecutionEvents,
  deleteExpiredTemporaryDefinitions,
} from "@/lib/db/queries/retention";
import { env } from "@/lib/env";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionSettings {
  eventsDays: number;
  checkpointsDays: number;
  temporaryDefinitionsDays: number;
}

export interface PruneReport {
  events: number;
  checkpointThreads: number;
  temporaryDefinitions: number;
  durationMs: number;
}

export function retentionFromEnv(): RetentionSettings {
  const e = env();
  return {
    eventsDays: e.LATTICE_RETENTION_EVENTS_DAYS,
    checkpointsDays: e.LATTICE_RETENTION_CHECKPOINTS_DAYS,
    temporaryDefinitionsDays: e.LATTICE_RETENTION_TEMP_DEFINITIONS_DAYS,
  };
}

function cutoff(now: Date, days: number): Date | undefined {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : undefined;
}

/** Deletes what is older than the retention settings allow; safe to run anywhere, any time, concurrently. */
export async function pruneExpiredData({
  settings = retentionFromEnv(),
  now = new Date(),
}: {
  settings?: RetentionSettings;
  now?: Date;
} = {}): Promise<PruneReport> {
  const started = Date.now();
  const eventsBefore = cutoff(now, settings.eventsDays);
  const checkpointsBefore = cutoff(now, settings.checkpointsDays);
  const definitionsBefore = cutoff(now, settings.temporaryDefinitionsDays);
  const events = eventsBefore ? await deleteExpiredExecutionEvents({ before: eventsBefore }) : 0;
  const checkpointThreads = checkpointsBefore ? await deleteExpiredCheckpoints({ before: checkpointsBefore }) : 0;
  const temporaryDefinitions = definitionsBefore
    ? await deleteExpiredTemporaryDefinitions({ before: definitionsBefore })
    : 0;
  return { events, checkpointThreads, temporaryDefinitions, durationMs: Date.now() - started };
}
