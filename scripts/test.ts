/**
 * `npm test`: the whole suite, in order —
 *   1. Biome's lint over the whole tree (`npm run lint`, about a second; not with --only-e2e);
 *   2. vitest on the embedded database (in-memory PGlite): most files with modules shared across a worker's
 *      files, then those of tests/setup/isolated-files.ts each in a process of its own (`vitestPass`);
 *   3. the same vitest suite on PostgreSQL, when TEST_DATABASE_URL (or DATABASE_URL) names a server;
 *   4. the production build (made in the background from the start, beside steps 1–3), then Playwright
 *      end-to-end tests in headless Chromium against it;
 *   5. the SDK suites (TypeScript and Python, side by side) against that build, on PGlite and on PostgreSQL
 *      when a server is named (tests/sdk/run.ts: one server per backend, no build of their own), then the
 *      official LangGraph SDK against /api/langgraph the same way (tests/langgraph/run.ts);
 *   6. the reliability suites on PostgreSQL (against that build), when a server is named.
 * Prints one closing line "N passed, N failed, N skipped" and exits non-zero on any failure.
 * Flags: --no-e2e, --no-postgres, --no-reliability, --no-sdk, --only-e2e.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const args = new Set(process.argv.slice(2));
const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "test-results");
fs.mkdirSync(results, { recursive: true });

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
let failedSteps: string[] = [];

function run(step: string, command: string, argv: string[], env: Record<string, string | undefined> = {}): boolean {
  console.log(`\n▶ ${step}: ${command} ${argv.join(" ")}`);
  const r = spawnSync(command, argv, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const ok = r.status === 0;
  if (!ok) failedSteps.push(step);
  return ok;
}

/**
 * `next build` in the background, its output to a log file: started first, so its minutes overlap the vitest
 * passes, whose files wait on the database, sockets and servers as much as they compute (no vitest file uses
 * the build). Beside the PostgreSQL pass alone it was the longest step: that pass, at two files at a time,
 * ends well before a build that starts with it.
 */
