import { afterEach, describe, expect, it } from "vitest";
import { GET as listExecutions, POST as runExecution } from "@/app/api/executions/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { POST as cancelExecution } from "@/app/api/executions/[id]/cancel/route";
import { POST as resumeExecution } from "@/app/api/executions/[id]/resume/route";
import { POST as rerunExecution } from "@/app/api/executions/[id]/rerun/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { PUT as saveWorkflow } from "@/app/api/workflows/[id]/route";
import { GET as listTemplates } from "@/app/api/templates/route";
import {
  executionListResponseSchema,
  executionResponseSchema,
  executionResultResponseSchema,
} from "@/lib/contracts/executions";
import { parseExecutionEvent } from "@/lib/contracts/events";
import { resetEnvCache } from "@/lib/env";
import { localModelStats } from "@/lib/models";
import { approvalDefinition, call, callRaw, echoDefinition, newActor, readSse, type Actor } from "./rest-fixtures";

const SSE = { accept: "text/event-stream" };

function graphOf<T extends { name: string; description: string }>(definition: T) {
  const { name: _n, description: _d, ...graph } = definition;
  return graph;
}

/** A model that streams ~200 tokens with a pause between them: a run that is still going when we act on it. */
function slowDefinition(latencyMs = 40) {
  const definition = echoDefinition("Slow");
  definition.nodes[1]!.data.config = { provider: "local", model: "slow", latencyMs };
  return graphOf(definition);
}

async function run(actor: Actor, body: unknown) {
  const response = await call(runExecution, "/api/executions", { method: "POST", body, auth: actor });
  expect(response.status, response.text).toBe(200);
  return executionResultResponseSchema.parse(response.json);
}

async function detail(actor: Actor, id: string) {
  const response = await call(getExecution, `/api/executions/${id}`, { auth: actor, params: { id } });
  expect(response.status, response.text).toBe(200);
  return executionResponseSchema.parse(response.json).execution;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("POST /api/executions", () => {
  it("runs a CUSTOM graph and answers with the result; the run is recorded with its history and events", async () => {
    const actor = await newActor();
    const result = await run(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "hello there" },
    });
    expect(result.status).toBe("completed");
    expect(result.output.message).toContain("hello there");
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.history.map((h) => h.nodeId)).toEqual(["start", "model", "end"]);
    expect(JSON.stringify(result)).not.toContain("usageByModel");

    const execution = await detail(actor, result.executionId);
    expect(execution).toMatchObject({
      id: result.executionId,
      status: "completed",
      workflowType: "CUSTOM",
      definitionId: null,
      usage: result.usage,
      input: { message: "hello there" },
    });
    expect(execution.history.map((h) => h.nodeId)).toEqual(["start", "model", "end"]);
    expect(execution.definition?.nodes?.map((n) => n.id)).toEqual(["start", "model", "end"]);
    expect(execution.events.byType).toMatchObject({
      run_started: 1,
      node_started: 3,
      node_completed: 3,
      run_completed: 1,
    });
    expect(execution.events.byType.token).toBeGreaterThan(0);
    expect(execution.events.lastSeq).toBe(execution.events.total);
  });

  it("streams a run as Server-Sent Events with sequence ids, the last event carrying the result", async () => {
    const actor = await newActor();
    const response = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "stream me" } },
      auth: actor,
      headers: SSE,
    });
    expect(response.status).toBe(200);
    const messages = await readSse(response);
    const events = messages.map((m) => parseExecutionEvent(m.data));
    expect(messages.map((m) => Number(m.id))).toEqual(events.map((_, i) => i + 1));
    expect(messages.map((m) => m.event)).toEqual(events.map((e) => e.type));
    expect(events[0]!.type).toBe("run_started");
    expect(events.some((e) => e.type === "token")).toBe(true);
    const last = events[events.length - 1]!;
    expect(last.type).toBe("run_completed");
    if (last.type !== "run_completed") throw new Error("unreachable");
    expect(last.data.output.message).toContain("stream me");
    expect((await detail(actor, last.executionId)).status).toBe("completed");
  });

  it("runs a saved workflow at its latest version or a pinned one, and a template", async () => {
    const actor = await newActor();
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition("v1"),
      auth: actor,
    });
    const id = json.workflow.id as string;
    const v2 = echoDefinition("v2");
    v2.nodes[2]!.data.config = { outputTemplate: "version two" } as never;
    await call(saveWorkflow, "/api/workflows/x", { method: "PUT", body: v2, auth: actor, params: { id } });

    const latest = await run(actor, { type: "DEFINITION", definitionId: id, input: { message: "hi" } });
    expect(latest.output.message).toBe("version two");
    const pinned = await run(actor, { type: "DEFINITION", definitionId: id, version: 1, input: { message: "hi" } });
    expect(pinned.output.message).toContain("hi");
    expect((await detail(actor, pinned.executionId)).definitionVersion).toBe(1);

    const templates = await call(listTemplates, "/api/templates", { auth: actor });
    const universal = templates.json.templates.find((t: { slug: string }) => t.slug === "universal-chat");
    const viaTemplate = await run(actor, {
      type: "TEMPLATE",
      templateId: universal.id,
      input: { message: "from a template" },
    });
    expect(viaTemplate.status).toBe("completed");
    expect((await detail(actor, viaTemplate.executionId)).templateId).toBe(universal.id);
  });

  it("answers 404 for a workflow or template that is not the caller's, and 422 naming the field for a bad request", async () => {
    const owner = await newActor();
    const other = await newActor();
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition(),
      auth: owner,
    });
    const theirs = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: json.workflow.id, input: { message: "hi" } },
      auth: other,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain(json.workflow.name);

    const bad = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "DEFINITION", definitionId: "x" },
      auth: owner,
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("definitionId");
    const unknownType = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "NOPE" },
      auth: owner,
    });
    expect(unknownType.status).toBe(422);
    expect(unknownType.json.error.issues[0].path).toBe("type");
  });
});

