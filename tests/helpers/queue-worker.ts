/**
 * A queue worker process (`npm run worker`) for the suites that run Lattice as separate processes: started on
 * a database with the given environment, ready once it has printed its instance id.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface QueueWorkerProcess {
  process: ChildProcess;
  instanceId: string;
  output: () => string;
  exited: Promise<number | null>;
}

export async function startQueueWorker({
  name,
  databaseUrl,
  env = {},
  startTimeoutMs = 90_000,
}: {
  name: string;
  databaseUrl: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<QueueWorkerProcess> {
  // `npm run worker` is `tsx --conditions=react-server scripts/worker.ts`; run as one node process here, so
  // that a signal reaches the worker itself.
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      LATTICE_WORKER_CONCURRENCY: "8",
      ...env,
      NODE_OPTIONS: "",
      DATABASE_URL: databaseUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const instanceId = /Lattice worker (\S+):/.exec(output)?.[1];
    if (instanceId) return { process: child, instanceId, output: () => output, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends a signal to a process that is still running. */
export function signalProcess(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
}
