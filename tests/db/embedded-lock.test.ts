import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "@/lib/db/client";
import { acquireDataDirLock, DataDirLockedError } from "@/lib/db/lock";

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-lock-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("the embedded database folder belongs to one process", () => {
  it("refuses a second process with a clear error, and frees the folder on close", async () => {
    const dir = tempDir();
    const handle = await openPglite(dir);
    const child = spawnSync(
      "npx",
      [
        "tsx",
        "-e",
        `import("${path.join(root, "lib/db/client.ts")}").then(m => m.openPglite(${JSON.stringify(dir)})).then(() => { console.log("OPENED"); process.exit(0) }, e => { console.error(e.message); process.exit(3) })`,
      ],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    expect(child.status).toBe(3);
    expect(child.stdout).not.toContain("OPENED");
    expect(child.stderr).toContain("already open in another Lattice process");
    expect(child.stderr).toContain(String(process.pid));

    await handle.close();
    expect(fs.existsSync(path.join(dir, "lattice.lock"))).toBe(false);
  });

  it("takes over a lock left by a process that died", () => {
    const dir = tempDir();
    // pid 2^22 - 1 is above Linux's default pid_max: never a live process.
    fs.writeFileSync(path.join(dir, "lattice.lock"), JSON.stringify({ pid: 4_194_303 }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(fs.readFileSync(lock.file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("names the holder when a live process holds the lock", () => {
    const dir = tempDir();
    // The test worker's parent (vitest's main process) is a live node process other than this one.
    const livePid = process.ppid;
    fs.writeFileSync(path.join(dir, "lattice.lock"), JSON.stringify({ pid: livePid }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
  });
});
