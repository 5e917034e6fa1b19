/**
 * The TypeScript SDK against a running Lattice server (started by tests/sdk/run.ts with the production
 * build, on PGlite and on PostgreSQL; one run at a time per user, so a second run is refused with 429 and
 * Retry-After). Imports the SDK as a user would, from its source entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExecutionEvent, LatticeClient, LatticeError, type RetryInfo } from "../src/index.js";
import { approval, custom, echo, edge, modelGraph, slow, streamCutMidRun, tokensOf } from "./graphs.js";
import { type CuttingProxy, startCuttingProxy } from "./proxy.js";

const baseUrl = process.env.LATTICE_SDK_TEST_URL;
const apiKey = process.env.LATTICE_SDK_TEST_API_KEY;
if (!baseUrl || !apiKey) throw new Error("run the SDK suites with `npx tsx tests/sdk/run.ts` (it starts the server)");

const client = new LatticeClient({ baseUrl, apiKey });

/** Sequence numbers from 1 to the last, each once. */
function expectGapFree(events: ExecutionEvent[]) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

let proxy: CuttingProxy;
beforeAll(async () => {
  proxy = await startCuttingProxy(baseUrl);
});
afterAll(async () => {
  await proxy?.close();
});

describe("executions", () => {
  it("runs a workflow and returns its result", async () => {
    const result = await client.executions.run(echo("hello from the SDK"));
    expect(result.status).toBe("completed");
    expect(result.output.message).toContain("hello from the SDK");
    const detail = await client.executions.get(result.executionId);
    expect(detail.status).toBe("completed");
    const page = await client.executions.list({ limit: 5 });
    expect(page.executions.map((e) => e.id)).toContain(result.executionId);
  });

  it("streams a run whose connection is cut mid-run, resumed without loss or duplicates", async () => {
    const viaProxy = new LatticeClient({ baseUrl: proxy.url, apiKey });
    // Every connection (the stream's included) is cut once a few tokens are in.
    const {
      stream,
      events,
      cutAt,
      reconnectedAfter: reconnects,
    } = await streamCutMidRun(viaProxy, "stream me", () => proxy.cut());
    expect(cutAt).toBeDefined();
    expect(reconnects[0]).toBeGreaterThanOrEqual(cutAt!);
    expect(stream.reconnects).toBeGreaterThanOrEqual(1);
    expectGapFree(events);
    expect(events.at(-1)?.type).toBe("run_completed");
    expect(events.filter((e) => e.type === "run_started")).toHaveLength(1);
    const result = await stream.finalResult();
    expect(result.status).toBe("completed");
    // Every token arrived once: together they are the answer.
    expect(tokensOf(events)).toBe(result.output.message);
    // The server kept every event too: the stored stream agrees.
    const detail = await client.executions.get(result.executionId);
    expect(detail.events.lastSeq).toBe(events.length);
  });

  it("cancels a streaming run", async () => {
    const stream = await client.executions.stream(slow("cancel me", 20));
    let cancelled: Awaited<ReturnType<typeof client.executions.cancel>> | undefined;
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "token" && !cancelled) cancelled = await client.executions.cancel(stream.executionId!);
    }
    expect(cancelled?.executionId).toBe(stream.executionId);
    expect(types.at(-1)).toBe("run_cancelled");
    expect((await stream.finalResult()).status).toBe("cancelled");
    expect((await client.executions.get(stream.executionId!)).status).toBe("cancelled");
  });

  it("resumes a run paused at a human node", async () => {
    const paused = await client.executions.run(custom(approval, "release 1.2"));
    expect(paused.status).toBe("paused");
    expect(paused.interrupt).toMatchObject({ nodeId: "review", mode: "approval", question: "Ship it?" });
    const done = await client.executions.resume(paused.executionId, { approved: true });
    expect(done).toMatchObject({ executionId: paused.executionId, status: "completed" });
    expect(done.output.message).toBe("shipped");

    // The same, streamed: the resumed events continue the run's numbering.
    const again = await client.executions.run(custom(approval, "release 1.3"));
    const before = (await client.executions.get(again.executionId)).events.lastSeq;
    const stream = await client.executions.resumeStream(again.executionId, { approved: false });
    const events: ExecutionEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]?.seq).toBe(before + 1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => before + 1 + i));
    expect((await stream.finalResult()).output.message).toBe("held back");
    // Answering a run that no longer waits is a conflict, thrown as a LatticeError.
    await expect(client.executions.resume(again.executionId, { approved: true })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("re-runs a run", async () => {
    const first = await client.executions.run(echo("again please"));
    const second = await client.executions.rerun(first.executionId);
    expect(second.executionId).not.toBe(first.executionId);
    expect(second.output.message).toBe(first.output.message);
    const stream = await client.executions.rerunStream(first.executionId);
    const events: ExecutionEvent[] = [];
    for await (const event of stream) events.push(event);
    expectGapFree(events);
    expect([first.executionId, second.executionId]).not.toContain(stream.executionId);
    expect((await stream.finalResult()).output.message).toBe(first.output.message);
  });

  it("throws validation errors as LatticeError with the fields at fault", async () => {
    const broken = modelGraph({ model: "echo" });
    broken.edges.push(edge("model", "nowhere"));
    const error = await client.executions.run(custom(broken, "hi")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatticeError);
    const latticeError = error as LatticeError;
    expect(latticeError.status).toBe(422);
    expect(latticeError.type).toBe("validation");
    expect(latticeError.issues.length).toBeGreaterThan(0);
    expect(latticeError.issues.some((issue) => issue.path.startsWith("edges"))).toBe(true);

    const chatError = await client.chat.send({ message: "   " }).catch((e: unknown) => e);
    expect(chatError).toMatchObject({ status: 422, code: expect.stringMatching(/^validation:/) });
    expect((chatError as LatticeError).issues.map((issue) => issue.path)).toContain("message");

    await expect(client.executions.get("01JB8Z3V4Q5R6S7T8V9W0X1Y2Z")).rejects.toMatchObject({
      status: 404,
      code: "not_found:execution",
    });
  });

  it("retries a run refused with 429 after its Retry-After", async () => {
    const retries: RetryInfo[] = [];
    const patient = new LatticeClient({ baseUrl, apiKey, onRetry: (info) => retries.push(info) });
    // The user's one run slot is taken by a short slow run; the next run is refused until it ends.
    const busy = await client.executions.start(slow("hold the slot", 4));
    const result = await patient.executions.run(echo("let me in"));
    expect(result.status).toBe("completed");
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ status: 429, method: "POST" });
    // The server's Retry-After (whole seconds), not a guess.
    expect(retries[0]!.delayMs % 1000).toBe(0);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect((await client.executions.get(busy.executionId)).status).toBe("completed");
    // Without retries the refusal is a typed error naming the limit.
    const hold = await client.executions.start(slow("hold it again", 4));
    const impatient = new LatticeClient({ baseUrl, apiKey, retry: { maxRetries: 0 } });
    await expect(impatient.executions.run(echo("now"))).rejects.toMatchObject({
      status: 429,
      code: "rate_limit:concurrent_runs",
      retryAfterSeconds: expect.any(Number),
    });
    for await (const _event of client.executions.events(hold.executionId)) {
      // wait for the slot to free
    }
  });
});