describe("GET /api/executions", () => {
  it("lists the caller's runs newest first, filters them, and pages through them with a cursor", async () => {
    const actor = await newActor();
    const other = await newActor();
    await run(other, { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "not yours" } });
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition(),
      auth: actor,
    });
    const workflowId = json.workflow.id as string;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await run(actor, { type: "DEFINITION", definitionId: workflowId, input: { message: `d${i}` } })).executionId,
      );
    for (let i = 0; i < 2; i++)
      ids.push(
        (await run(actor, { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: `c${i}` } }))
          .executionId,
      );
    const paused = await run(actor, { type: "CUSTOM", definition: graphOf(approvalDefinition()), input: {} });
    ids.push(paused.executionId);
    const newestFirst = [...ids].reverse();

    const all = executionListResponseSchema.parse(
      (await call(listExecutions, "/api/executions", { auth: actor })).json,
    );
    expect(all.executions.map((e) => e.id)).toEqual(newestFirst);
    expect(all.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/executions?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = executionListResponseSchema.parse((await call(listExecutions, path, { auth: actor })).json);
      expect(page.executions.length).toBeLessThanOrEqual(2);
      seen.push(...page.executions.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(3);

    const byWorkflow = await call(listExecutions, `/api/executions?workflowId=${workflowId}`, { auth: actor });
    expect(byWorkflow.json.executions.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 3).reverse());
    const custom = await call(listExecutions, "/api/executions?type=CUSTOM", { auth: actor });
    expect(custom.json.executions).toHaveLength(3);
    const pausedOnly = await call(listExecutions, "/api/executions?status=paused", { auth: actor });
    expect(pausedOnly.json.executions.map((e: { id: string }) => e.id)).toEqual([paused.executionId]);
    const several = await call(listExecutions, "/api/executions?status=paused,failed&status=completed", {
      auth: actor,
    });
    expect(several.json.executions).toHaveLength(6);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (await call(listExecutions, `/api/executions?from=${future}`, { auth: actor })).json.executions,
    ).toHaveLength(0);
    expect((await call(listExecutions, `/api/executions?to=${future}`, { auth: actor })).json.executions).toHaveLength(
      6,
    );
  });

  it("answers 422 naming the parameter for bad filters and cursors", async () => {
    const actor = await newActor();
    for (const [query, path] of [
      ["status=sleeping", "status.0"],
      ["type=chat", "type"],
      ["limit=0", "limit"],
      ["limit=1000", "limit"],
      ["from=yesterday", "from"],
      ["workflowId=abc", "workflowId"],
      ["cursor=bm90LWEtdWxpZA", "cursor"],
      ["cursor=%25%25", "cursor"],
      ["colour=blue", "(query)"],
    ] as const) {
      const response = await call(listExecutions, `/api/executions?${query}`, { auth: actor });
      expect(response.status, query).toBe(422);
      expect(response.json.error.code).toBe("validation:query");
      expect(
        response.json.error.issues.map((i: { path: string }) => i.path),
        query,
      ).toContain(path);
    }
  });
});

