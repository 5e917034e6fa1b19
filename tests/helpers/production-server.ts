/**
 * The production server as benchmarks and the reliability suites need it: `next build` (under the shared
 * build lock), a private snapshot of the build (other people's rebuilds of `.next` must not pull it from
 * under a running server), and `next start` as one process we can SIGKILL and start again on the same port
 * and database.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
/** What `next start` reads besides the build output. */
const LINKED = ["node_modules", "package.json", "next.config.mjs", "tsconfig.json", "drizzle", "public"];

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function hasFlock(): boolean {
  return spawnSync("sh", ["-c", "command -v flock"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs `next build` unless a finished build is there (or `rebuild`). Under `flock /tmp/heavy.lock` where flock
 * exists (builds share `.next/`), and the check is made again once the lock is ours: a build someone else
 * was running meanwhile counts. Throws with the build's output when it fails.
 */
export function ensureProductionBuild({ rebuild = false }: { rebuild?: boolean } = {}): void {
  if (!rebuild && fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) return;
  const build = `"${process.execPath}" "${NEXT_BIN}" build`;
  const script = rebuild ? build : `[ -f .next/BUILD_ID ] || ${build}`;
  const [command, args] = hasFlock() ? ["flock", ["/tmp/heavy.lock", "sh", "-c", script]] : ["sh", ["-c", script]];
  // The build must not depend on the caller's database or test-only Node options.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: "", NEXT_TELEMETRY_DISABLED: "1" };
  delete env.DATABASE_URL;
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Copies the finished build (without its cache) to a private folder beside links to what else `next start`
 * reads, and returns that folder. Copies without the build lock (other people hold it for minutes with
 * their e2e runs) and checks instead that no build replaced `.next` meanwhile: the BUILD_ID before, after and
 * in the copy must agree, else it copies again (after waiting for a build in progress).
 */
export function snapshotBuild(): string {
  const buildId = () => {
    try {
      return fs.readFileSync(path.join(ROOT, ".next", "BUILD_ID"), "utf8").trim();
    } catch {
      return undefined;
    }
  };
  const dir = path.join(os.tmpdir(), `lattice-build-${process.pid}`);
  for (let attempt = 1; attempt <= 5; attempt++) {
    let before = buildId();
    if (!before) {
      // Someone else's build is replacing `.next`: wait for it (or build) under the lock.
      ensureProductionBuild();
      before = buildId();
      if (!before) continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.cpSync(path.join(ROOT, ".next"), path.join(dir, ".next"), {
        recursive: true,
        filter: (source) => !/[\\/]\.next[\\/](cache|dev|trace|lock)(?:[\\/]|$)/.test(source),
      });
    } catch {
      continue; // a build removed files under us
    }
    for (const name of LINKED) {
      if (fs.existsSync(path.join(ROOT, name))) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
    }
    const copied = fs.existsSync(path.join(dir, ".next", "BUILD_ID"))
      ? fs.readFileSync(path.join(dir, ".next", "BUILD_ID"), "utf8").trim()
      : undefined;
    if (copied === before && buildId() === before) return dir;
  }
  throw new Error("the build kept changing while it was copied");
}

/** Removes a snapshot made by `snapshotBuild()`. */
export function removeSnapshot(dir: string): void {
  if (dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
}

export interface ServerOptions {
  /** The snapshot folder from `snapshotBuild()` (or the project root). */
  dir: string;
  port: number;
  databaseUrl: string;
  /** More environment (limits, provider URLs…). */
  env?: Record<string, string>;
  /** How long to wait for /api/health. */
  startTimeoutMs?: number;
}

export interface ProductionServer {
  url: string;
  port: number;
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends a signal and waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A new server process on the same port, folder and database. */
  restart(): Promise<ProductionServer>;
  /** Resident memory of the server process (from /proc), in bytes; undefined where /proc is missing. */
  rssBytes(): number | undefined;
  /** Open TCP sockets of the server process (from /proc/<pid>/fd), undefined where /proc is missing. */
  openSockets(): number | undefined;
  /** Established client connections to the server's port (from /proc/net/tcp*), undefined where /proc is missing. */
  httpConnections(): number | undefined;
}

/** Starts `next start` and waits until /api/health answers 200. */
export async function startProductionServer(options: ServerOptions): Promise<ProductionServer> {
  const { dir, port, databaseUrl, startTimeoutMs = 60_000 } = options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NODE_OPTIONS: "",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    AUTH_SECRET: process.env.AUTH_SECRET ?? "lattice-suite-secret-0123456789abcdef",
    LATTICE_DEMO_ACCOUNT: "false",
    // The suites sign up many users from 127.0.0.1: more than the per-address sign-in limit allows.
    LATTICE_AUTH_ATTEMPTS_PER_IP: "1000000",
    ...options.env,
  };
  // LATTICE_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to
  // profile it under a benchmark (the profile is written when the server exits).
  const nodeArgs = process.env.LATTICE_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited during start (code ${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not answer /api/health within ${startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const pid = child.pid!;
  const server: ProductionServer = {
    url,
    port,
    pid,
    output: () => output,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    restart: () => startProductionServer(options),
    rssBytes() {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
        return kb ? Number(kb) * 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    httpConnections() {
      try {
        const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
        let count = 0;
        for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
          if (!fs.existsSync(table)) continue;
          for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
            const [, local, , state] = line.trim().split(/\s+/);
            // state 01 = ESTABLISHED; the local side is the server's listening port.
            if (state === "01" && local?.endsWith(`:${hexPort}`)) count += 1;
          }
        }
        return count;
      } catch {
        return undefined;
      }
    },
    openSockets() {
      try {
        return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
          try {
            return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:");
          } catch {
            return false;
          }
        }).length;
      } catch {
        return undefined;
      }
    },
  };
  return server;
}
