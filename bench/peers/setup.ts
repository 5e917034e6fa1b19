/**
 * Installs the peers OUTSIDE the repository, in ${XDG_CACHE_HOME:-~/.cache}/lattice-peers, at the versions the
 * reference peer harness pins (port of its setup.sh), skipping what is already installed:
 *   deps/     raw LangGraph + @langchain/openai + the official checkpoint-postgres + pg (~15 s)
 *   flowise/  Flowise 3.1.4 (~3 GB, 3,200 packages, 5-10 min; sqlite3 compiled from source: python3 make g++)
 *   n8n/      n8n 1.123.81, only when asked for (`n8n`; ~1.8 GB) — an optional fourth system
 * Offline notes: faiss-node's install script clones from the internet, so Flowise is installed with
 * --ignore-scripts and only sqlite3 is rebuilt; LangChain's tokenizer download is answered from the installed
 * js-tiktoken by offline-tiktoken.cjs (the runner preloads it into Flowise and n8n).
 *
 *   npx tsx bench/peers/setup.ts [all|raw|flowise|n8n]     (bench/peers/run.ts runs `all` itself)
 * Env: BENCH_DEPS, FLOWISE_DIR, N8N_DIR override the folders.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const RAW_PACKAGES = {
  "@langchain/langgraph": "1.7.3",
  "@langchain/core": "1.4.0",
  "@langchain/langgraph-checkpoint-postgres": "1.0.5",
  "@langchain/openai": "1.6.0",
  pg: "8.23.1",
} as const;
export const FLOWISE_VERSION = "3.1.4";
export const N8N_VERSION = "1.123.81";

export function peerPaths() {
  const cache = path.join(
    process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), ".cache"),
    "lattice-peers",
  );
  return {
    cache,
    deps: path.resolve(process.env.BENCH_DEPS || path.join(cache, "deps")),
    flowise: path.resolve(process.env.FLOWISE_DIR || path.join(cache, "flowise")),
    n8n: path.resolve(process.env.N8N_DIR || path.join(cache, "n8n")),
  };
}

function installedVersion(dir: string, pkg: string): string | undefined {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")) as { version?: string }
    ).version;
  } catch {
    return undefined;
  }
}

const sqliteBinding = (dir: string) =>
  path.join(dir, "node_modules", "sqlite3", "build", "Release", "node_sqlite3.node");

export function rawInstalled(): boolean {
  const { deps } = peerPaths();
  return Object.entries(RAW_PACKAGES).every(([pkg, version]) => installedVersion(deps, pkg) === version);
}
export function flowiseInstalled(): boolean {
  const { flowise } = peerPaths();
  return installedVersion(flowise, "flowise") === FLOWISE_VERSION && fs.existsSync(sqliteBinding(flowise));
}
export function n8nInstalled(): boolean {
  const { n8n } = peerPaths();
  return installedVersion(n8n, "n8n") === N8N_VERSION && fs.existsSync(path.join(n8n, "node_modules", ".bin", "n8n"));
}

/** npm in `cwd`, without the npm_* variables of an enclosing `npm run` (they would point npm at the repository). */
function npm(cwd: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))) as NodeJS.ProcessEnv;
  console.error(`[peers] (cd ${cwd} && npm ${args.join(" ")})`);
  const result = spawnSync("npm", args, { cwd, env: { ...env, ...extraEnv }, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0)
    throw new Error(`npm ${args.join(" ")} failed in ${cwd} (exit ${result.status ?? result.signal})`);
}

function writePackageJsonIfMissing(dir: string, content: object): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "package.json");
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${JSON.stringify(content)}\n`);
}

export function installRaw(): void {
  const { deps } = peerPaths();
  if (rawInstalled()) return;
  writePackageJsonIfMissing(deps, { name: "peer-deps", private: true, type: "module" });
  npm(deps, ["i", "--no-audit", "--no-fund", ...Object.entries(RAW_PACKAGES).map(([pkg, v]) => `${pkg}@${v}`)]);
}

export function installFlowise(): void {
  const { flowise } = peerPaths();
  if (flowiseInstalled()) return;
  console.error("[peers] installing Flowise (~3 GB, 5-10 min, once)…");
  writePackageJsonIfMissing(flowise, { name: "flowise-peer", private: true });
  const skipDownloads = { PUPPETEER_SKIP_DOWNLOAD: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  npm(flowise, ["i", "--no-audit", "--no-fund", "--ignore-scripts", `flowise@${FLOWISE_VERSION}`], skipDownloads);
  npm(flowise, ["rebuild", "sqlite3"]);
  if (!fs.existsSync(sqliteBinding(flowise))) throw new Error(`sqlite3 was not built in ${flowise}`);
}

/**
 * n8n 1.123 (the last line that runs on Node 20). Its xlsx dependency is a tarball from a CDN, overridden to
 * the registry's 0.18.5; isolated-vm does not build on Node 20, so the runner starts it with the legacy
 * expression engine.
 */
export function installN8n(): void {
  const { n8n } = peerPaths();
  if (n8nInstalled()) return;
  fs.mkdirSync(n8n, { recursive: true });
  fs.writeFileSync(
    path.join(n8n, "package.json"),
    `${JSON.stringify({ name: "n8n-peer", private: true, overrides: { xlsx: "0.18.5" } })}\n`,
  );
  npm(n8n, ["i", "--no-audit", "--no-fund", "--ignore-scripts", `n8n@${N8N_VERSION}`], {
    PUPPETEER_SKIP_DOWNLOAD: "1",
  });
  npm(n8n, ["rebuild", "sqlite3"]);
}

/** What the comparison needs (raw LangGraph and Flowise); n8n only on request. */
export function ensurePeersInstalled(what: "all" | "raw" | "flowise" | "n8n" = "all"): void {
  if (what === "all" || what === "raw") installRaw();
  if (what === "all" || what === "flowise") installFlowise();
  if (what === "n8n") installN8n();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = (process.argv[2] ?? "all") as "all" | "raw" | "flowise" | "n8n";
  if (!["all", "raw", "flowise", "n8n"].includes(what))
    throw new Error("usage: npx tsx bench/peers/setup.ts [all|raw|flowise|n8n]");
  ensurePeersInstalled(what);
  console.error(`[peers] installed in ${peerPaths().cache}`);
}