describe("resume, cancel and rerun", () => {
  it("resumes a paused run with the person's answer; a second answer is a 409", async () => {
    const actor = await newActor();
    const paused = await run(actor, { type: "CUSTOM", definition: graphOf(approvalDefinition()), input: {} });
    expect(paused.status).toBe("paused");
    expect(paused.interrupt).toMatchObject({ nodeId: "review", mode: "approval", question: "Ship it?" });
    expect((await detail(actor, paused.executionId)).status).toBe("paused");

    // A human node needs its answer (an empty body continues a breakpoint only).
    const empty = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      body: {},
      auth: actor,
      params: { id: paused.executionId },
    });
    expect(empty.status).toBe(422);
    expect(empty.json.error.message).toMatch(/human node/);
    expect((await detail(actor, paused.executionId)).status).toBe("paused");

    const other = await newActor();
    const foreign = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      body: { approved: true },
      auth: other,
      params: { id: paused.executionId },
    });
    expect(foreign.status).toBe(404);

    const resumed = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      body: { approved: true },
      auth: actor,
      params: { id: paused.executionId },
    });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json).toMatchObject({
      executionId: paused.executionId,
      status: "completed",
      output: { message: "shipped" },
    });
    expect((await detail(actor, paused.executionId)).status).toBe("completed");

    const again = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      body: { approved: false },
      auth: actor,
      params: { id: paused.executionId },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict:execution_not_paused");
  });

  it("streams a resumed run, continuing the event numbering", async () => {
    const actor = await newActor();
    const paused = await run(actor, { type: "CUSTOM", definition: graphOf(approvalDefinition()), input: {} });
    const before = (await detail(actor, paused.executionId)).events.lastSeq;
    const response = await callRaw(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      body: { approved: false },
      auth: actor,
      params: { id: paused.executionId },
      headers: SSE,
    });
    const messages = await readSse(response);
    expect(Number(messages[0]!.id)).toBe(before + 1);
    expect(messages[messages.length - 1]!.data.data).toMatchObject({
      status: "completed",
      output: { message: "held back" },
    });
  });

  it("cancels a paused run, and answers 409 once it has ended", async () => {
    const actor = await newActor();
    const paused = await run(actor, { type: "CUSTOM", definition: graphOf(approvalDefinition()), input: {} });
    const cancelled = await call(cancelExecution, "/api/executions/x/cancel", {
      method: "POST",
      auth: actor,
      params: { id: paused.executionId },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toEqual({ executionId: paused.executionId, status: "cancelled" });
    expect((await detail(actor, paused.executionId)).status).toBe("cancelled");
    const again = await call(cancelExecution, "/api/executions/x/cancel", {
      method: "POST",
      auth: actor,
      params: { id: paused.executionId },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict:execution_finished");
  });

  it("cancels a running streamed run mid-answer: the stream ends with run_cancelled, the record keeps the tokens spent", async () => {
    const actor = await newActor();
    const response = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: slowDefinition(), input: { message: "take your time" } },
      auth: actor,
      headers: SSE,
    });
    // Read until the model has streamed a few tokens, then cancel from "another client".
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/event: token/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the run ended before it could be cancelled");
      text += decoder.decode(value, { stream: true });
    }
    const executionId = /"executionId":"([0-9A-Z]{26})"/.exec(text)![1]!;
    const cancelled = await call(cancelExecution, "/api/executions/x/cancel", {
      method: "POST",
      auth: actor,
      params: { id: executionId },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.executionId).toBe(executionId);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const lastEvent = text.trim().split("\n\n").pop()!;
    expect(lastEvent).toMatch(/^id: \d+\nevent: run_cancelled\n/);
    const execution = await waitFor(async () => {
      const d = await detail(actor, executionId);
      return d.status === "cancelled" ? d : undefined;
    });
    expect(execution.usage.outputTokens).toBeGreaterThanOrEqual(3);
    expect(execution.errorMessage).toMatch(/cancelled/i);
  });

  it("reruns a run as a new execution linked by parentExecutionId, with the same request", async () => {
    const actor = await newActor();
    const { json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition(),
      auth: actor,
    });
    const first = await run(actor, {
      type: "DEFINITION",
      definitionId: json.workflow.id,
      input: { message: "again please" },
    });
    await call(saveWorkflow, "/api/workflows/x", {
      method: "PUT",
      body: echoDefinition("changed"),
      auth: actor,
      params: { id: json.workflow.id },
    });

    const rerun = await call(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: first.executionId },
    });
    expect(rerun.status, rerun.text).toBe(200);
    expect(rerun.json.executionId).not.toBe(first.executionId);
    expect(rerun.json.output.message).toBe(first.output.message);
    const record = await detail(actor, rerun.json.executionId);
    expect(record).toMatchObject({
      parentExecutionId: first.executionId,
      definitionId: json.workflow.id,
      definitionVersion: 1,
      input: { message: "again please" },
    });

    const custom = await run(actor, {
      type: "CUSTOM",
      definition: graphOf(echoDefinition()),
      input: { message: "adhoc" },
    });
    const streamed = await callRaw(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: custom.executionId },
      headers: SSE,
    });
    const events = await readSse(streamed);
    expect(events[0]!.data.data).toMatchObject({ workflowType: "CUSTOM", parentExecutionId: custom.executionId });

    const other = await newActor();
    expect(
      (
        await call(rerunExecution, "/api/executions/x/rerun", {
          method: "POST",
          auth: other,
          params: { id: first.executionId },
        })
      ).status,
    ).toBe(404);
  });
});

