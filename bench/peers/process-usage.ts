/**
 * CPU and memory of the processes under test, from /proc (Linux): the CPU time of each server's process tree
 * (utime + stime of the server and its descendants, plus cutime + cstime so a child that exits mid-phase
 * still counts), of every `postgres` process, and of the backends connected to given databases (their
 * process titles name the database), between two snapshots. One pass over /proc per snapshot.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const CLOCK_TICKS = (() => {
  const out = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const ticks = Number(out.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

interface ProcEntry {
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
  /** Start time since boot (ticks): with the pid, names one process even if the pid is reused later. */
  start: string;
}

export interface UsageSnapshot {
  procs: Map<number, ProcEntry>;
  /** Titles of the postgres processes (their cmdline), by pid. */
  titles: Map<number, string>;
  /** process.cpuUsage() of this process. */
  self: NodeJS.CpuUsage;
}

/** CPU milliseconds between two snapshots. */
export interface CpuDelta {
  /** Per server name: its whole process tree. */
  servers: Record<string, number>;
  /** Every `postgres` process on the machine (backends, the postmaster with what it reaped, background workers). */
  postgres: number;
  /** Only the backends of the given databases alive at the second snapshot (one that exited meanwhile is missed). */
  postgresOurs: number;
  /** This process: the load generator, the HTTP clients, and the raw LangGraph graphs that run in it. */
  bench: number;
}

export const procAvailable = () => fs.existsSync("/proc/self/stat");

function readStat(pid: number): ProcEntry | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid … — comm may hold spaces and parentheses: split after its last ')'.
    const close = s.lastIndexOf(")");
    const comm = s.slice(s.indexOf("(") + 1, close);
    const f = s.slice(close + 2).split(" ");
    // f[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    return {
      ppid: Number(f[1]),
      comm,
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      start: f[19] ?? "",
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Whether `pid` is still the process that had start time `start` (not exited, not a reused pid). */
export function sameProcess(pid: number, start: string): boolean {
  return readStat(pid)?.start === start;
}

export function snapshotUsage(): UsageSnapshot {
  const procs = new Map<number, ProcEntry>();
  const titles = new Map<number, string>();
  if (procAvailable()) {
    for (const name of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const entry = readStat(pid);
      if (!entry) continue;
      procs.set(pid, entry);
      if (entry.comm === "postgres") {
        try {
          titles.set(pid, fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "").replaceAll("\0", " "));
        } catch {
          // exited meanwhile
        }
      }
    }
  }
  return { procs, titles, self: process.cpuUsage() };
}

/** The pid and its descendants in a snapshot. */
export function processTree(snap: UsageSnapshot, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, e] of snap.procs) children.set(e.ppid, [...(children.get(e.ppid) ?? []), pid]);
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (!snap.procs.has(pid)) continue;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;

/** Whether a postgres process title is a backend of one of `databases` ("postgres: [cluster: ]user db host(port) state"). */
function isBackendOf(title: string, databases: string[]): boolean {
  const words = title.split(/\s+/);
  return databases.some((db) => words.includes(db));
}

export function cpuBetween(
  a: UsageSnapshot,
  b: UsageSnapshot,
  servers: Record<string, number>,
  databases: string[],
): CpuDelta {
  // Sum at the end minus sum at the start: a process that exited meanwhile was reaped by its parent, whose
  // cutime/cstime now hold its whole life, so taking its start figure off leaves what it used in between.
  const sum = (snap: UsageSnapshot, pids: Iterable<number>) => {
    let ticks = 0;
    for (const pid of pids) ticks += snap.procs.get(pid)?.ticks ?? 0;
    return ticks;
  };
  const postgres = (snap: UsageSnapshot) =>
    [...snap.procs].filter(([, e]) => e.comm === "postgres").map(([pid]) => pid);
  const out: CpuDelta = {
    servers: {},
    postgres: ms(sum(b, postgres(b)) - sum(a, postgres(a))),
    postgresOurs: 0,
    bench: (b.self.user + b.self.system - a.self.user - a.self.system) / 1000,
  };
  for (const [name, pid] of Object.entries(servers))
    out.servers[name] = ms(sum(b, processTree(b, pid)) - sum(a, processTree(a, pid)));
  for (const pid of postgres(b)) {
    if (!isBackendOf(b.titles.get(pid) ?? "", databases)) continue;
    const before = a.procs.get(pid)?.comm === "postgres" ? a.procs.get(pid)!.ticks : 0;
    out.postgresOurs += ms(Math.max(0, b.procs.get(pid)!.ticks - before));
  }
  return out;
}

/** Resident memory of a process tree, in bytes (undefined without /proc). */
export function treeRssBytes(root: number): number | undefined {
  if (!procAvailable()) return undefined;
  const snap = snapshotUsage();
  let total = 0;
  for (const pid of processTree(snap, root)) {
    try {
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      total += kb ? Number(kb) * 1024 : 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}
