/**
 * Server start (Node.js runtime): open the database (taking the embedded folder's lock), apply migrations
 * and the seed, so problems surface at start and the first request is not the slow one.
 */
import { getDbHandle } from "@/lib/db/client";

export async function startServer(): Promise<void> {
  try {
    const handle = await getDbHandle();
    console.log(`Lattice: ${handle.backend} database ready at ${handle.location}`);
  } catch (error) {
    console.error(`Lattice: the database could not be opened: ${(error as Error).message}`);
    // An embedded folder held by another process cannot be shared: refuse to serve rather than lose data.
    if ((error as Error).name === "DataDirLockedError") process.exit(1);
  }
}
