/**
 * Breakpoints through Lattice's own REST API: a run started with `options.interruptBefore` / `interruptAfter`
 * pauses there (status paused, an `interrupt` event of kind "breakpoint" naming the node and the side), keeps
 * checkpoints, and POST /api/executions/:id/resume with an empty body continues it from the breakpoint. A
 * human node still needs its answer; an unknown node id is a 422 that names it.
 */
import { describe, expect, it } from "vitest";
import { POST as runExecution } from "@/app/api/executions/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { POST as resumeExecution } from "@/app/api/executions/[id]/resume/route";
import { executionResponseSchema, executionResultResponseSchema } from "@/lib/contracts/executions";
import { parseExecutionEvent } from "@/lib/contracts/events";
import { approvalDefinition, call, callRaw, echoDefinition, newActor, readSse, type Actor } from "./rest-fixtures";

function graphOf<T extends { name: string; description: string }>(definition: T) {
  const { name: _n, description: _d, ...graph } = definition;
  return graph;
}

async function run(actor: Actor, body: unknown) {
  const response = await call(runExecution, "/api/executions", { method: "POST", body, auth: actor });
  expect(response.status, response.text).toBe(200);
  return executionResultResponseSchema.parse(response.json);
}

async function resume(actor: Actor, id: string, body: unknown) {
  return call(resumeExecution, `/api/executions/${id}/resume`, { method: "POST", body, auth: actor, params: { id } });
}

async function detail(actor: Actor, id: string) {
  const response = await call(getExecution, `/api/executions/${id}`, { auth: actor, params: { id } });
  expect(response.status, response.text).toBe(200);
  return executionResponseSchema.parse(response.json).execution;
}

describe("breakpoints (options.interruptBefore / interruptAfter)", () => {
  it("pauses before a node, then continues from there without an answer", async () => {
    const actor = await newActor();
    const paused = await run(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "stop before the model" },
      options: { interruptBefore: ["model"] },
    });
    expect(paused.status).toBe("paused");
    expect(paused.interrupt).toMatchObject({ nodeId: "model", kind: "breakpoint", when: "before", mode: "approval" });
    // Nothing of the model ran.
    expect(paused.history.map((h) => h.nodeId)).toEqual(["start"]);
    expect(paused.usage.totalTokens).toBe(0);
    const row = await detail(actor, paused.executionId);
    expect(row.status).toBe("paused");
    expect(JSON.stringify(row.output)).toContain('breakpoint before \\"model\\"');

    const resumed = await resume(actor, paused.executionId, {});
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json).toMatchObject({ executionId: paused.executionId, status: "completed" });
    expect(resumed.json.output.message).toContain("stop before the model");
    expect(resumed.json.history.map((h: { nodeId: string }) => h.nodeId)).toEqual(["start", "model", "end"]);
    expect((await detail(actor, paused.executionId)).status).toBe("completed");
    // Continued once: a second continue is a 409.
    expect((await resume(actor, paused.executionId, {})).status).toBe(409);
  });

  it("pauses after a node (streamed: the interrupt event), again at each breakpoint it started with, not after the last", async () => {
    const actor = await newActor();
    const response = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: graphOf(echoDefinition()),
        input: { message: "after" },
        options: { interruptAfter: "*" },
      },
      auth: actor,
      headers: { accept: "text/event-stream" },
    });
    const events = (await readSse(response)).map((m) => parseExecutionEvent(m.data));
    expect(events.slice(-2).map((e) => e.type)).toEqual(["interrupt", "run_completed"]);
    const interrupt = events.at(-2)!;
    expect(interrupt.type === "interrupt" && interrupt.data).toMatchObject({
      nodeId: "start",
      kind: "breakpoint",
      when: "after",
    });
    const executionId = events[0]!.executionId;
    // "*" holds for the continued run too (the breakpoints it started with): after the model, then after the end.
    const second = await resume(actor, executionId, {});
    expect(second.json).toMatchObject({ status: "paused", interrupt: { nodeId: "model", when: "after" } });
    expect(second.json.output.message).toMatch(/breakpoint after "model"/);
    // An answer is taken at a breakpoint too (and ignored). After the last node nothing is left to continue:
    // the run completes instead of pausing.
    const third = await resume(actor, executionId, { approved: true });
    expect(third.json).toMatchObject({ status: "completed" });
    expect(third.json.interrupt).toBeUndefined();
    expect(third.json.history.map((h: { nodeId: string }) => h.nodeId)).toEqual(["start", "model", "end"]);
    expect((await resume(actor, executionId, {})).status).toBe(409);
  });

  it("keeps asking a human node for its answer, and refuses unknown node ids naming them", async () => {
    const actor = await newActor();
    const paused = await run(actor, {
      type: "CUSTOM",
      definition: graphOf(approvalDefinition()),
      input: {},
      options: { interruptBefore: ["review"] },
    });
    expect(paused.interrupt).toMatchObject({ nodeId: "review", kind: "breakpoint", when: "before" });
    // Continued past the breakpoint, the human node asks its question.
    const asked = await resume(actor, paused.executionId, {});
    expect(asked.json).toMatchObject({ status: "paused", interrupt: { nodeId: "review", question: "Ship it?" } });
    expect(asked.json.interrupt.kind).toBeUndefined();
    const noAnswer = await resume(actor, paused.executionId, {});
    expect(noAnswer.status).toBe(422);
    expect(noAnswer.json.error.message).toMatch(/human node/);
    const done = await resume(actor, paused.executionId, { approved: true });
    expect(done.json).toMatchObject({ status: "completed", output: { message: "shipped" } });

    const unknown = await call(runExecution, "/api/executions", {
      method: "POST",
      body: {
        type: "CUSTOM",
        definition: graphOf(echoDefinition()),
        input: { message: "x" },
        options: { interruptBefore: ["model", "nowhere"] },
      },
      auth: actor,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.issues).toEqual([
      expect.objectContaining({ path: "options.interruptBefore.1", message: expect.stringContaining('"nowhere"') }),
    ]);
  });
});
