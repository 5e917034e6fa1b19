/**
 * The dashboard's figures equal those computed directly from the execution rows: over a seeded mix of
 * successes, failures, cancels, interruptions and runs still going, on several models (priced and free),
 * workflows (two versions), a template and ad-hoc graphs — plus real runs through the engine and the
 * database tracker, and rows outside the range and of another user that must not count.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { workflowDefinitions, workflowExecutions, workflowTemplates, type WorkflowExecution } from "@/lib/db/schema";
import { execute } from "@/lib/engine/execute";
import { getPricing, parseUsageKey } from "@/lib/models/pricing";
import { getDashboard } from "@/lib/monitor/dashboard";
import type { Dashboard, RunAggregate } from "@/lib/contracts/dashboard";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";
import { chain, echoGraph, graph, node, saveDefinition } from "../engine/helpers";

const HOUR = 3_600_000;
const NOW = new Date();

interface Seed {
  status: string;
  type?: string;
  hoursAgo: number;
  ms?: number | null;
  usage?: Record<string, { inputTokens: number; outputTokens: number; cost?: number }>;
  error?: string;
  workflow?: { id: string; version: number };
  templateId?: string;
  temporaryDefinitionId?: string;
  trigger?: string;
}

/** The dashboard's own definitions, recomputed from rows in plain TypeScript. */
const FINISHED = new Set(["completed", "failed", "cancelled", "interrupted"]);
const FAILURE = new Set(["failed", "interrupted"]);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function aggregate(rows: WorkflowExecution[]): RunAggregate {
  const completed = rows.filter((r) => r.status === "completed").length;
  const failed = rows.filter((r) => FAILURE.has(r.status)).length;
  const cancelled = rows.filter((r) => r.status === "cancelled").length;
  const durations = rows
    .filter((r) => FINISHED.has(r.status) && r.executionTimeMs !== null)
    .map((r) => r.executionTimeMs!)
    .sort((a, b) => a - b);
  // Cancelled runs were stopped on purpose: neither a success nor a failure (issue 14, item 7).
  const decided = completed + failed;
  return {
    runs: rows.length,
    completed,
    failed,
    cancelled,
    active: rows.filter((r) => ["pending", "running", "paused"].includes(r.status)).length,
    successRate: decided ? completed / decided : null,
    p50DurationMs: percentile(durations, 0.5),
    p95DurationMs: percentile(durations, 0.95),
    avgDurationMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null,
    inputTokens: rows.reduce((sum, r) => sum + r.inputTokens, 0),
    outputTokens: rows.reduce((sum, r) => sum + r.outputTokens, 0),
    tokens: rows.reduce((sum, r) => sum + r.tokensUsed, 0),
    cost: rows.reduce((sum, r) => sum + Number(r.cost), 0),
  };
}

function expectAggregate(actual: RunAggregate, expected: RunAggregate, where: string) {
  const { p50DurationMs, p95DurationMs, avgDurationMs, cost, successRate, ...counts } = expected;
  expect({ where, ...pickCounts(actual) }).toEqual({ where, ...counts });
  for (const [name, want, got] of [
    ["p50", p50DurationMs, actual.p50DurationMs],
    ["p95", p95DurationMs, actual.p95DurationMs],
    ["avg", avgDurationMs, actual.avgDurationMs],
    ["successRate", successRate, actual.successRate],
  ] as const) {
    if (want === null) expect(got, `${where} ${name}`).toBeNull();
    else expect(got, `${where} ${name}`).toBeCloseTo(want, 6);
  }
  expect(actual.cost, `${where} cost`).toBeCloseTo(cost, 6);
}

/** A model's cost in one run: as stored with the usage, else at list price. */
function modelCost(key: string, usage: { inputTokens: number; outputTokens: number; cost?: number }): number {
  if (usage.cost !== undefined) return usage.cost;
  const { provider, model } = parseUsageKey(key);
  const price = getPricing(provider, model);
  return usage.inputTokens * price.inputPerToken + usage.outputTokens * price.outputPerToken;
}

