/**
 * A page the server renders must render the same in the browser's first (hydrating) render, even seconds
 * later: otherwise React throws error #418 and renders the page again from scratch (issue 14, item 6). The
 * run page and the runs list of a run that is still going are rendered twice here, the clock moved on in
 * between, and the two HTML strings must agree; and a live time outside a ServerClockProvider is refused.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ReactElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionDetail } from "@/lib/contracts/executions";
import { DEFAULT_RANGE } from "@/lib/contracts/dashboard";

vi.mock("next/navigation", () => ({
  useRouter: () => ({ push() {}, replace() {}, refresh() {}, prefetch() {} }),
  usePathname: () => "/executions",
  useSearchParams: () => new URLSearchParams(),
}));

const { RunView } = await import("@/components/monitor/run-view");
const { ServerClockProvider } = await import("@/components/monitor/server-clock");
const { ExecutionsTable } = await import("@/components/monitor/executions-list");

const STARTED = Date.parse("2026-03-01T10:00:00.000Z");
const RENDERED = STARTED + 12_345;

const running: ExecutionDetail = {
  id: "01JNXG5Q3Z8M7Y6W5V4T3S2R1Q",
  status: "running",
  workflowType: "CUSTOM",
  definitionId: null,
  definitionVersion: null,
  templateId: null,
  conversationId: null,
  parentExecutionId: null,
  trigger: "manual",
  triggerId: null,
  startedAt: new Date(STARTED).toISOString(),
  completedAt: null,
  durationMs: null,
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  cost: 0,
  errorMessage: null,
  createdAt: new Date(STARTED).toISOString(),
  input: { message: "take your time" },
  output: null,
  history: [],
  definition: {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
      { id: "end", type: "end", position: { x: 240, y: 0 }, data: { config: {} } },
    ],
    edges: [{ id: "e0", source: "start", target: "end" }],
  },
  usageByModel: null,
  correlationId: null,
  events: { total: 0, lastSeq: 0, byType: {} },
};

/** Inside the page's ServerClockProvider, with the server's clock at RENDERED. */
const atServerClock = (children: ReactNode) => createElement(ServerClockProvider, { now: RENDERED, children });

/** The element rendered at `at` (epoch ms) as the server would, and as the browser's first render would. */
function renderAt(at: number, element: () => ReactElement): string {
  vi.setSystemTime(at);
  return renderToString(element());
}

afterEach(() => {
  vi.useRealTimers();
});

/** The run page of `running`, as the server renders it. */
const runningView = () =>
  createElement(RunView, {
    execution: running,
    steps: [],
    title: "Ad-hoc graph",
    version: null,
    links: { parent: null, workflow: null, template: null, conversationId: null },
    canvasNames: { knowledgeBases: [], workflows: [] },
  });

describe("hydration of a run that is still going", () => {
  it("the run page renders the same HTML on the server and in the browser, seconds apart", () => {
    vi.useFakeTimers();
    const page = () => atServerClock(runningView());
    const server = renderAt(RENDERED, page);
    const browser = renderAt(RENDERED + 2_750, page);
    expect(server).toContain("12.3 s");
    expect(browser).toBe(server);
  });

  it("the runs list renders the same HTML on the server and in the browser, seconds apart", () => {
    vi.useFakeTimers();
    const list = () =>
      atServerClock(
        createElement(
          QueryClientProvider,
          { client: new QueryClient() },
          createElement(ExecutionsTable, {
            filters: {
              range: DEFAULT_RANGE,
              status: [],
              type: null,
              trigger: null,
              workflowId: null,
              templateId: null,
              model: null,
            },
            initialPage: { executions: [running], nextCursor: null },
            names: { workflows: {}, templates: {} },
            fresh: new Set<string>(),
            pending: false,
            onClearFilters() {},
          }),
        ),
      );
    const server = renderAt(RENDERED, list);
    const browser = renderAt(RENDERED + 2_750, list);
    expect(server).toContain("12.3 s");
    expect(browser).toBe(server);
  });

  it("refuses a live time without the server's clock instead of reading the browser's", () => {
    expect(() => renderToString(runningView())).toThrow(/server's clock/);
  });
});
