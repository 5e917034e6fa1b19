/**
 * The SDK suites against the production build: the TypeScript SDK's live tests (vitest,
 * sdk/typescript/test/*.test.ts: in Node, then bundled with esbuild in headless Chromium through Playwright)
 * and the Python SDK's (`python3 -m unittest`, sdk/python/tests), side by side
 * against one server per backend, both at once — the embedded database (PGlite), and PostgreSQL when a server
 * is named (TEST_DATABASE_URL / DATABASE_URL; a database of its own is created and dropped).
 *
 * Reuses the build that is there (`npm test` has just made it; NEXT_DIST_DIR names another folder, and
 * SDK_SERVER_DIR another checkout to serve it from); never builds. Each suite gets a user of its own with an API key. The servers allow one run at a time per user,
 * so the suites can see a 429 with Retry-After.
 *
 * Flags: --no-postgres, --no-python, --no-typescript, --summary <file> (writes { passed, failed, skipped }).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { signUpOverHttp } from "../helpers/http-client";
import { freePort, startProductionServer, type ProductionServer } from "../helpers/production-server";
import { addVitestReport, type Tally } from "../helpers/vitest-report";
import { createSuiteDatabase, dropSuiteDatabase } from "../reliability/lib/database";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const summaryFile = argv[argv.indexOf("--summary") + 1];
const root = path.resolve(import.meta.dirname, "../..");
const serverDir = path.resolve(process.env.SDK_SERVER_DIR || root);
const distDir = process.env.NEXT_DIST_DIR || ".next";
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** What the suites' servers run with: one run at a time per user (the 429 test), loopback allowed for nothing else. */
export const SDK_SERVER_ENV = { LATTICE_MAX_CONCURRENT_RUNS: "1", LATTICE_RUNS_PER_MINUTE: "1000" };

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];

if (!fs.existsSync(path.join(serverDir, distDir, "BUILD_ID"))) {
  console.error(`✖ sdk suites: no production build in ${path.join(serverDir, distDir)} (run \`npx next build\` first)`);
  process.exit(1);
}

/** Runs a command, its output kept and printed whole when it ends (two suites run at once). */
function runSuite(label: string, command: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("close", (code) => {
      console.log(`\n── ${label} ──\n${output.trimEnd()}`);
      resolve({ code: code ?? 1, output });
    });
  });
}

async function typescriptSuite(backend: string, env: Record<string, string>): Promise<void> {
  const out = path.join(os.tmpdir(), `lattice-sdk-ts-${process.pid}-${backend}.json`);
  const { code } = await runSuite(
    `TypeScript SDK (${backend})`,
    "npx",
    [
      "vitest",
      "run",
      "--config",
      "tests/sdk/vitest.config.ts",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ],
    env,
  );
  addVitestReport(out, { exitCode: code, label: `TypeScript SDK (${backend})`, total, failures });
}

async function pythonSuite(backend: string, env: Record<string, string>): Promise<void> {
  const { code, output } = await runSuite(
    `Python SDK (${backend})`,
    "python3",
    ["-m", "unittest", "discover", "-v", "-s", "sdk/python/tests", "-t", "sdk/python"],
    { ...env, PYTHONPATH: path.join(root, "sdk", "python"), PYTHONDONTWRITEBYTECODE: "1" },
  );
  // unittest's closing lines: "Ran N tests in …" then "OK (skipped=S)" or "FAILED (failures=F, errors=E, skipped=S)".
  const ran = Number(/^Ran (\d+) tests?/m.exec(output)?.[1] ?? Number.NaN);
  if (Number.isNaN(ran)) {
    failures.push(`Python SDK (${backend}): did not run`);
    return;
  }
  const count = (name: string) =>
    Number(new RegExp(`${name}=(\\d+)`).exec(output.slice(output.lastIndexOf("Ran ")))?.[1] ?? 0);
  const failed = count("failures") + count("errors") + count("unexpected successes");
  const skipped = count("skipped");
  total.passed += ran - failed - skipped;
  total.failed += failed;
  total.skipped += skipped;
  if (code !== 0 && failed === 0) failures.push(`Python SDK (${backend})`);
}

async function onBackend(backend: "pglite" | "postgres"): Promise<void> {
  const started = Date.now();
  let databaseUrl = "";
  let dataDir: string | undefined;
  if (backend === "postgres") databaseUrl = await createSuiteDatabase();
  else dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-sdk-"));
  let server: ProductionServer | undefined;
  try {
    server = await startProductionServer({
      dir: serverDir,
      port: await freePort(),
      databaseUrl,
      env: { ...SDK_SERVER_ENV, NEXT_DIST_DIR: distDir, ...(dataDir ? { LATTICE_DATA_DIR: dataDir } : {}) },
    });
    console.log(`▶ sdk suites (${backend}): server ${server.url} up in ${Math.round((Date.now() - started) / 1000)} s`);
    const [tsUser, pyUser] = await Promise.all([
      signUpOverHttp(server.url, "sdk-ts"),
      signUpOverHttp(server.url, "sdk-py"),
    ]);
    const suiteEnv = (user: typeof tsUser) => ({
      LATTICE_SDK_TEST_URL: server!.url,
      LATTICE_SDK_TEST_API_KEY: user.apiKey,
      LATTICE_SDK_TEST_BACKEND: backend,
      // The browser test signs in with the session cookie too.
      LATTICE_SDK_TEST_COOKIE: user.cookie,
      LATTICE_SDK_TEST_EMAIL: user.email,
    });
    await Promise.all([
      flag("--no-typescript") ? undefined : typescriptSuite(backend, suiteEnv(tsUser)),
      flag("--no-python") ? undefined : pythonSuite(backend, suiteEnv(pyUser)),
    ]);
  } catch (error) {
    failures.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // A failing suite often has the cause in the server's log (an internal error is a 500 with no details).
    if (server && (failures.length || total.failed || process.env.SDK_SHOW_SERVER_LOG))
      console.log(`\n── server log (${backend}) ──\n${server.output().trimEnd()}`);
    await server?.kill("SIGTERM");
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl)
      await dropSuiteDatabase(databaseUrl).catch((error: unknown) =>
        console.error("could not drop the suite database", error),
      );
  }
  console.log(`▶ sdk suites (${backend}): done in ${Math.round((Date.now() - started) / 1000)} s`);
}

// Both backends at once: the suites mostly wait on streamed runs, so they overlap well even on 2 cores.
const withPostgres = Boolean(pgUrl) && !flag("--no-postgres");
if (!withPostgres) console.log("(sdk suites: PostgreSQL pass skipped — set TEST_DATABASE_URL)");
await Promise.all([onBackend("pglite"), withPostgres ? onBackend("postgres") : undefined]);

if (summaryFile && !summaryFile.startsWith("--")) fs.writeFileSync(summaryFile, JSON.stringify(total));
if (failures.length) console.log(`sdk suites failed: ${failures.join("; ")}`);
console.log(`sdk suites: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length || total.failed ? 1 : 0);
