/**
 * Child runs (a subworkflow node, the run_workflow tool) under one rule: each token is counted once, on the
 * row of the run that spent it — a parent's row holds its own usage, its children's rows theirs, and every
 * total (analytics, dashboard, template counters) sums the rows; a child's usage always counts against its
 * parent's token and cost budgets, live, whichever way it was started; and children count toward the
 * per-user limits: a per-minute start each, in their parent's concurrency slot (never refused for it).
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { executionRequestSchema } from "@/lib/contracts/execution-request";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { getRunAggregates, getModelAggregates } from "@/lib/db/queries/analytics";
import { getExecution } from "@/lib/db/queries/execution-list";
import { workflowTemplates } from "@/lib/db/schema";
import { execute, resumeExecution } from "@/lib/engine/execute";
import { CompositeTracker, InMemoryTracker } from "@/lib/engine/tracker";
import { resetEnvCache } from "@/lib/env";
import { getDashboard } from "@/lib/monitor/dashboard";
import { startRun } from "@/lib/services/executions";
import { analyticsRangeQuerySchema, getAnalyticsSummary } from "@/lib/tracking/analytics";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";
import { query } from "../tracking/helpers";
import { chain, echoGraph, edge, graph, node, saveDefinition } from "./helpers";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

afterEach(() => {
  delete process.env.LATTICE_RUNS_PER_MINUTE;
  delete process.env.LATTICE_MAX_CONCURRENT_RUNS;
  resetEnvCache();
});

/** start → (a model of its own) → subworkflow(childId) → end */
function parentGraph(childId: string, ownModel = true) {
  const nodes = [
    node("start", "start"),
    ...(ownModel ? [node("own", "model", { provider: "local", model: "echo" })] : []),
    node("sub", "subworkflow", { definitionId: childId, outputVariable: "child" }),
    node("end", "end"),
  ];
  return graph(nodes, chain(...nodes.map((n) => n.id)));
}

/** start → a slow model (well over 100 tokens, `latencyMs` between them) → end */
const slowGraph = (latencyMs = 2) =>
  graph(
    [
      node("start", "start"),
      node("count", "model", { provider: "local", model: "slow", latencyMs }),
      node("end", "end", { outputTemplate: "counted" }),
    ],
    chain("start", "count", "end"),
  );

/** Tokens the model nodes reported, across every execution the tracker saw: what was actually spent. */
function spentByModels(events: ExecutionEvent[]): number {
  let tokens = 0;
  for (const event of events) {
    if (event.type !== "node_completed" || event.data.type !== "model") continue;
    tokens += (event.data.usage?.inputTokens ?? 0) + (event.data.usage?.outputTokens ?? 0);
  }
  return tokens;
}

const childOf = (tracker: InMemoryTracker, parentId: string) =>
  tracker.calls.find((c) => c.method === "start" && c.record.parentExecutionId === parentId)!.executionId;

function endOf(tracker: InMemoryTracker, executionId: string): ExecutionResult {
  for (const call of tracker.callsFor(executionId)) if (call.method !== "start") return call.result;
  throw new Error(`execution ${executionId} did not end`);
}