describe("run limits", () => {
  afterEach(() => {
    delete process.env.LATTICE_RUNS_PER_MINUTE;
    delete process.env.LATTICE_MAX_CONCURRENT_RUNS;
    resetEnvCache();
  });

  it("answers 429 with Retry-After past the runs-per-minute limit", async () => {
    process.env.LATTICE_RUNS_PER_MINUTE = "2";
    resetEnvCache();
    const actor = await newActor();
    const body = { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "hi" } };
    await run(actor, body);
    await run(actor, body);
    const limited = await call(runExecution, "/api/executions", { method: "POST", body, auth: actor });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limit:runs");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Limits are per user.
    await run(await newActor(), body);
  });

  it("answers 429 while the caller has as many runs going as allowed", async () => {
    process.env.LATTICE_MAX_CONCURRENT_RUNS = "1";
    resetEnvCache();
    const actor = await newActor();
    const callsBefore = localModelStats.requests;
    const streaming = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body: { type: "CUSTOM", definition: slowDefinition(5), input: { message: "hold" } },
      auth: actor,
      headers: SSE,
    });
    // The held run is answering (its model call is under way).
    await expect.poll(() => localModelStats.requests).toBeGreaterThan(callsBefore);
    const body = { type: "CUSTOM", definition: graphOf(echoDefinition()), input: { message: "hi" } };
    // The graph starts running while the start's statement is in flight: a refused run must still reach
    // no model, store nothing and show nothing.
    const modelCalls = localModelStats.requests;
    const runsBefore = (await call(listExecutions, "/api/executions", { auth: actor })).json.executions.length;
    const limited = await call(runExecution, "/api/executions", { method: "POST", body, auth: actor });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limit:concurrent_runs");
    expect(limited.headers.get("retry-after")).toBe("2");
    const streamedLimited = await callRaw(runExecution, "/api/executions", {
      method: "POST",
      body,
      auth: actor,
      headers: SSE,
    });
    expect(streamedLimited.status).toBe(429);
    expect(localModelStats.requests).toBe(modelCalls);
    expect((await call(listExecutions, "/api/executions", { auth: actor })).json.executions).toHaveLength(runsBefore);

    await readSse(streaming);
    expect((await run(actor, body)).status).toBe("completed");
  });
});
