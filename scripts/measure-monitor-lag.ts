/**
 * Measures the execution monitor's live lag: the delay between a run event being published (its `at`,
 * stamped by the engine as it emits it) and the open monitor page showing it (the DOM commit that carries
 * its sequence number), median over every event of a few streamed runs. Prints the figures.
 *
 * It starts the production server (`next start`, on a fresh embedded database), signs up in headless
 * Chromium, runs a workflow that first waits at a human node — so the page is open and following before
 * anything is measured — answers it from the page, and records, in the page, when each commit lands
 * (a MutationObserver on the run view's `data-last-seq`). Every event between two commits is attributed to
 * the later one. Only events published after the page's stream went live count (no replayed backlog).
 *
 *   flock /tmp/heavy.lock sh -c "npx next build && npx tsx scripts/measure-monitor-lag.ts"
 *
 * Options (env): LAG_RUNS (3), LAG_TOKENS (300 tokens a run; the local `slow` model emits one per 20 ms),
 * LAG_PORT (3190), CHROMIUM_PATH (/usr/bin/chromium).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";

const RUNS = Number(process.env.LAG_RUNS ?? 3);
const TOKENS = Number(process.env.LAG_TOKENS ?? 300);
const PORT = Number(process.env.LAG_PORT ?? 3190);
const BASE = `http://127.0.0.1:${PORT}`;

interface Commit {
  seq: number;
  observed: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error("the server did not start within 2 minutes");
}

function graph() {
  const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    data: { config },
  });
  return {
    nodes: [
      node("start", "start"),
      node("gate", "human", { mode: "approval", question: "Start streaming?", variable: "go" }),
      node("model", "model", { provider: "local", model: "slow", maxTokens: TOKENS }),
      node("end", "end"),
      node("stop", "end"),
    ],
    edges: [
      { id: "a", source: "start", target: "gate" },
      { id: "b", source: "gate", target: "model", sourceHandle: "approved" },
      { id: "c", source: "gate", target: "stop", sourceHandle: "rejected" },
      { id: "d", source: "model", target: "end" },
    ],
  };
}

/** Every event's publication time, read back from the run's event stream once the run is over. */
async function publishedAt(page: Page, executionId: string): Promise<Map<number, number>> {
  const text = await page.evaluate(async (id) => (await fetch(`/api/executions/${id}/events`)).text(), executionId);
  const times = new Map<number, number>();
  for (const block of text.split("\n\n")) {
    const data = block.split("\n").find((line) => line.startsWith("data: "));
    if (!data) continue;
    const event = JSON.parse(data.slice(6)) as { seq: number; at: string };
    times.set(event.seq, Date.parse(event.at));
  }
  return times;
}

async function measureRun(page: Page): Promise<number[]> {
  const started = await page.request.post(`${BASE}/api/executions`, {
    data: { type: "CUSTOM", definition: graph(), input: { message: "Stream for the stopwatch" } },
  });
  if (started.status() !== 200) throw new Error(`could not start a run: ${started.status()} ${await started.text()}`);
  const { executionId, status } = (await started.json()) as { executionId: string; status: string };
  if (status !== "paused") throw new Error(`expected the run to wait at its human node, got ${status}`);

  await page.goto(`${BASE}/executions/${executionId}`);
  const view = page.getByTestId("run-view");
  await view.waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="run-view"]')?.getAttribute("data-status") === "paused",
  );
  await page.evaluate(() => {
    const target = document.querySelector('[data-testid="run-view"]')!;
    const w = window as unknown as {
      __lag: { commits: Array<{ seq: number; observed: number }>; liveAt: number | null };
    };
    w.__lag = { commits: [], liveAt: null };
    new MutationObserver(() => {
      const observed = Date.now();
      const seq = Number(target.getAttribute("data-last-seq"));
      const last = w.__lag.commits.at(-1);
      if (!last || last.seq !== seq) w.__lag.commits.push({ seq, observed });
      if (
        w.__lag.liveAt === null &&
        target.getAttribute("data-stream") === "live" &&
        target.getAttribute("data-status") === "running"
      )
        w.__lag.liveAt = observed;
    }).observe(target, { attributes: true, attributeFilter: ["data-last-seq", "data-stream", "data-status"] });
  });
  await page.getByTestId("answer-approve").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="run-view"]')?.getAttribute("data-status") === "completed",
    undefined,
    {
      timeout: 60_000 + TOKENS * 100,
    },
  );
  const { commits, liveAt } = await page.evaluate(
    () => (window as unknown as { __lag: { commits: Commit[]; liveAt: number | null } }).__lag,
  );
  const published = await publishedAt(page, executionId);
  const lags: number[] = [];
  let previous = commits.length ? Math.min(...commits.map((c) => c.seq)) - 1 : 0;
  for (const commit of commits) {
    for (let seq = previous + 1; seq <= commit.seq; seq++) {
      const at = published.get(seq);
      if (at === undefined || liveAt === null || at < liveAt) continue;
      lags.push(commit.observed - at);
    }
    previous = Math.max(previous, commit.seq);
  }
  return lags;
}

async function main() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npx next build` first (under flock /tmp/heavy.lock).");
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-lag-"));
  const server = spawn("npx", ["next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: { ...process.env, LATTICE_DATA_DIR: dataDir, DATABASE_URL: "", NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    await waitForServer();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    await page.goto(`${BASE}/signup`);
    await page.getByTestId("signup-name").fill("Lag meter");
    await page.getByTestId("signup-email").fill(`lag-${id}@measure.test`);
    await page.getByTestId("signup-password").fill(`pw-${id}-secret`);
    await page.getByTestId("signup-submit").click();
    await page.waitForURL(/\/workflows/);

    const all: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const lags = await measureRun(page);
      const sorted = [...lags].sort((a, b) => a - b);
      console.log(
        `run ${i + 1}: ${lags.length} events, median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms`,
      );
      all.push(...lags);
    }
    const sorted = all.sort((a, b) => a - b);
    console.log(
      `\nmonitor lag (event published → shown in the open run page), ${sorted.length} events over ${RUNS} runs:\n` +
        `  median ${percentile(sorted, 0.5).toFixed(1)} ms · p90 ${percentile(sorted, 0.9).toFixed(1)} ms · p95 ${percentile(sorted, 0.95).toFixed(1)} ms · max ${sorted.at(-1)?.toFixed(1)} ms`,
    );
  } finally {
    await browser.close();
    // The server runs in its own process group (npx → next): end the group, not just npx.
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