describe("usage: each token once", () => {
  it("keeps a subworkflow's tokens on the child's row only, and every total counts them once", async () => {
    const owner = (await createTestUser()).id;
    const childId = await saveDefinition(owner, echoGraph());
    const probe = new InMemoryTracker();
    const tracker = new CompositeTracker([getWorkflowTracker(), probe]);
    const parent = await execute(
      { type: "CUSTOM", definition: parentGraph(childId), input: { message: "hello there" } },
      { userId: owner, tracker },
    );
    expect(parent.status).toBe("completed");
    const childId_ = childOf(probe, parent.executionId);
    const spent = spentByModels(probe.events);
    const parentOwn = spentByModels(probe.eventsFor(parent.executionId));
    const childOwn = spentByModels(probe.eventsFor(childId_));
    expect(parentOwn).toBeGreaterThan(0);
    expect(childOwn).toBeGreaterThan(0);
    expect(spent).toBe(parentOwn + childOwn);

    // The parent's result and row hold its own usage; the child's row holds the child's.
    expect(parent.usage.totalTokens).toBe(parentOwn);
    const parentRow = await getExecution({ id: parent.executionId, ownerId: owner });
    const childRow = await getExecution({ id: childId_, ownerId: owner });
    expect(parentRow?.tokensUsed).toBe(parentOwn);
    expect(childRow).toMatchObject({ tokensUsed: childOwn, parentExecutionId: parent.executionId });

    // Every total: the analytics query layer, the REST analytics, the dashboard, per model.
    const range = { ownerId: owner, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) };
    const { total } = await getRunAggregates({ ...range, groups: ["total"] });
    expect(total).toMatchObject({ runs: 2, tokens: spent });
    const summary = await getAnalyticsSummary({ ownerId: owner, query: analyticsRangeQuerySchema.parse({}) });
    expect(summary.summary.tokens).toBe(spent);
    expect(summary.models.reduce((sum, m) => sum + m.tokens, 0)).toBe(spent);
    const dashboard = await getDashboard({ ownerId: owner, key: "24h" });
    expect(dashboard.totals.tokens).toBe(spent);
    const models = await getModelAggregates(range);
    expect(models.reduce((sum, m) => sum + m.modelInputTokens + m.modelOutputTokens, 0)).toBe(spent);
  });

  it("counts a template run's own tokens in its template counters, its child's on the child's row", async () => {
    const owner = (await createTestUser()).id;
    const childId = await saveDefinition(owner, echoGraph());
    const { db } = await testDb();
    const [template] = await db
      .insert(workflowTemplates)
      .values({ ownerId: owner, name: "Parent", definition: parentGraph(childId) })
      .returning({ id: workflowTemplates.id });
    const probe = new InMemoryTracker();
    const run = await execute(
      { type: "TEMPLATE", templateId: template!.id, input: { message: "hi" } },
      { userId: owner, tracker: new CompositeTracker([getWorkflowTracker(), probe]) },
    );
    expect(run.status).toBe("completed");
    const own = spentByModels(probe.eventsFor(run.executionId));
    const [counters] = await query<{ tokens: number }>(
      sql`select total_tokens_used::int as tokens from template_analytics where template_id = ${template!.id} and owner_id = ${owner}`,
    );
    expect(Number(counters?.tokens)).toBe(own);
    expect(own).toBeLessThan(spentByModels(probe.events));
  });

  it("gives a chat answer the turn's tokens (its run's and its child's), so the conversation counts each once", async () => {
    const owner = (await createTestUser()).id;
    const childId = await saveDefinition(owner, echoGraph());
    const workflowId = await saveDefinition(owner, parentGraph(childId));
    const probe = new InMemoryTracker();
    const turn = await execute(
      { type: "CHAT", workflowId, message: "hello" },
      { userId: owner, tracker: new CompositeTracker([getWorkflowTracker(), probe]) },
    );
    expect(turn.status).toBe("completed");
    const spent = spentByModels(probe.events);
    expect(turn.usage.totalTokens).toBeLessThan(spent);
    const [answer] = await query<{ tokens: number }>(
      sql`select tokens from messages where id = ${turn.messageId!} and owner_id = ${owner}`,
    );
    expect(Number(answer?.tokens)).toBe(spent);
    const [conversation] = await query<{ total_tokens: number }>(
      sql`select total_tokens from conversations where id = ${turn.conversationId!}`,
    );
    expect(Number(conversation?.total_tokens)).toBe(spent);
  });
});