describe("chat", () => {
  it("streams an answer, saves it, and continues the conversation", async () => {
    const stream = await client.chat.send({ message: "What is Lattice?" });
    const events: ExecutionEvent[] = [];
    for await (const event of stream) events.push(event);
    expectGapFree(events);
    const result = await stream.finalResult();
    expect(result.status).toBe("completed");
    expect(tokensOf(events)).toBe(result.output.message);
    const saved = stream.savedMessage!;
    expect(saved.message).toMatchObject({ role: "assistant", content: result.output.message });

    const next = await client.chat.send({ conversationId: saved.conversationId, message: "And then?" });
    await next.finalResult();
    const conversation = await client.conversations.get(saved.conversationId);
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    await client.conversations.update(saved.conversationId, { title: "Renamed by the SDK" });
    const list = await client.conversations.list();
    expect(list.conversations.find((c) => c.id === saved.conversationId)?.title).toBe("Renamed by the SDK");
    await client.conversations.delete(saved.conversationId);
    await expect(client.conversations.get(saved.conversationId)).rejects.toMatchObject({ status: 404 });
  });
});

describe("resources", () => {
  it("workflows: create, run, version, export, import, validate, delete", async () => {
    const saved = await client.workflows.create({ name: "SDK workflow", ...modelGraph({ model: "echo" }) });
    const id = saved.workflow.id;
    const run = await client.executions.run({ type: "DEFINITION", definitionId: id, input: { message: "by id" } });
    expect(run.output.message).toContain("by id");
    const workflow = await client.workflows.get(id);
    await client.workflows.update(id, {
      name: "SDK workflow v2",
      nodes: workflow.nodes,
      edges: workflow.edges,
      baseVersion: 1,
    });
    const versions = await client.workflows.versions(id);
    expect(versions.versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect((await client.workflows.version(id, 1)).version.name).toBe("SDK workflow");
    expect((await client.workflows.restore(id, 1)).workflow.name).toBe("SDK workflow");
    const template = await client.workflows.toTemplate(id, { name: "SDK template" });
    const copy = await client.templates.import(await client.templates.export(template.template.id));
    expect(copy.template).toMatchObject({ name: "SDK template" });
    expect(copy.template.id).not.toBe(template.template.id);
    for (const t of [copy, template]) await client.templates.delete(t.template.id);
    const exported = await client.workflows.export(id);
    const imported = await client.workflows.import(exported);
    expect(imported.workflow.id).not.toBe(id);
    const validation = await client.workflows.validate({ definition: { nodes: [], edges: [] } });
    expect(validation.isValid).toBe(false);
    await client.workflows.delete(id);
    await expect(client.workflows.get(id)).rejects.toMatchObject({ status: 404 });
  });

  it("templates, knowledge bases, analytics and API keys", async () => {
    const templates = await client.templates.list();
    expect(templates.templates.length).toBeGreaterThan(0);
    const template = await client.templates.get(templates.templates[0]!.id);
    const made = await client.templates.instantiate(template.id, { name: "From a template" });
    expect(made.workflow.name).toBe("From a template");
    await client.workflows.delete(made.workflow.id);
    const base = await client.knowledgeBases.create({ name: "SDK base" });
    const baseId = base.knowledgeBase.id;
    await client.knowledgeBases.addText(baseId, {
      title: "Lattice",
      text: "Lattice runs LLM workflows on PGlite or PostgreSQL.",
    });
    const found = await client.knowledgeBases.search(baseId, { query: "PostgreSQL" });
    expect(found.results[0]?.text).toContain("PostgreSQL");
    const file = new Blob(["# Pricing\n\nThe Pro plan costs 42 credits."], { type: "text/markdown" });
    await client.knowledgeBases.upload(baseId, file, "pricing.md");
    const priced = await client.knowledgeBases.search(baseId, { query: "Pro plan credits" });
    expect(priced.results.some((r) => r.text.includes("42 credits"))).toBe(true);
    await client.knowledgeBases.delete(baseId);
    const summary = await client.analytics.summary();
    expect(summary).toBeTypeOf("object");
    const key = await client.apiKeys.create({ name: "sdk temp" });
    expect(key.secret).toMatch(/^lat_/);
    expect((await client.apiKeys.list()).keys.map((k) => k.id)).toContain(key.key.id);
    const keyed = new LatticeClient({ baseUrl, apiKey: key.secret });
    expect((await keyed.health()).status).toBe("ok");
    await client.apiKeys.revoke(key.key.id);
    await expect(keyed.workflows.list()).rejects.toMatchObject({ status: 401 });
  });

  it("aborts a call with its signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped by the caller"));
    await expect(client.workflows.list({ signal: controller.signal })).rejects.toThrow("stopped by the caller");
  });
});
