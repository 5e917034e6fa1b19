import { describe, expect, it } from "vitest";
import { GET as summary } from "@/app/api/analytics/summary/route";
import { GET as templatesAnalytics } from "@/app/api/analytics/templates/route";
import { GET as workflowsAnalytics } from "@/app/api/analytics/workflows/route";
import { POST as cancelExecution } from "@/app/api/executions/[id]/cancel/route";
import { POST as runExecution } from "@/app/api/executions/route";
import { GET as listTemplates } from "@/app/api/templates/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { PUT as saveWorkflow } from "@/app/api/workflows/[id]/route";
import {
  analyticsSummaryResponseSchema,
  templateAnalyticsResponseSchema,
  workflowAnalyticsResponseSchema,
} from "@/lib/contracts/analytics";
import { approvalDefinition, call, echoDefinition, newActor, type Actor } from "./rest-fixtures";

async function run(actor: Actor, body: unknown): Promise<string> {
  const response = await call(runExecution, "/api/executions", { method: "POST", body, auth: actor });
  expect(response.status, response.text).toBe(200);
  return response.json.executionId;
}

function graph<T extends { name: string; description: string }>({ name: _n, description: _d, ...rest }: T) {
  return rest;
}

describe("analytics", () => {
  it("sums up the caller's runs: totals, series, models, per template and per workflow version", async () => {
    const actor = await newActor();
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition("Counted"),
      auth: actor,
    });
    const workflowId = json.workflow.id as string;
    await run(actor, { type: "DEFINITION", definitionId: workflowId, input: { message: "one" } });
    await run(actor, { type: "DEFINITION", definitionId: workflowId, input: { message: "two" } });
    await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: echoDefinition("Counted v2"),
      auth: actor,
      params: { id: workflowId },
    });
    await run(actor, { type: "DEFINITION", definitionId: workflowId, input: { message: "three" } });
    const universal = (await call(listTemplates, "/api/templates", { auth: actor })).json.templates.find(
      (t: { slug: string }) => t.slug === "universal-chat",
    );
    await run(actor, { type: "TEMPLATE", templateId: universal.id, input: { message: "four" } });
    const paused = await run(actor, { type: "CUSTOM", definition: graph(approvalDefinition()), input: {} });
    expect(
      (await call(cancelExecution, "/api/executions/x/cancel", { method: "POST", auth: actor, params: { id: paused } }))
        .status,
    ).toBe(200);

    const all = analyticsSummaryResponseSchema.parse(
      (await call(summary, "/api/analytics/summary", { auth: actor })).json,
    );
    // The cancelled run is neither a success nor a failure: nothing failed (issue 14, item 7).
    expect(all.summary).toMatchObject({ runs: 5, completed: 4, cancelled: 1, failed: 0, successRate: 1 });
    expect(all.summary.tokens).toBeGreaterThan(0);
    expect(all.range.bucket).toBe("day");
    expect(all.series.reduce((n, bucket) => n + bucket.runs, 0)).toBe(5);
    expect(all.models.map((m) => m.model)).toContain("local:echo");

    const hourly = analyticsSummaryResponseSchema.parse(
      (await call(summary, "/api/analytics/summary?bucket=hour", { auth: actor })).json,
    );
    expect(hourly.range.bucket).toBe("hour");

    const byTemplate = templateAnalyticsResponseSchema.parse(
      (await call(templatesAnalytics, "/api/analytics/templates", { auth: actor })).json,
    );
    expect(byTemplate.templates).toEqual([
      expect.objectContaining({
        templateId: universal.id,
        name: "Universal chat",
        isBuiltin: true,
        runs: 1,
        completed: 1,
      }),
    ]);

    const byWorkflow = workflowAnalyticsResponseSchema.parse(
      (await call(workflowsAnalytics, "/api/analytics/workflows", { auth: actor })).json,
    );
    const mine = byWorkflow.workflows.filter((w) => w.workflowId === workflowId);
    expect(mine.map((w) => [w.version, w.runs])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const filtered = await call(workflowsAnalytics, `/api/analytics/workflows?workflowId=${workflowId}`, {
      auth: actor,
    });
    expect(filtered.json.workflows.every((w: { workflowId: string }) => w.workflowId === workflowId)).toBe(true);

    // Another user's figures do not include these runs; an empty range counts nothing.
    const other = await newActor();
    expect((await call(summary, "/api/analytics/summary", { auth: other })).json.summary.runs).toBe(0);
    const past = await call(summary, "/api/analytics/summary?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z", {
      auth: actor,
    });
    expect(past.json.summary.runs).toBe(0);
  });

  it("answers 422 naming the parameter for a bad range", async () => {
    const actor = await newActor();
    for (const [route, query, path] of [
      [summary, "from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from"],
      [summary, "from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from"],
      [summary, "bucket=week", "bucket"],
      [templatesAnalytics, "to=tomorrow", "to"],
      [workflowsAnalytics, "workflowId=abc", "workflowId"],
      [templatesAnalytics, "workflowId=01ARZ3NDEKTSV4RRFFQ69G5FAV", "(query)"],
    ] as const) {
      const response = await call(route, `/api/analytics/x?${query}`, { auth: actor });
      expect(response.status, query).toBe(422);
      expect(
        response.json.error.issues.map((i: { path: string }) => i.path),
        query,
      ).toContain(path);
    }
  });
});
