/**
 * Dashboard analytics over a seeded mix of successes, failures, templates, definition versions and models:
 * every figure equals the one computed here, in plain code, from the execution rows themselves.
 */
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { workflowDefinitions, workflowDefinitionVersions } from "@/lib/db/schema";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute } from "@/lib/engine/execute";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { analyticsRangeQuerySchema, getAnalyticsDashboard } from "@/lib/tracking/analytics";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { eq } from "drizzle-orm";
import { createTestUser, testDb } from "../helpers/db";
import { chain, echoGraph, graph, node, saveDefinition } from "../engine/helpers";
import { query } from "./helpers";

interface Row {
  id: string;
  status: string;
  template_id: string | null;
  definition_id: string | null;
  definition_version: number | null;
  execution_time_ms: number | null;
  tokens_used: number;
  input_tokens: number;
  output_tokens: number;
  cost: string;
  error_message: string | null;
  started_at: Date;
  usage_by_model: Record<string, { inputTokens: number; outputTokens: number; cost: number }> | null;
}

const FINISHED = ["completed", "failed", "cancelled", "interrupted"];

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}
const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function expected(rows: Row[]) {
  const finished = rows.filter((r) => FINISHED.includes(r.status));
  const decided = finished.filter((r) => r.status !== "cancelled").length;
  const durations = finished.map((r) => r.execution_time_ms ?? 0);
  const completed = rows.filter((r) => r.status === "completed").length;
  return {
    runs: rows.length,
    running: rows.filter((r) => r.status === "running").length,
    paused: rows.filter((r) => r.status === "paused").length,
    completed,
    failed: rows.filter((r) => r.status === "failed").length,
    cancelled: rows.filter((r) => r.status === "cancelled").length,
    interrupted: rows.filter((r) => r.status === "interrupted").length,
    // Cancelled runs are left out of the success rate (lib/contracts/success-rate.ts).
    successRate: decided ? completed / decided : null,
    avgDurationMs: r2(durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null),
    p50DurationMs: r2(percentileCont(durations, 0.5)),
    p95DurationMs: r2(percentileCont(durations, 0.95)),
    tokens: rows.reduce((a, r) => a + r.tokens_used, 0),
    inputTokens: rows.reduce((a, r) => a + r.input_tokens, 0),
    outputTokens: rows.reduce((a, r) => a + r.output_tokens, 0),
    cost: Number(rows.reduce((a, r) => a + Number(r.cost), 0).toFixed(6)),
  };
}

function groupBy<K>(rows: Row[], key: (r: Row) => K | null): Map<K, Row[]> {
  const groups = new Map<K, Row[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === null) continue;
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return groups;
}

let userId: string;
let okDefinition: string;
let failingDefinition: string;
let chatTemplateId: string;

beforeAll(async () => {
  userId = (await createTestUser()).id;
  const tracker = getWorkflowTracker();
  const run = (request: object) => execute(request, { userId, tracker });
  okDefinition = await saveDefinition(userId, echoGraph(), "Echo");
  failingDefinition = await saveDefinition(
    userId,
    graph(
      [
        node("start", "start"),
        node("boom", "transform", { expression: "$error('quota exceeded')" }),
        node("end", "end"),
      ],
      chain("start", "boom", "end"),
    ),
    "Breaks",
  );
  chatTemplateId = (await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG }))!.id;

  for (const message of ["one", "two", "three is longer than the others"])
    await run({ type: "DEFINITION", definitionId: okDefinition, input: { message } });
  // Version 2 of the same definition answers with the scripted model.
  const v2 = echoGraph({ provider: "local", model: "scripted", script: ["Version two speaking."] });
  const { db } = await testDb();
  await db
    .update(workflowDefinitions)
    .set({ nodes: v2.nodes, edges: v2.edges, version: 2 })
    .where(eq(workflowDefinitions.id, okDefinition));
  await db.insert(workflowDefinitionVersions).values({
    definitionId: okDefinition,
    ownerId: userId,
    version: 2,
    name: "Echo",
    nodes: v2.nodes,
    edges: v2.edges,
  });
  await run({ type: "DEFINITION", definitionId: okDefinition, input: { message: "v2 please" } });
  await run({ type: "DEFINITION", definitionId: failingDefinition, input: { message: "a" } });
  await run({ type: "DEFINITION", definitionId: failingDefinition, input: { message: "b" } });
  await run({ type: "TEMPLATE", templateId: chatTemplateId, input: { message: "from a template" } });
  await run({ type: "CHAT", message: "a chat" });
  const outside = await run({ type: "CUSTOM", definition: echoGraph(), input: { message: "long ago" } });
  // A run of long ago: asked for (created) and started 30 days back.
  await query(
    sql`update workflow_executions set created_at = created_at - interval '30 days', started_at = started_at - interval '30 days' where id = ${outside.executionId}`,
  );
});

