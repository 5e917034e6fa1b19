/**
 * What the monitor's actions rely on: re-running a run from one of its steps with edited variables (time
 * travel) as a new, linked execution; starting, re-running and answering runs detached (`Prefer:
 * respond-async`, 202 with the id, the run goes on on the server); and the list's model filter.
 */
import { describe, expect, it } from "vitest";
import { POST as startExecution, GET as listExecutions } from "@/app/api/executions/route";
import { POST as rerunExecution } from "@/app/api/executions/[id]/rerun/route";
import { POST as resumeExecution } from "@/app/api/executions/[id]/resume/route";
import { detachedRunResponseSchema, executionListResponseSchema } from "@/lib/contracts/executions";
import { getExecution } from "@/lib/db/queries/execution-list";
import { execute, rerunFromStep } from "@/lib/engine/execute";
import { listRunSteps } from "@/lib/engine/time-travel";
import { listExecutionSteps } from "@/lib/services/executions";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { approvalDefinition, call, newActor } from "../api/rest-fixtures";
import { createTestUser } from "../helpers/db";
import { chain, graph, node } from "../engine/helpers";

/** start → set topic → write "About <topic>" → echo model → end */
function topicGraph() {
  return graph(
    [
      node("start", "start"),
      node("set", "variable", { assignments: [{ name: "topic", value: "cats" }] }),
      node("about", "transform", {
        expression: "'About ' & variables.topic",
        target: "variable",
        variable: "headline",
      }),
      node("model", "model", { provider: "local", model: "echo" }),
      node("end", "end"),
    ],
    chain("start", "set", "about", "model", "end"),
  );
}