describe("budgets: a parent's covers its children", () => {
  it("stops the run while its subworkflow is still answering once the child's tokens push it over", async () => {
    const tracker = new InMemoryTracker();
    const childId = await saveDefinition(userId, slowGraph());
    const parent = await execute(
      {
        type: "CUSTOM",
        definition: parentGraph(childId, false),
        input: { message: "count" },
        options: { maxTokens: 40 },
      },
      { userId, tracker },
    );
    expect(parent.status).toBe("failed");
    expect(parent.error?.code).toBe("budget:tokens");
    expect(parent.error?.message).toMatch(/The run and its child runs used \d+ tokens, over its budget of 40/);
    // The child was stopped mid-answer (its whole answer is well over 100 tokens), as its parent's part.
    const child = endOf(tracker, childOf(tracker, parent.executionId));
    expect(child.status).toBe("cancelled");
    expect(child.error?.message).toContain("Its parent run stopped");
    expect(child.usage.totalTokens).toBeLessThan(80);
    // The parent's own usage is none of the child's.
    expect(parent.usage.totalTokens).toBe(0);
  });

  it("counts the run_workflow tool's child against the parent's budget too", async () => {
    const tracker = new InMemoryTracker();
    const childId = await saveDefinition(userId, slowGraph(1));
    const definition = graph(
      [
        node("start", "start"),
        node("agent", "tools", {
          provider: "local",
          model: "scripted",
          tools: ["run_workflow"],
          maxCalls: 1,
          script: [`run_workflow(${JSON.stringify({ definitionId: childId, message: "count" })})`, "done"],
        }),
        node("end", "end"),
      ],
      chain("start", "agent", "end"),
    );
    const unbudgeted = await execute({ type: "CUSTOM", definition, input: { message: "go" } }, { userId, tracker });
    expect(unbudgeted.status).toBe("completed");
    const childTokens = endOf(tracker, childOf(tracker, unbudgeted.executionId)).usage.totalTokens;
    expect(childTokens).toBeGreaterThan(100);

    // A budget well over the parent's own tokens (the scripted model's), not over its child's too.
    const maxTokens = unbudgeted.usage.totalTokens + 40;
    const budgeted = await execute(
      { type: "CUSTOM", definition, input: { message: "go" }, options: { maxTokens } },
      { userId, tracker },
    );
    expect(budgeted.status).toBe("failed");
    expect(budgeted.error?.code).toBe("budget:tokens");
    expect(endOf(tracker, childOf(tracker, budgeted.executionId)).status).toBe("cancelled");
  });

  it("still counts the children that ran before a pause once the run is resumed", async () => {
    const owner = (await createTestUser()).id;
    const tracker = getWorkflowTracker();
    const childId = await saveDefinition(owner, slowGraph(0));
    const alone = await execute(
      { type: "DEFINITION", definitionId: childId, input: { message: "count" } },
      { userId: owner, tracker },
    );
    const childTokens = alone.usage.totalTokens;
    const definition = graph(
      [
        node("start", "start"),
        node("sub", "subworkflow", { definitionId: childId, outputVariable: "child" }),
        node("review", "human", { mode: "approval", question: "Go on?", variable: "ok" }),
        node("own", "model", { provider: "local", model: "echo" }),
        node("end", "end"),
      ],
      [...chain("start", "sub", "review"), edge("review", "own", "approved"), ...chain("own", "end")],
    );
    const paused = await execute(
      { type: "CUSTOM", definition, input: { message: "count" }, options: { maxTokens: childTokens + 5 } },
      { userId: owner, tracker },
    );
    expect(paused.status).toBe("paused");
    const resumed = await resumeExecution({
      userId: owner,
      executionId: paused.executionId,
      answer: { approved: true },
      tracker,
    });
    // Its own model alone is within the budget; with the child from before the pause it is over.
    expect(resumed.usage.totalTokens).toBeLessThan(childTokens + 5);
    expect(resumed.status).toBe("failed");
    expect(resumed.error).toMatchObject({ code: "budget:tokens" });
    expect(resumed.error?.message).toContain("child runs");
  });
});

describe("run limits: children count", () => {
  it("takes a per-minute start for each child, which runs in its parent's concurrency slot", async () => {
    process.env.LATTICE_MAX_CONCURRENT_RUNS = "1";
    process.env.LATTICE_RUNS_PER_MINUTE = "2";
    resetEnvCache();
    const owner = (await createTestUser()).id;
    const childId = await saveDefinition(owner, echoGraph());
    // At its concurrency limit with the parent going, the child still runs: no parent waits forever.
    const outcome = await startRun({
      userId: owner,
      request: executionRequestSchema.parse({
        type: "CUSTOM",
        definition: parentGraph(childId),
        input: { message: "hi" },
      }),
      stream: false,
    });
    expect(outcome.kind === "result" && outcome.result.status).toBe("completed");
    // Both starts were taken from the allowance of 2 a minute (refilled at one per 30 s since).
    const [quota] = await query<{ tokens: number }>(
      sql`select tokens::float8 as tokens from run_quotas where owner_id = ${owner}`,
    );
    expect(Number(quota?.tokens)).toBeLessThan(0.5);
  });

  it("waits for the per-minute allowance rather than failing its parent", async () => {
    process.env.LATTICE_RUNS_PER_MINUTE = "60";
    resetEnvCache();
    const owner = (await createTestUser()).id;
    const childId = await saveDefinition(owner, echoGraph());
    const { db } = await testDb();
    // One start left: the parent takes it, and the child waits about a second for the next.
    await db.execute(sql`insert into run_quotas (owner_id, tokens, refilled_at) values (${owner}, 1, now())`);
    const outcome = await startRun({
      userId: owner,
      request: executionRequestSchema.parse({
        type: "CUSTOM",
        definition: parentGraph(childId, false),
        input: { message: "hi" },
      }),
      stream: false,
    });
    if (outcome.kind !== "result") throw new Error("expected a result");
    expect(outcome.result.status).toBe("completed");
    const parentRow = await getExecution({ id: outcome.result.executionId, ownerId: owner });
    const rows = await query<{ started_at: string | Date }>(
      sql`select started_at from workflow_executions where parent_execution_id = ${outcome.result.executionId}`,
    );
    expect(rows).toHaveLength(1);
    const waited = new Date(rows[0]!.started_at).getTime() - parentRow!.startedAt!.getTime();
    expect(waited).toBeGreaterThanOrEqual(700);
  });
});
