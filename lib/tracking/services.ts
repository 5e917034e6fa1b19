/**
 * The tracker's background work in a server process, started once (from instrumentation.ts):
 * - LISTEN on the bus, so cancels and events from other instances arrive;
 * - the sweeper, at start and then periodically: runs whose process died become `interrupted` (detected
 *   within LATTICE_RUN_TIMEOUT_MS plus one sweep interval);
 * - retention pruning, shortly after start and then every few hours, one instance at a time.
 */
import "server-only";
import { getDbHandle } from "@/lib/db/client";
import { env } from "@/lib/env";
import { pruneExpiredData } from "./retention";
import { heartbeatIntervalFor } from "./run-registry";
import { sweepStaleExecutions } from "./sweeper";
import { getWorkflowTracker } from "./workflow-tracker";

const PRUNE_LOCK_KEY = 7_420_004;
const PRUNE_INTERVAL_MS = 6 * 60 * 60 * 1000;
const FIRST_PRUNE_DELAY_MS = 60 * 1000;

interface Services {
  started: Promise<void>;
  timers: NodeJS.Timeout[];
}

const g = globalThis as typeof globalThis & { __latticeTrackingServices?: Services };

export interface TrackingServiceOptions {
  timeoutMs?: number;
  /** 0 disables pruning in this process. */
  pruneIntervalMs?: number;
}

/** One sweep now; logs what it interrupted. */
export async function sweepNow(timeoutMs = env().LATTICE_RUN_TIMEOUT_MS): Promise<number> {
  const tracker = getWorkflowTracker();
  const rows = await sweepStaleExecutions({ bus: tracker.bus, registry: tracker.registry, timeoutMs });
  if (rows.length)
    console.warn(`[tracking] marked ${rows.length} run(s) interrupted: their process stopped responding`);
  return rows.length;
}

/** Prunes under a cluster-wide lock, so instances do not all prune at once. */
export async function pruneNow(): Promise<void> {
  const handle = await getDbHandle();
  const report = await handle.withExclusiveLock(PRUNE_LOCK_KEY, () => pruneExpiredData());
  if (report.events || report.checkpointThreads || report.temporaryDefinitions) {
    console.log(
      `[tracking] pruned ${report.events} event rows, ${report.checkpointThreads} checkpoint threads, ${report.temporaryDefinitions} temporary definitions (${report.durationMs} ms)`,
    );
  }
}

export function startTrackingServices(options: TrackingServiceOptions = {}): Promise<void> {
  if (g.__latticeTrackingServices) return g.__latticeTrackingServices.started;
  const timeoutMs = options.timeoutMs ?? env().LATTICE_RUN_TIMEOUT_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? PRUNE_INTERVAL_MS;
  const services: Services = { started: Promise.resolve(), timers: [] };
  const report = (what: string) => (error: unknown) => console.error(`[tracking] ${what} failed`, error);
  services.started = (async () => {
    await getWorkflowTracker().bus.start();
    await sweepNow(timeoutMs).catch(report("the sweep at start"));
    const sweep = setInterval(() => void sweepNow(timeoutMs).catch(report("a sweep")), heartbeatIntervalFor(timeoutMs));
    sweep.unref();
    services.timers.push(sweep);
    if (pruneIntervalMs > 0) {
      const first = setTimeout(
        () => void pruneNow().catch(report("pruning")),
        Math.min(FIRST_PRUNE_DELAY_MS, pruneIntervalMs),
      );
      const every = setInterval(() => void pruneNow().catch(report("pruning")), pruneIntervalMs);
      first.unref();
      every.unref();
      services.timers.push(first, every);
    }
  })();
  g.__latticeTrackingServices = services;
  services.started.catch(() => {
    // A failed start (database down) may be retried by the next call.
    if (g.__latticeTrackingServices === services) g.__latticeTrackingServices = undefined;
    services.timers.forEach(clearInterval);
  });
  return services.started;
}

/** Stops the timers and writes what is buffered (graceful shutdown, scripts, tests). */
export async function stopTrackingServices(): Promise<void> {
  const services = g.__latticeTrackingServices;
  g.__latticeTrackingServices = undefined;
  services?.timers.forEach((t) => {
    clearInterval(t);
  });
  await getWorkflowTracker().writer.drain();
}