async function waitForStatus(executionId: string, ownerId: string, wanted: string[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getExecution({ id: executionId, ownerId });
    if (row && wanted.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`run ${executionId} is ${row?.status}, not ${wanted.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("time travel", () => {
  it("lists a durable run's steps, each naming the node it runs next and the variables it holds", async () => {
    const user = await createTestUser();
    const run = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: { message: "tell me" }, options: { durability: "sync" } },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    expect(run.status).toBe("completed");
    const steps = await listRunSteps({ executionId: run.executionId, userId: user.id });
    expect(steps.map((s) => s.next)).toEqual([["start"], ["set"], ["about"], ["model"], ["end"]]);
    expect(steps.find((s) => s.next[0] === "about")!.variables).toEqual({ topic: "cats" });
    expect(steps.find((s) => s.next[0] === "end")!.variables).toEqual({ topic: "cats", headline: "About cats" });
    expect(steps.find((s) => s.next[0] === "end")!.lastMessage?.role).toBe("ai");

    // Another user learns nothing about it.
    const stranger = await createTestUser();
    await expect(listRunSteps({ executionId: run.executionId, userId: stranger.id })).rejects.toMatchObject({
      code: "not_found:execution",
    });
    await expect(listExecutionSteps({ executionId: run.executionId, userId: stranger.id })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("re-runs from a middle step with an edited variable: a new execution, linked, that runs only the rest", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const original = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: { message: "tell me" }, options: { durability: "sync" } },
      { userId: user.id, tracker },
    );
    expect(original.output.variables).toMatchObject({ headline: "About cats" });
    const steps = await listRunSteps({ executionId: original.executionId, userId: user.id });
    const beforeAbout = steps.find((s) => s.next.includes("about"))!;

    const again = await rerunFromStep({
      userId: user.id,
      tracker,
      executionId: original.executionId,
      checkpointId: beforeAbout.checkpointId,
      variables: { ...beforeAbout.variables, topic: "dogs" },
    });
    expect(again.status).toBe("completed");
    expect(again.executionId).not.toBe(original.executionId);
    expect(again.output.variables).toMatchObject({ topic: "dogs", headline: "About dogs" });
    // Only the nodes after the step ran in the new execution.
    expect(again.history.map((h) => h.nodeId)).toEqual(["about", "model", "end"]);

    const row = await getExecution({ id: again.executionId, ownerId: user.id });
    expect(row).toMatchObject({ status: "completed", parentExecutionId: original.executionId, workflowType: "CUSTOM" });
    // The original is untouched, and the new run has steps of its own (it keeps the original's durability).
    const originalRow = await getExecution({ id: original.executionId, ownerId: user.id });
    expect(originalRow?.outputData).toMatchObject({ variables: { topic: "cats", headline: "About cats" } });
    const newSteps = await listRunSteps({ executionId: again.executionId, userId: user.id });
    expect(newSteps.map((s) => s.next)).toEqual([["about"], ["model"], ["end"]]);
  });

  it("has no steps for a run that kept only its final checkpoint, and refuses foreign or unknown steps", async () => {
    const user = await createTestUser();
    const run = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: {} },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    expect(await listRunSteps({ executionId: run.executionId, userId: user.id })).toEqual([]);

    const durable = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: {}, options: { durability: "sync" } },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    const [first] = await listRunSteps({ executionId: durable.executionId, userId: user.id });
    const stranger = await createTestUser();
    await expect(
      rerunFromStep({ userId: stranger.id, executionId: durable.executionId, checkpointId: first!.checkpointId }),
    ).rejects.toMatchObject({ code: "not_found:checkpoint" });
    await expect(
      rerunFromStep({ userId: user.id, executionId: durable.executionId, checkpointId: "nope" }),
    ).rejects.toMatchObject({
      code: "not_found:checkpoint",
    });
  });
});

describe("the monitor's API calls", () => {
  it("POST /rerun with fromStep starts the new run detached (202) and it finishes on the server", async () => {
    const actor = await newActor();
    const started = await call(startExecution, "/api/executions", {
      method: "POST",
      auth: actor,
      headers: { prefer: "respond-async" },
      body: { type: "CUSTOM", definition: topicGraph(), input: { message: "hi" }, options: { durability: "sync" } },
    });
    expect(started.status, started.text).toBe(202);
    const { executionId } = detachedRunResponseSchema.parse(started.json);
    expect(started.headers.get("location")).toBe(`/api/executions/${executionId}`);
    await waitForStatus(executionId, actor.id, ["completed"]);

    const steps = await listExecutionSteps({ userId: actor.id, executionId });
    const step = steps.find((s) => s.next.includes("about"))!;
    const rerun = await call(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: executionId },
      headers: { prefer: "respond-async" },
      body: { fromStep: { checkpointId: step.checkpointId, variables: { topic: "owls" } } },
    });
    expect(rerun.status, rerun.text).toBe(202);
    const child = detachedRunResponseSchema.parse(rerun.json);
    const row = await waitForStatus(child.executionId, actor.id, ["completed", "failed"]);
    expect(row).toMatchObject({ status: "completed", parentExecutionId: executionId });
    expect(row.outputData).toMatchObject({ variables: { topic: "owls", headline: "About owls" } });

    const bad = await call(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: executionId },
      body: { fromStep: { variables: {} } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("fromStep.checkpointId");
  });

  it("re-runs a run that kept no steps with step checkpoints, so the new run can be travelled in", async () => {
    const actor = await newActor();
    const plain = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: {} },
      { userId: actor.id, tracker: getWorkflowTracker() },
    );
    expect(await listExecutionSteps({ userId: actor.id, executionId: plain.executionId })).toEqual([]);
    const rerun = await call(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: plain.executionId },
      body: { durability: "sync" },
    });
    expect(rerun.status, rerun.text).toBe(200);
    const steps = await listExecutionSteps({ userId: actor.id, executionId: rerun.json.executionId });
    expect(steps.map((s) => s.next)).toEqual([["start"], ["set"], ["about"], ["model"], ["end"]]);
  });

  it("answers a paused run detached: 202, then the run goes on to its end", async () => {
    const actor = await newActor();
    const paused = await call(startExecution, "/api/executions", {
      method: "POST",
      auth: actor,
      body: {
        type: "CUSTOM",
        definition: { nodes: approvalDefinition().nodes, edges: approvalDefinition().edges },
        input: {},
      },
    });
    expect(paused.json.status).toBe("paused");
    const answered = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      auth: actor,
      params: { id: paused.json.executionId },
      headers: { prefer: "respond-async" },
      body: { approved: true },
    });
    expect(answered.status, answered.text).toBe(202);
    expect(answered.json.executionId).toBe(paused.json.executionId);
    await waitForStatus(paused.json.executionId, actor.id, ["completed"]);
  });

  it("filters the list by the model a run used", async () => {
    const actor = await newActor();
    const echo = await execute(
      { type: "CUSTOM", definition: topicGraph(), input: { message: "a" } },
      { userId: actor.id, tracker: getWorkflowTracker() },
    );
    const slow = graph(
      [
        node("start", "start"),
        node("model", "model", { provider: "local", model: "slow", maxTokens: 5 }),
        node("end", "end"),
      ],
      chain("start", "model", "end"),
    );
    const other = await execute(
      { type: "CUSTOM", definition: slow, input: { message: "b" } },
      { userId: actor.id, tracker: getWorkflowTracker() },
    );
    const page = await call(listExecutions, "/api/executions?model=local%3Aecho", { auth: actor });
    expect(page.status, page.text).toBe(200);
    const ids = executionListResponseSchema.parse(page.json).executions.map((e) => e.id);
    expect(ids).toContain(echo.executionId);
    expect(ids).not.toContain(other.executionId);
    const invalid = await call(listExecutions, "/api/executions?model=gpt", { auth: actor });
    expect(invalid.status).toBe(422);
  });
});
