/**
 * Every run records what started it (trigger_type, trigger_id): the caller's way in for the public routes
 * (an API key's `api`, the app's `manual` or `chat`), `rerun` for a re-run — and a client cannot claim a
 * server-only trigger (schedule, webhook, mcp). The list filters by it and the analytics group by it.
 */
import { describe, expect, it } from "vitest";
import { GET as listExecutions, POST as runExecution } from "@/app/api/executions/route";
import { POST as rerunExecution } from "@/app/api/executions/[id]/rerun/route";
import { GET as analyticsSummary } from "@/app/api/analytics/summary/route";
import { executionListResponseSchema } from "@/lib/contracts/executions";
import { call, echoDefinition, newActor } from "../api/rest-fixtures";

function graph() {
  const { name: _n, description: _d, ...rest } = echoDefinition("Tagged");
  return rest;
}

const body = () => ({ type: "CUSTOM", definition: graph(), input: { message: "hi" } });

async function listed(actor: Awaited<ReturnType<typeof newActor>>, query = "") {
  const response = await call(listExecutions, `/api/executions${query}`, { auth: actor });
  expect(response.status, response.text).toBe(200);
  return executionListResponseSchema.parse(response.json).executions;
}

describe("a run's trigger", () => {
  it("is api for an API key, manual in the app, rerun for a re-run; the list filters by it and analytics group by it", async () => {
    const actor = await newActor();
    const byKey = await call(runExecution, "/api/executions", { method: "POST", body: body(), auth: actor });
    expect(byKey.status, byKey.text).toBe(200);
    const inApp = await call(runExecution, "/api/executions", {
      method: "POST",
      body: body(),
      auth: { cookie: actor.cookie },
    });
    expect(inApp.status, inApp.text).toBe(200);
    const rerun = await call(rerunExecution, `/api/executions/${byKey.json.executionId}/rerun`, {
      method: "POST",
      auth: actor,
      params: { id: byKey.json.executionId },
    });
    expect(rerun.status, rerun.text).toBe(200);

    const runs = await listed(actor);
    const tagOf = (id: string) => runs.find((run) => run.id === id);
    expect(tagOf(byKey.json.executionId)).toMatchObject({ trigger: "api", triggerId: null });
    expect(tagOf(inApp.json.executionId)).toMatchObject({ trigger: "manual", triggerId: null });
    expect(tagOf(rerun.json.executionId)).toMatchObject({ trigger: "rerun", triggerId: byKey.json.executionId });

    expect((await listed(actor, "?trigger=api")).map((run) => run.id)).toEqual([byKey.json.executionId]);
    const bad = await call(listExecutions, "/api/executions?trigger=nope", { auth: actor });
    expect(bad.status).toBe(422);

    const summary = await call(analyticsSummary, "/api/analytics/summary", { auth: actor });
    expect(summary.status, summary.text).toBe(200);
    const triggers = Object.fromEntries(
      (summary.json.triggers as Array<{ trigger: string; runs: number }>).map((t) => [t.trigger, t.runs]),
    );
    expect(triggers).toEqual({ api: 1, manual: 1, rerun: 1 });
    const onlyApi = await call(analyticsSummary, "/api/analytics/summary?trigger=api", { auth: actor });
    expect(onlyApi.json.summary.runs).toBe(1);
  });

  it("cannot be claimed by a client: a body naming a trigger is refused and nothing runs", async () => {
    const actor = await newActor();
    for (const trigger of [
      { type: "schedule", id: "01JX0000000000000000000000" },
      { type: "webhook" },
      { type: "api" },
    ]) {
      const response = await call(runExecution, "/api/executions", {
        method: "POST",
        body: { ...body(), trigger },
        auth: actor,
      });
      expect(response.status, response.text).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.text).toContain("trigger");
    }
    expect(await listed(actor)).toEqual([]);
  });
});
