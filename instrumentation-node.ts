/**
 * Server start (Node.js runtime): open the database (taking the embedded folder's lock), apply migrations
 * and the seed, so problems surface at start and the first request is not the slow one.
 */
import { getDbHandle } from "@/lib/db/client";

export async function startServer(): Promise<void> {
  // The TCP peer's address of every request, in a header clients cannot set: the sign-in throttle's
  // per-address limit reads it when no proxy is trusted (lib/auth/client-address.ts).
  const { installPeerAddressHook } = await import("@/lib/auth/client-address");
  installPeerAddressHook();
  try {
    // First, before the start's own work grows the heap: the heap grows by a bounded share past its live size,
    // the young generation up to a bound, what a burst of runs made it grow by goes back to the OS once the
    // server is idle, and small random values come from a pool (lib/process/tune.ts).
    const { tuneProcess } = await import("@/lib/process/tune");
    tuneProcess();
    const handle = await getDbHandle();
    console.log(`Lattice: ${handle.backend} database ready at ${handle.location}`);
    // The tracker's background work: listen to other instances (events, cancels), sweep runs whose process
    // died (now and periodically), prune by the retention settings.
    const { startTrackingServices } = await import("@/lib/tracking/services");
    await startTrackingServices().catch((error: unknown) =>
      console.error("Lattice: tracking services did not start", error),
    );
    // Scale-out: SIGTERM drains this instance (503 to new runs, in-flight ones finish or end interrupted),
    // and in queue mode the job queue is made ready.
    const { startQueueServices } = await import("@/lib/queue/services");
    await startQueueServices().catch((error: unknown) => console.error("Lattice: queue services did not start", error));
    // Schedules: this instance scans for due ticks; a claim on the schedule row makes each tick run once
    // across every instance.
    const { startScheduler } = await import("@/lib/triggers/scheduler");
    startScheduler();
  } catch (error) {
    console.error(`Lattice: the database could not be opened: ${(error as Error).message}`);
    // An embedded folder held by another process cannot be shared: refuse to serve rather than lose data.
    if ((error as Error).name === "DataDirLockedError") process.exit(1);
  }
}
