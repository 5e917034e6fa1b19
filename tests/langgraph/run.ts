/**
 * The LangGraph SDK suite (tests/langgraph/*.test.ts: the official @langchain/langgraph-sdk Client) against
 * the production build: one server on PostgreSQL when a server is named (TEST_DATABASE_URL / DATABASE_URL;
 * a database of its own, `<LG_DB_PREFIX>_<random>`, is created and dropped), and one on the embedded
 * database. Reuses the build that is there (NEXT_DIST_DIR names its folder); never builds.
 *
 * Flags: --no-postgres, --no-pglite, --summary <file> (writes { passed, failed, skipped }).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort, startProductionServer, type ProductionServer } from "../helpers/production-server";
import { addVitestReport } from "../helpers/vitest-report";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const summaryFile = argv.includes("--summary") ? argv[argv.indexOf("--summary") + 1] : undefined;
const root = path.resolve(import.meta.dirname, "../..");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const dbPrefix = process.env.LG_DB_PREFIX ?? "lattice_langgraph";

const total = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];

if (!fs.existsSync(path.join(root, distDir, "BUILD_ID"))) {
  console.error(`✖ langgraph suite: no production build in ${path.join(root, distDir)} (run \`npx next build\` first)`);
  process.exit(1);
}

function adminUrl(): URL {
  const url = new URL(pgUrl!);
  url.pathname = "/postgres";
  return url;
}

async function createDatabase(): Promise<string> {
  const name = `${dbPrefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl().toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = adminUrl();
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith(`${dbPrefix}_`)) throw new Error(`refusing to drop ${name}`);
  const admin = postgres(adminUrl().toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function vitest(backend: string, url: string): Promise<void> {
  const out = path.join(os.tmpdir(), `lattice-langgraph-${process.pid}-${backend}.json`);
  return new Promise((resolve) => {
    const child = spawn(
      "npx",
      [
        "vitest",
        "run",
        "--config",
        "tests/langgraph/vitest.config.ts",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${out}`,
      ],
      { cwd: root, env: { ...process.env, LG_TEST_URL: url }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("close", (code) => {
      console.log(`\n── LangGraph SDK (${backend}) ──\n${output.trimEnd()}`);
      addVitestReport(out, { exitCode: code, label: `LangGraph SDK (${backend})`, total, failures });
      resolve();
    });
  });
}

async function onBackend(backend: "pglite" | "postgres"): Promise<void> {
  const started = Date.now();
  let databaseUrl = "";
  let dataDir: string | undefined;
  if (backend === "postgres") databaseUrl = await createDatabase();
  else dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-langgraph-"));
  let server: ProductionServer | undefined;
  try {
    server = await startProductionServer({
      dir: root,
      port: process.env.LG_TEST_PORT && backend === "postgres" ? Number(process.env.LG_TEST_PORT) : await freePort(),
      databaseUrl,
      env: { NEXT_DIST_DIR: distDir, ...(dataDir ? { LATTICE_DATA_DIR: dataDir } : {}) },
    });
    console.log(
      `▶ langgraph suite (${backend}): server ${server.url} up in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    await vitest(backend, server.url);
  } catch (error) {
    failures.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (server && (failures.length || total.failed || process.env.LG_SHOW_SERVER_LOG))
      console.log(`\n── server log (${backend}) ──\n${server.output().trimEnd()}`);
    await server?.kill("SIGTERM");
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) await dropDatabase(databaseUrl).catch((error: unknown) => console.error("could not drop", error));
  }
  console.log(`▶ langgraph suite (${backend}): done in ${Math.round((Date.now() - started) / 1000)} s`);
}

const withPostgres = Boolean(pgUrl) && !flag("--no-postgres");
if (!withPostgres) console.log("(langgraph suite: PostgreSQL pass skipped — set TEST_DATABASE_URL)");
await Promise.all([
  withPostgres ? onBackend("postgres") : undefined,
  flag("--no-pglite") ? undefined : onBackend("pglite"),
]);

if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify(total));
if (failures.length) console.log(`langgraph suite failed: ${failures.join("; ")}`);
console.log(`langgraph suite: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length || total.failed ? 1 : 0);