function pickCounts(a: RunAggregate) {
  return {
    runs: a.runs,
    completed: a.completed,
    failed: a.failed,
    cancelled: a.cancelled,
    active: a.active,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    tokens: a.tokens,
  };
}

describe("monitor dashboard", () => {
  let ownerId: string;
  let dashboard: Dashboard;
  let rows: WorkflowExecution[];
  let savedWorkflows: Map<string, string>;
  let templateId: string;

  beforeAll(async () => {
    const { db } = await testDb();
    const owner = await createTestUser();
    const stranger = await createTestUser();
    ownerId = owner.id;

    const workflowA = await saveDefinition(ownerId, echoGraph(), "Support bot");
    const workflowB = await saveDefinition(ownerId, echoGraph(), "Summariser");
    const [template] = await db
      .insert(workflowTemplates)
      .values({ ownerId, name: "Triage template", definition: echoGraph() })
      .returning({ id: workflowTemplates.id });
    templateId = template!.id;
    const [temporary] = await db
      .insert(workflowDefinitions)
      .values({ ownerId, name: "Triage template", isTemporary: true, templateId, isValid: true })
      .returning({ id: workflowDefinitions.id });
    savedWorkflows = new Map([
      [workflowA, "Support bot"],
      [workflowB, "Summariser"],
    ]);

    const gpt = (i: number, o: number) => ({ "openai:gpt-4o-mini": { inputTokens: i, outputTokens: o } });
    // As the tracker stores usage: with the cost at the run's time (here an older, higher price).
    const gptPriced = (i: number, o: number) => ({
      "openai:gpt-4o-mini": { inputTokens: i, outputTokens: o, cost: (i + o) * 0.000002 },
    });
    const claude = (i: number, o: number) => ({ "anthropic:claude-sonnet-4": { inputTokens: i, outputTokens: o } });
    const local = (i: number, o: number) => ({ "local:echo": { inputTokens: i, outputTokens: o } });
    const seeds: Seed[] = [
      {
        status: "completed",
        hoursAgo: 1,
        ms: 120,
        usage: gpt(100, 40),
        workflow: { id: workflowA, version: 1 },
        trigger: "schedule",
      },
      {
        status: "completed",
        hoursAgo: 2,
        ms: 340,
        usage: gptPriced(220, 90),
        workflow: { id: workflowA, version: 2 },
        trigger: "webhook",
      },
      {
        status: "failed",
        hoursAgo: 2,
        ms: 80,
        usage: gpt(50, 0),
        error: "Node “model” failed: rate limited",
        workflow: { id: workflowA, version: 2 },
        trigger: "webhook",
      },
      {
        status: "failed",
        hoursAgo: 3,
        ms: 95,
        usage: gpt(60, 0),
        error: "Node “model” failed: rate limited",
        workflow: { id: workflowA, version: 2 },
      },
      {
        status: "interrupted",
        hoursAgo: 5,
        ms: 30_000,
        error: "The process running this run stopped.",
        workflow: { id: workflowA, version: 1 },
      },
      {
        status: "completed",
        hoursAgo: 4,
        ms: 1_500,
        usage: { ...claude(800, 300), ...local(20, 10) },
        workflow: { id: workflowB, version: 1 },
      },
      {
        status: "cancelled",
        hoursAgo: 6,
        ms: 700,
        usage: claude(90, 12),
        workflow: { id: workflowB, version: 1 },
        trigger: "mcp",
      },
      { status: "running", hoursAgo: 0.1, ms: null, workflow: { id: workflowB, version: 1 } },
      { status: "paused", hoursAgo: 7, ms: 410, usage: local(10, 3), workflow: { id: workflowB, version: 1 } },
      {
        status: "completed",
        type: "TEMPLATE",
        hoursAgo: 8,
        ms: 60,
        usage: local(30, 30),
        templateId,
        temporaryDefinitionId: temporary!.id,
      },
      {
        status: "failed",
        type: "TEMPLATE",
        hoursAgo: 9,
        ms: 45,
        usage: local(30, 0),
        error: "Retrieval failed",
        templateId,
        temporaryDefinitionId: temporary!.id,
      },
      {
        status: "failed",
        type: "TEMPLATE",
        hoursAgo: 10,
        ms: 47,
        error: "Retrieval failed",
        templateId,
        temporaryDefinitionId: temporary!.id,
      },
      {
        status: "failed",
        type: "TEMPLATE",
        hoursAgo: 11,
        ms: 52,
        error: "Knowledge base missing",
        templateId,
        temporaryDefinitionId: temporary!.id,
      },
      { status: "completed", type: "CUSTOM", hoursAgo: 12, ms: 5, usage: gpt(1_000, 2_000) },
      { status: "completed", type: "CHAT", hoursAgo: 20, ms: 900, usage: claude(10, 10) },
      { status: "failed", type: "CUSTOM", hoursAgo: 23, ms: 9_999, error: "budget:tokens" },
    ];
    const toRow = (seed: Seed, owner: string, createdAt: Date) => {
      const usage = seed.usage ?? {};
      const inputTokens = Object.values(usage).reduce((s, u) => s + u.inputTokens, 0);
      const outputTokens = Object.values(usage).reduce((s, u) => s + u.outputTokens, 0);
      const cost = Object.entries(usage).reduce((sum, [key, u]) => sum + modelCost(key, u), 0);
      return {
        id: ulid(createdAt.getTime()),
        ownerId: owner,
        workflowType: seed.type ?? "DEFINITION",
        triggerType: seed.trigger ?? "manual",
        status: seed.status,
        definitionId: seed.workflow?.id ?? seed.temporaryDefinitionId ?? null,
        definitionVersion: seed.workflow?.version ?? (seed.temporaryDefinitionId ? 1 : null),
        templateId: seed.templateId ?? null,
        startedAt: createdAt,
        createdAt,
        completedAt: FINISHED.has(seed.status) ? new Date(createdAt.getTime() + (seed.ms ?? 0)) : null,
        executionTimeMs: seed.ms ?? null,
        errorMessage: seed.error ?? null,
        usageByModel: usage,
        inputTokens,
        outputTokens,
        tokensUsed: inputTokens + outputTokens,
        cost: cost.toFixed(6),
      };
    };
    await db
      .insert(workflowExecutions)
      .values(seeds.map((s) => toRow(s, ownerId, new Date(NOW.getTime() - s.hoursAgo * HOUR))));
    // Outside the 24-hour range, and another user's runs: neither may count.
    await db
      .insert(workflowExecutions)
      .values([
        toRow(
          { status: "failed", hoursAgo: 30, ms: 10, error: "old", usage: gpt(5, 5) },
          ownerId,
          new Date(NOW.getTime() - 30 * HOUR),
        ),
        toRow(
          { status: "completed", hoursAgo: 1, ms: 10, usage: gpt(5, 5) },
          stranger.id,
          new Date(NOW.getTime() - HOUR),
        ),
      ]);

    // Real runs through the engine and the database tracker: one success on a saved workflow, one failure.
    const tracker = getWorkflowTracker();
    await execute(
      { type: "DEFINITION", definitionId: workflowA, input: { message: "hello" } },
      { userId: ownerId, tracker },
    );
    const failing = graph(
      [
        node("start", "start"),
        node("boom", "transform", { expression: '$error("upstream said no")' }),
        node("end", "end"),
      ],
      chain("start", "boom", "end"),
    );
    const failed = await execute(
      { type: "CUSTOM", definition: failing, input: { message: "x" } },
      { userId: ownerId, tracker },
    );
    expect(failed.status).toBe("failed");

    dashboard = await getDashboard({ ownerId, key: "24h", now: new Date() });
    const [from, to] = [new Date(dashboard.range.from).getTime(), new Date(dashboard.range.to).getTime()];
    expect(to - from).toBe(24 * HOUR);
    const all = await db.select().from(workflowExecutions);
    rows = all.filter((r) => r.ownerId === ownerId && r.createdAt.getTime() >= from && r.createdAt.getTime() < to);
  });

  it("counts every run of the owner in the range, and only those", () => {
    expect(rows.length).toBe(18);
    expect(dashboard.totals.runs).toBe(18);
    expectAggregate(dashboard.totals, aggregate(rows), "totals");
    // The mix is really mixed: something of every kind is counted.
    expect(dashboard.totals.completed).toBeGreaterThan(0);
    expect(dashboard.totals.failed).toBeGreaterThan(0);
    expect(dashboard.totals.cancelled).toBe(1);
    expect(dashboard.totals.active).toBe(2);
    expect(dashboard.totals.cost).toBeGreaterThan(0);
  });

  it("leaves cancelled runs out of every success rate: a workflow whose runs completed or were cancelled is at 100%", () => {
    const summariser = dashboard.byWorkflow.find((w) => w.name === "Summariser")!;
    // Summariser: one completed run and one cancelled (besides one running and one paused).
    expect(summariser).toMatchObject({ completed: 1, failed: 0, cancelled: 1 });
    expect(summariser.successRate).toBe(1);
    const hours = dashboard.series.filter((bucket) => bucket.cancelled > 0 && bucket.failed === 0);
    expect(hours.length).toBeGreaterThan(0);
    for (const bucket of hours) expect(bucket.successRate).toBe(bucket.completed > 0 ? 1 : null);
  });

  it("splits the range into buckets whose figures add up to the rows created in each", () => {
    expect(dashboard.series).toHaveLength(24);
    const from = new Date(dashboard.range.from).getTime();
    dashboard.series.forEach((bucket, i) => {
      const start = from + i * dashboard.range.bucketMs;
      expect(new Date(bucket.start).getTime()).toBe(start);
      const inBucket = rows.filter(
        (r) => r.createdAt.getTime() >= start && r.createdAt.getTime() < start + dashboard.range.bucketMs,
      );
      expectAggregate(bucket, aggregate(inBucket), `bucket ${i}`);
    });
    expect(dashboard.series.reduce((sum, b) => sum + b.runs, 0)).toBe(rows.length);
  });

  it("breaks down by saved workflow and version (a template's temporary copy is not a workflow)", () => {
    const expectedIds = [
      ...new Set(rows.map((r) => r.definitionId).filter((id): id is string => !!id && savedWorkflows.has(id))),
    ];
    expect(dashboard.byWorkflow.map((w) => w.definitionId).sort()).toEqual(expectedIds.sort());
    for (const workflow of dashboard.byWorkflow) {
      const mine = rows.filter((r) => r.definitionId === workflow.definitionId);
      expect(workflow.name).toBe(savedWorkflows.get(workflow.definitionId));
      expectAggregate(workflow, aggregate(mine), workflow.name);
      const versions = [...new Set(mine.map((r) => r.definitionVersion))];
      expect(workflow.versions.map((v) => v.version).sort()).toEqual(versions.sort());
      for (const version of workflow.versions) {
        expectAggregate(
          version,
          aggregate(mine.filter((r) => r.definitionVersion === version.version)),
          `${workflow.name} v${version.version}`,
        );
      }
    }
  });

  it("breaks down by template and by run type", () => {
    expect(dashboard.byTemplate).toHaveLength(1);
    expect(dashboard.byTemplate[0]!.name).toBe("Triage template");
    expectAggregate(dashboard.byTemplate[0]!, aggregate(rows.filter((r) => r.templateId === templateId)), "template");
    const types = [...new Set(rows.map((r) => r.workflowType))];
    expect(dashboard.byType.map((t) => t.workflowType).sort()).toEqual(types.sort());
    for (const type of dashboard.byType) {
      expectAggregate(type, aggregate(rows.filter((r) => r.workflowType === type.workflowType)), type.workflowType);
    }
  });

  it("breaks down by trigger: runs, failures, tokens and cost of each, most runs first", () => {
    const triggers = [...new Set(rows.map((r) => r.triggerType))];
    expect(triggers).toEqual(expect.arrayContaining(["manual", "schedule", "webhook", "mcp"]));
    expect(dashboard.byTrigger.map((t) => t.trigger).sort()).toEqual(triggers.sort());
    const runs = dashboard.byTrigger.map((t) => t.runs);
    expect(runs).toEqual([...runs].sort((a, b) => b - a));
    for (const trigger of dashboard.byTrigger) {
      expectAggregate(trigger, aggregate(rows.filter((r) => r.triggerType === trigger.trigger)), trigger.trigger);
    }
    expect(dashboard.byTrigger.find((t) => t.trigger === "webhook")).toMatchObject({ runs: 2, failed: 1 });
  });

  it("breaks down by model: the runs that used each model, its own tokens, and its cost (stored, else list price)", () => {
    const usageOf = (r: WorkflowExecution) =>
      (r.usageByModel ?? {}) as Record<string, { inputTokens: number; outputTokens: number; cost?: number }>;
    const models = [...new Set(rows.flatMap((r) => Object.keys(usageOf(r))))];
    expect(dashboard.byModel.map((m) => m.model).sort()).toEqual(models.sort());
    expect(models).toEqual(expect.arrayContaining(["openai:gpt-4o-mini", "anthropic:claude-sonnet-4", "local:echo"]));
    for (const model of dashboard.byModel) {
      const using = rows.filter((r) => model.model in usageOf(r));
      expectAggregate(model, aggregate(using), model.model);
      const input = using.reduce((s, r) => s + usageOf(r)[model.model]!.inputTokens, 0);
      const output = using.reduce((s, r) => s + usageOf(r)[model.model]!.outputTokens, 0);
      expect([model.modelInputTokens, model.modelOutputTokens]).toEqual([input, output]);
      // Rounded to the money column's 6 decimals.
      expect(model.modelCost).toBeCloseTo(
        using.reduce((sum, r) => sum + modelCost(model.model, usageOf(r)[model.model]!), 0),
        5,
      );
    }
    // Costs per model add up to the runs' own cost (every seeded cost is a model's list price).
    const perModel = dashboard.byModel.reduce((sum, m) => sum + (m.modelCost ?? 0), 0);
    expect(perModel).toBeCloseTo(dashboard.totals.cost, 5);
  });

  it("names the workflows that fail most, with their most common error", () => {
    const groups = new Map<string, WorkflowExecution[]>();
    for (const r of rows) {
      const key =
        r.definitionId && savedWorkflows.has(r.definitionId) ? r.definitionId : (r.templateId ?? r.workflowType);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const expected = [...groups.entries()]
      .map(([key, group]) => {
        const failures = group.filter((r) => FAILURE.has(r.status));
        // Most common; a tie goes to the error that happened last.
        const counts = new Map<string, { n: number; last: number }>();
        for (const f of failures) {
          const at = (f.completedAt ?? f.createdAt).getTime();
          const seen = counts.get(f.errorMessage ?? "") ?? { n: 0, last: 0 };
          counts.set(f.errorMessage ?? "", { n: seen.n + 1, last: Math.max(seen.last, at) });
        }
        const [commonError, { n: commonErrorCount }] = [...counts.entries()].sort(
          (a, b) => b[1].n - a[1].n || b[1].last - a[1].last,
        )[0] ?? ["", { n: 0 }];
        return { key, runs: group.length, failures: failures.length, commonError, commonErrorCount };
      })
      .filter((g) => g.failures > 0)
      .sort((a, b) => b.failures - a.failures || b.runs - a.runs);
    expect(dashboard.topFailing.map((f) => ({ key: f.key, runs: f.runs, failures: f.failures }))).toEqual(
      expected.slice(0, 5).map(({ key, runs, failures }) => ({ key, runs, failures })),
    );
    for (const failing of dashboard.topFailing) {
      const want = expected.find((e) => e.key === failing.key)!;
      expect(failing.commonError).toBe(want.commonError);
      expect(failing.commonErrorCount).toBe(want.commonErrorCount);
    }
    // A tie between two errors, one long ago and one just now: the recent one is named.
    const custom = dashboard.topFailing.find((f) => f.key === "CUSTOM")!;
    expect(custom).toMatchObject({
      failures: 2,
      commonError: 'transform node "boom" failed: upstream said no',
      commonErrorCount: 1,
    });
    const template = dashboard.topFailing.find((f) => f.subject === "template")!;
    expect(template).toMatchObject({
      name: "Triage template",
      failures: 3,
      commonError: "Retrieval failed",
      commonErrorCount: 2,
    });
  });
});