async function rowsInRange(from: Date, to: Date): Promise<Row[]> {
  return query<Row>(sql`
    select id, status, template_id, definition_id, definition_version, execution_time_ms, tokens_used, input_tokens, output_tokens,
           cost::text as cost, error_message, started_at, usage_by_model
    from workflow_executions where owner_id = ${userId} and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`);
}

describe("analytics", () => {
  it("equal the figures computed from the execution rows: overall, per template, per definition version, per model", async () => {
    const q = analyticsRangeQuerySchema.parse({});
    const dashboard = await getAnalyticsDashboard({ ownerId: userId, query: q });
    const rows = await rowsInRange(q.from, q.to);
    expect(rows).toHaveLength(8);

    expect(dashboard.summary).toEqual(expected(rows));
    expect(dashboard.summary).toMatchObject({ runs: 8, completed: 6, failed: 2 });

    const byTemplate = groupBy(rows, (r) => r.template_id);
    expect(
      new Map(
        dashboard.templates.map((t) => [
          t.templateId,
          (({ templateId: _t, name: _n, isBuiltin: _b, ...stats }) => stats)(t),
        ]),
      ),
    ).toEqual(new Map([...byTemplate].map(([id, group]) => [id, expected(group)])));
    expect(dashboard.templates.find((t) => t.templateId === chatTemplateId)?.runs).toBe(2);

    const byDefinition = groupBy(
      rows.filter((r) => r.definition_id === okDefinition || r.definition_id === failingDefinition),
      (r) => `${r.definition_id}@${r.definition_version}`,
    );
    expect(
      new Map(
        dashboard.definitions.map((d) => [
          `${d.definitionId}@${d.version}`,
          (({ definitionId: _d, name: _n, version: _v, ...stats }) => stats)(d),
        ]),
      ),
    ).toEqual(new Map([...byDefinition].map(([key, group]) => [key, expected(group)])));
    expect(dashboard.definitions.map((d) => [d.name, d.version, d.runs])).toEqual([
      ["Breaks", 1, 2],
      ["Echo", 1, 3],
      ["Echo", 2, 1],
    ]);

    const models = new Map<string, { runs: Row[]; inputTokens: number; outputTokens: number; cost: number }>();
    for (const row of rows) {
      for (const [model, usage] of Object.entries(row.usage_by_model ?? {})) {
        const m = models.get(model) ?? { runs: [], inputTokens: 0, outputTokens: 0, cost: 0 };
        m.runs.push(row);
        m.inputTokens += usage.inputTokens;
        m.outputTokens += usage.outputTokens;
        m.cost += usage.cost;
        models.set(model, m);
      }
    }
    expect(new Set(models.keys())).toEqual(new Set(["local:echo", "local:scripted"]));
    for (const stats of dashboard.models) {
      const m = models.get(stats.model)!;
      const e = expected(m.runs);
      expect(stats).toEqual({
        model: stats.model,
        provider: "local",
        runs: m.runs.length,
        completed: e.completed,
        successRate: e.successRate,
        avgDurationMs: e.avgDurationMs,
        p95DurationMs: e.p95DurationMs,
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        tokens: m.inputTokens + m.outputTokens,
        cost: m.cost,
      });
    }

    const seriesRuns = dashboard.series.reduce((a, b) => a + b.runs, 0);
    expect(seriesRuns).toBe(8);
    expect(dashboard.range.bucket).toBe("day");
  });

  it("lists the top failing workflows with their most common error", async () => {
    const q = analyticsRangeQuerySchema.parse({});
    const { failing } = await getAnalyticsDashboard({ ownerId: userId, query: q });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({
      definitionId: failingDefinition,
      name: "Breaks",
      failures: 2,
      runs: 2,
      topErrorCount: 2,
    });
    expect(failing[0]!.topError).toContain("quota exceeded");
  });

  it("honours the time range and validates it", async () => {
    const wide = analyticsRangeQuerySchema.parse({ from: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    const dashboard = await getAnalyticsDashboard({ ownerId: userId, query: wide });
    expect(dashboard.summary.runs).toBe(9);
    expect(dashboard.summary).toEqual(expected(await rowsInRange(wide.from, wide.to)));
    const hourly = analyticsRangeQuerySchema.parse({ from: new Date(Date.now() - 3_600_000).toISOString() });
    expect(hourly.bucket).toBe("hour");
    const series = (await getAnalyticsDashboard({ ownerId: userId, query: hourly })).series;
    expect(series.reduce((a, b) => a + b.runs, 0)).toBe(8);
    for (const point of series) expect(point.bucketStart.getUTCMinutes()).toBe(0);

    expect(analyticsRangeQuerySchema.safeParse({ from: "2026-01-02", to: "2026-01-01" }).success).toBe(false);
    expect(analyticsRangeQuerySchema.safeParse({ from: "2020-01-01", to: "2026-01-01" }).success).toBe(false);
    expect(analyticsRangeQuerySchema.safeParse({ from: "yesterday" }).success).toBe(false);
    // Another user sees none of it.
    const stranger = await createTestUser();
    expect((await getAnalyticsDashboard({ ownerId: stranger.id, query: wide })).summary.runs).toBe(0);
  });
});
