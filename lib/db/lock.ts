/**
 * The embedded database folder belongs to one process: two processes on one PGlite folder lose data
 * silently. A lock file holds the owner's pid; a second process gets a clear error instead.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface DataDirLock {
  file: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already open in another Lattice process (pid ${pid}). ` +
        `An embedded database belongs to one process: stop that process, set LATTICE_DATA_DIR to another folder, ` +
        `or set DATABASE_URL to use PostgreSQL for several processes.`,
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // our own stale lock (e.g. a reused pid after a crash)
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A live pid may be an unrelated process that reused the number: on Linux, check it is a node process.
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /node|next|tsx|vitest/.test(cmdline);
  } catch {
    return true;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "lattice.lock");
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, content, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder = 0;
      try {
        holder = Number(JSON.parse(fs.readFileSync(file, "utf8")).pid);
      } catch {
        // unreadable or half-written: treat as stale
      }
      if (isAlive(holder)) throw new DataDirLockedError(dir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      const holder = Number(JSON.parse(fs.readFileSync(file, "utf8")).pid);
      if (holder === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return { file, release };
}