function buildInBackground(): Promise<boolean> {
  const log = path.join(results, "next-build.log");
  const out = fs.openSync(log, "w");
  const started = Date.now();
  console.log("\n▶ next build (in the background, beside the vitest passes; output in test-results/next-build.log)");
  return new Promise((resolve) => {
    const child = spawn("npx", ["next", "build"], {
      cwd: root,
      stdio: ["ignore", out, out],
      env: { ...process.env, DATABASE_URL: "" },
    });
    const done = (ok: boolean) => {
      fs.closeSync(out);
      console.log(`\n(next build ${ok ? "finished" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s)`);
      if (!ok) {
        console.log(fs.readFileSync(log, "utf8").split("\n").slice(-40).join("\n"));
        failedSteps.push("next build");
      }
      resolve(ok);
    };
    child.on("error", () => done(false));
    child.on("exit", (code) => done(code === 0));
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function vitest(step: string, outFile: string, env: Record<string, string | undefined>, extra: string[] = []) {
  fs.rmSync(outFile, { force: true });
  run(
    step,
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${outFile}`, ...extra],
    env,
  );
  const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(
    outFile,
  );
  if (!r) {
    if (!failedSteps.includes(step)) failedSteps.push(step);
    return;
  }
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
}

/**
 * One backend's vitest pass, in two runs (vitest.config.ts, TEST_FILES): every file but those of
 * tests/setup/isolated-files.ts with modules shared across a worker's files — each file would otherwise import
 * the whole app again, most of its time — then those files each in a process of its own. Returns the two
 * runs' JSON reports.
 */
function vitestPass(step: string, name: string, env: Record<string, string | undefined>): string[] {
  const shared = path.join(results, `vitest-${name}.json`);
  const isolated = path.join(results, `vitest-${name}-isolated.json`);
  const flags = ["--maxWorkers=2", "--passWithNoTests"];
  vitest(`${step}, shared modules`, shared, { ...env, TEST_FILES: "shared" }, flags);
  vitest(`${step}, a process per file`, isolated, { ...env, TEST_FILES: "isolated" }, flags);
  return [shared, isolated];
}

/**
 * Test files the PostgreSQL pass need not run again: they passed in the PGlite pass with nothing skipped,
 * never opened the database there (noted by tests/setup/env.ts), and start no process or server of their
 * own (which could open one out of sight). None at all when the PGlite pass left no report.
 */
function databaseFreeFiles(reportFiles: string[], dbFilesFile: string): string[] {
  const reports = reportFiles.map((file) =>
    readJson<{
      testResults?: Array<{ name: string; status: string; assertionResults: Array<{ status: string }> }>;
    }>(file),
  );
  if (reports.some((report) => !report?.testResults) || !fs.existsSync(dbFilesFile)) return [];
  const opened = new Set(fs.readFileSync(dbFilesFile, "utf8").split("\n").filter(Boolean));
  return reports
    .flatMap((report) => report!.testResults!)
    .filter(
      (file) =>
        file.status === "passed" &&
        file.assertionResults.length > 0 &&
        file.assertionResults.every((test) => test.status === "passed") &&
        !opened.has(file.name) &&
        !/\bspawn\(|startProductionServer|child_process|TEST_BACKEND|DATABASE_URL/.test(
          fs.readFileSync(file.name, "utf8"),
        ),
    )
    .map((file) => path.relative(root, file.name));
}

/**
 * Test files about the embedded database alone, which the PostgreSQL pass does not run: on PostgreSQL they
 * would test the same PGlite again (tests/db/embedded-lock.test.ts: the PGlite data folder's one-process
 * lock, opened with openPglite whatever the backend).
 */
const EMBEDDED_ONLY = ["tests/db/embedded-lock.test.ts"];

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

interface PlaywrightSuite {
  title: string;
  specs?: Array<{ title: string; file: string; line: number; tests: Array<{ status: string }> }>;
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites: PlaywrightSuite[];
}

/** The e2e tests that failed first and passed on their retry. */
function flakyTests(report: PlaywrightReport): string[] {
  const found: string[] = [];
  const walk = (suite: PlaywrightSuite, path: string[]) => {
    for (const spec of suite.specs ?? []) {
      if (spec.tests.some((t) => t.status === "flaky"))
        found.push(`${spec.file}:${spec.line} ${[...path, spec.title].join(" › ")}`);
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of report.suites) walk(suite, []);
  return found;
}

const flaky: string[] = [];
let backgroundBuild: Promise<boolean> | undefined;
const onlyE2e = args.has("--only-e2e");
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!args.has("--no-e2e")) backgroundBuild = buildInBackground();

if (!onlyE2e) {
  run("biome lint", "npx", ["biome", "lint", "."]);
  const dbFiles = path.join(results, "vitest-db-files.txt");
  fs.rmSync(dbFiles, { force: true });
  // Two test files at a time on each backend (vitest's default on 2 cores is one): files wait on sockets,
  // servers and the database as much as they compute. They cannot meet: each worker has its own database
  // (an in-memory PGlite in its process; on PostgreSQL a database of its own, with its own run queue, NOTIFY
  // channels and advisory locks: tests/setup/global-setup.ts), which the files it runs one after another share
  // (a file in a process of its own gets a fresh PGlite).
  const pgliteReports = vitestPass("vitest (PGlite)", "pglite", {
    TEST_BACKEND: "pglite",
    LATTICE_DB_FILES_OUT: dbFiles,
  });
  if (pgUrl && !args.has("--no-postgres")) {
    const excludeFile = path.join(results, "vitest-postgres-exclude.json");
    const databaseFree = databaseFreeFiles(pgliteReports, dbFiles);
    fs.writeFileSync(excludeFile, JSON.stringify([...databaseFree, ...EMBEDDED_ONLY]));
    if (databaseFree.length > 0)
      console.log(
        `\n(PostgreSQL pass: ${databaseFree.length} test files that opened no database in the PGlite pass are not run again.)`,
      );
    vitestPass("vitest (PostgreSQL)", "postgres", {
      TEST_BACKEND: "postgres",
      TEST_DATABASE_URL: pgUrl,
      TEST_EXCLUDE_FILE: excludeFile,
    });
  } else {
    console.log("\n(PostgreSQL pass skipped: set TEST_DATABASE_URL to run the suite on PostgreSQL too.)");
  }
}

if (!args.has("--no-e2e")) {
  const browser = findChromium();
  let hasPlaywrightBrowser = false;
  if (!browser) {
    try {
      const { chromium } = await import("@playwright/test");
      hasPlaywrightBrowser = fs.existsSync(chromium.executablePath());
    } catch {
      hasPlaywrightBrowser = false;
    }
  }
  if (!browser && !hasPlaywrightBrowser) {
    console.error(
      "\n✖ No Chromium found for the end-to-end tests. Install one (Debian/Ubuntu: `sudo apt-get install chromium`)," +
        " or set CHROMIUM_PATH to a Chromium/Chrome binary, or run `npx playwright install chromium`.",
    );
    failedSteps.push("e2e (no browser)");
  } else if (
    backgroundBuild ? await backgroundBuild : run("next build", "npx", ["next", "build"], { DATABASE_URL: "" })
  ) {
    const out = path.join(results, "e2e.json");
    fs.rmSync(out, { force: true });
    run("playwright (e2e)", "npx", ["playwright", "test", "--reporter=list,json"], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
      ...(browser ? { CHROMIUM_PATH: browser } : {}),
    });
    const r = readJson<PlaywrightReport>(out);
    if (r) {
      flaky.push(...flakyTests(r));
      total.passed += r.stats.expected + r.stats.flaky;
      total.failed += r.stats.unexpected;
      total.skipped += r.stats.skipped;
    } else if (!failedSteps.includes("playwright (e2e)")) {
      failedSteps.push("playwright (e2e)");
    }
    // The SDKs against the build just made: one server per backend, both suites at once (about half a minute).
    if (!onlyE2e && !args.has("--no-sdk")) {
      const summary = path.join(results, "sdk.json");
      fs.rmSync(summary, { force: true });
      run(
        "sdk suites",
        "npx",
        ["tsx", "tests/sdk/run.ts", "--summary", summary, ...(args.has("--no-postgres") ? ["--no-postgres"] : [])],
        {
          ...(pgUrl ? { TEST_DATABASE_URL: pgUrl } : {}),
        },
      );
      const sdk = readJson<Tally>(summary);
      if (sdk) {
        total.passed += sdk.passed;
        total.failed += sdk.failed;
        total.skipped += sdk.skipped;
      } else if (!failedSteps.includes("sdk suites")) {
        failedSteps.push("sdk suites");
      }
      // LangGraph's own client against the LangGraph Platform API (/api/langgraph), on both backends.
      const lgSummary = path.join(results, "langgraph.json");
      fs.rmSync(lgSummary, { force: true });
      run(
        "langgraph suite",
        "npx",
        [
          "tsx",
          "tests/langgraph/run.ts",
          "--summary",
          lgSummary,
          ...(args.has("--no-postgres") ? ["--no-postgres"] : []),
        ],
        { ...(pgUrl ? { TEST_DATABASE_URL: pgUrl } : {}) },
      );
      const lg = readJson<Tally>(lgSummary);
      if (lg) {
        total.passed += lg.passed;
        total.failed += lg.failed;
        total.skipped += lg.skipped;
      } else if (!failedSteps.includes("langgraph suite")) {
        failedSteps.push("langgraph suite");
      }
    }
  }
}

// A background build still going (no browser for the e2e tests): the reliability suites need it finished.
if (backgroundBuild) await backgroundBuild;

// The reliability suites (load, crash, database faults, cancel, fuzz, authorization, SSRF, hostile content)
// run against the production build on PostgreSQL, so they need a server; sized to a few minutes.
if (pgUrl && !onlyE2e && !args.has("--no-reliability")) {
  const out = path.join(results, "reliability.json");
  fs.rmSync(out, { force: true });
  run(
    "reliability suites",
    "npx",
    ["tsx", "tests/reliability/run.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    {
      RELIABILITY_PG_URL: pgUrl,
    },
  );
  const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number }>(out);
  if (r) {
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests;
  }
}

failedSteps = [...new Set(failedSteps)];
console.log("");
if (flaky.length) console.log(`Flaky (passed on a retry, look into them):\n${flaky.map((t) => `  - ${t}`).join("\n")}`);
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(", ")}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length || total.failed ? 1 : 0);
