/**
 * The LangGraph Platform API driven by the official @langchain/langgraph-sdk Client: assistants, threads,
 * state and history, runs in every stream mode, wait, background runs and join, joinStream after a
 * reconnect, cancel, a human node answered with command.resume, time travel, the multitask strategies,
 * another user's threads (404) and no key (401). In process by default; against a server with LG_TEST_URL
 * (tests/langgraph/run.ts runs it against the production build on both backends).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { approvalDefinition, echoDefinition } from "../api/rest-fixtures";
import { harness, type Harness } from "./harness";

let h: Harness;
let owner: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
let client: Client;
let echoId: string;
let approvalId: string;
let slowId: string;

function slowDefinition(latencyMs = 15) {
  const definition = echoDefinition("Slow flow");
  definition.nodes[1]!.data.config = { provider: "local", model: "slow", latencyMs };
  return definition;
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const part of stream) out.push(part);
  return out;
}

const human = (content: string) => ({ messages: [{ role: "user", content }] });

beforeAll(async () => {
  h = await harness();
  [owner, other] = await Promise.all([h.newUser(), h.newUser()]);
  client = h.client(owner.apiKey);
  [echoId, approvalId, slowId] = await Promise.all([
    h.saveWorkflow(owner.apiKey, echoDefinition("LG echo")),
    h.saveWorkflow(owner.apiKey, approvalDefinition("LG approval")),
    h.saveWorkflow(owner.apiKey, slowDefinition()),
  ]);
}, 120_000);

describe("meta", () => {
  it("answers /ok and /info without a key", async () => {
    expect(await (await h.raw("/ok")).json()).toEqual({ ok: true });
    const info = (await (await h.raw("/info")).json()) as { version: string; flags: Record<string, boolean> };
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.flags.assistants).toBe(true);
  });

  it("refuses a call without a key (401) or with a bad one, in LangGraph's error shape", async () => {
    const none = await h.raw("/assistants/search", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { detail: string }).detail).toMatch(/API key/);
    await expect(h.client(null).assistants.search()).rejects.toThrow(/401/);
    await expect(h.client("lat_nottherightkey").threads.search()).rejects.toThrow(/401/);
  });
});

describe("assistants", () => {
  it("searches, counts and gets the caller's workflows and templates", async () => {
    const found = await client.assistants.search({ limit: 100 });
    const ids = found.map((a) => a.assistant_id);
    expect(ids).toEqual(expect.arrayContaining([echoId, approvalId, slowId]));
    expect(found.some((a) => a.metadata?.lattice_kind === "template")).toBe(true);
    const byGraph = await client.assistants.search({ graphId: echoId });
    expect(byGraph.map((a) => a.assistant_id)).toEqual([echoId]);
    const workflows = await client.assistants.search({
      metadata: { lattice_kind: "workflow" },
      limit: 100,
      sortBy: "name",
      sortOrder: "asc",
    });
    expect(workflows.map((a) => a.name)).toEqual(["LG approval", "LG echo", "Slow flow"]);
    const page = await client.assistants.search({
      metadata: { lattice_kind: "workflow" },
      limit: 1,
      offset: 1,
      sortBy: "name",
      sortOrder: "asc",
    });
    expect(page.map((a) => a.name)).toEqual(["LG echo"]);
    expect(await client.assistants.count({ metadata: { lattice_kind: "workflow" } })).toBe(3);
    const one = await client.assistants.get(echoId);
    expect(one).toMatchObject({ assistant_id: echoId, graph_id: echoId, name: "LG echo", version: 1 });
  });

  it("gives the graph and the schemas", async () => {
    const graph = await client.assistants.getGraph(approvalId);
    expect(graph.nodes.map((n) => n.id)).toEqual(["__start__", "start", "review", "yes", "no", "__end__"]);
    expect(graph.edges).toContainEqual({ source: "review", target: "yes", data: "approved", conditional: true });
    const schemas = await client.assistants.getSchemas(echoId);
    expect(schemas.graph_id).toBe(echoId);
    expect(Object.keys((schemas.state_schema as { properties: object }).properties)).toContain("messages");
  });

  it("creates, patches (a new version), lists versions, sets the latest and deletes", async () => {
    const created = await client.assistants.create({ graphId: echoId, name: "LG copy", metadata: { team: "a" } });
    expect(created).toMatchObject({ name: "LG copy", metadata: expect.objectContaining({ team: "a" }) });
    const patched = await client.assistants.update(created.assistant_id, {
      name: "LG copy 2",
      metadata: { team: "b" },
    });
    expect(patched.version).toBeGreaterThan(created.version);
    const versions = await client.assistants.getVersions(created.assistant_id);
    expect(versions.map((v) => v.version)).toContain(1);
    const latest = await client.assistants.setLatest(created.assistant_id, 1);
    expect(latest.name).toBe("LG copy");
    await client.assistants.delete(created.assistant_id);
    await expect(client.assistants.get(created.assistant_id)).rejects.toThrow(/404/);
  });

  it("hides another user's assistants (404)", async () => {
    await expect(h.client(other.apiKey).assistants.get(echoId)).rejects.toThrow(/404/);
    const theirs = await h.client(other.apiKey).assistants.search({ limit: 100 });
    expect(theirs.map((a) => a.assistant_id)).not.toContain(echoId);
  });
});

describe("threads", () => {
  it("creates, gets, patches, searches, counts, copies and deletes", async () => {
    const thread = await client.threads.create({ metadata: { project: "lg-crud" } });
    expect(thread.thread_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(thread.status).toBe("idle");
    const got = await client.threads.get(thread.thread_id);
    expect(got.metadata).toMatchObject({ project: "lg-crud" });
    const patched = await client.threads.update(thread.thread_id, { metadata: { stage: "two" } });
    expect(patched.metadata).toMatchObject({ project: "lg-crud", stage: "two" });
    const found = await client.threads.search({ metadata: { project: "lg-crud" } });
    expect(found.map((t) => t.thread_id)).toEqual([thread.thread_id]);
    expect(await client.threads.count({ metadata: { project: "lg-crud" } })).toBe(1);
    const copy = await client.threads.copy(thread.thread_id);
    expect(copy.thread_id).not.toBe(thread.thread_id);
    expect(copy.metadata).toMatchObject({ project: "lg-crud" });
    await client.threads.delete(copy.thread_id);
    await expect(client.threads.get(copy.thread_id)).rejects.toThrow(/404/);
    const empty = await client.threads.getState(thread.thread_id);
    expect(empty).toMatchObject({ values: {}, next: [], tasks: [] });
  });

  it("keeps another user's threads invisible (404) and refuses bad bodies with 422", async () => {
    const thread = await client.threads.create();
    const them = h.client(other.apiKey);
    await expect(them.threads.get(thread.thread_id)).rejects.toThrow(/404/);
    await expect(them.threads.getState(thread.thread_id)).rejects.toThrow(/404/);
    await expect(them.runs.create(thread.thread_id, echoId, { input: human("hi") })).rejects.toThrow(/404/);
    await expect(them.threads.delete(thread.thread_id)).rejects.toThrow(/404/);
    const bad = await h.raw(`/threads/${thread.thread_id}/runs`, {
      method: "POST",
      apiKey: owner.apiKey,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assistant_id: echoId, stream_mode: "sideways" }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/stream_mode/);
    const broken = await h.raw("/threads", { method: "POST", apiKey: owner.apiKey, body: "{nope" });
    expect(broken.status).toBe(400);
    expect(await broken.text()).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe("runs", () => {
  it("streams values, updates and message tuples, and keeps the conversation as the thread's memory", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, echoId, {
        input: human("hello lattice"),
        streamMode: ["values", "updates", "messages-tuple"],
      }),
    );
    const events = parts.map((p) => p.event);
    expect(events[0]).toBe("metadata");
    expect(events).toContain("updates");
    expect(events).toContain("messages");
    expect(events.at(-2)).toBe("values");
    // The state at each step: first the input (the human message), last the answer.
    const first = parts.find((p) => p.event === "values")!.data as { messages: Array<{ type: string }> };
    expect(first.messages.map((m) => m.type)).toEqual(["human"]);
    const update = parts.find((p) => p.event === "updates" && "model" in (p.data as object))!.data as {
      model: { messages: Array<{ type: string; content: string }> };
    };
    expect(update.model.messages[0]).toMatchObject({ type: "ai", content: expect.stringContaining("hello lattice") });
    const tuple = parts.find((p) => p.event === "messages")!.data as [Record<string, unknown>, Record<string, unknown>];
    expect(tuple[0]).toMatchObject({ type: "AIMessageChunk", content: expect.any(String) });
    expect(tuple[1]).toMatchObject({ langgraph_node: "model" });
    const values = parts.at(-2)!.data as { messages: Array<{ type: string; content: string }> };
    expect(values.messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(values.messages[1]!.content).toContain("hello lattice");
    const streamed = parts
      .filter((p) => p.event === "messages")
      .map((p) => (p.data as unknown as [{ content: string }])[0].content)
      .join("");
    expect(streamed).toBe(values.messages[1]!.content);

    // A second turn remembers the first (the thread's conversation).
    const second = await client.runs.wait(thread.thread_id, echoId, { input: human("again") });
    expect((second as { messages: unknown[] }).messages).toHaveLength(4);
    const state = await client.threads.getState(thread.thread_id);
    expect((state.values as { messages: unknown[] }).messages).toHaveLength(4);
    expect(state.checkpoint.checkpoint_id).toBeTruthy();
    const history = await client.threads.getHistory(thread.thread_id, { limit: 50 });
    expect(history.length).toBeGreaterThan(2);
    expect(history[0]!.checkpoint.checkpoint_id).toBe(state.checkpoint.checkpoint_id);
    const older = await client.threads.getState(thread.thread_id, history[1]!.checkpoint.checkpoint_id!);
    expect(older.checkpoint.checkpoint_id).toBe(history[1]!.checkpoint.checkpoint_id);
    const runs = await client.runs.list(thread.thread_id);
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === "success")).toBe(true);

    // Lattice sees them like any other run: in the monitor's list and the conversations.
    const executions = await h.rest(owner.apiKey, `/api/executions?workflowId=${echoId}`);
    expect(executions.json.executions.length).toBeGreaterThanOrEqual(2);
    const analytics = await h.rest(owner.apiKey, "/api/analytics/summary?trigger=api");
    expect(analytics.status).toBe(200);
    expect(analytics.json.summary.completed).toBeGreaterThanOrEqual(2);
    const conversations = await h.rest(owner.apiKey, "/api/conversations");
    expect(conversations.status).toBe(200);
    expect(JSON.stringify(conversations.json)).toContain("hello lattice");
  });

  it("streams the messages mode (partial and complete), events, debug and custom", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, echoId, {
        input: human("modes"),
        streamMode: ["messages", "events", "debug", "custom"],
      }),
    );
    const events = new Set(parts.map((p) => p.event));
    for (const name of ["messages/metadata", "messages/partial", "messages/complete", "events", "debug", "custom"])
      expect(events, name).toContain(name);
    const complete = parts.find((p) => p.event === "messages/complete")!.data as Array<{
      type: string;
      content: string;
    }>;
    expect(complete[0]).toMatchObject({ type: "ai" });
    expect(complete[0]!.content).toContain("modes");
  });

  it("runs statelessly (stream and wait)", async () => {
    const waited = (await client.runs.wait(null, echoId, { input: human("stateless") })) as {
      messages: Array<{ content: string }>;
    };
    expect(waited.messages.at(-1)!.content).toContain("stateless");
    const parts = await collect(
      client.runs.stream(null, echoId, { input: human("stateless stream"), streamMode: "values" }),
    );
    expect(parts[0]!.event).toBe("metadata");
    expect(parts.slice(-2).map((p) => p.event)).toEqual(["values", "end"]);
    expect(new Set(parts.map((p) => p.event))).toEqual(new Set(["metadata", "values", "end"]));
  });

  it("runs in the background, joins, and lists", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, echoId, { input: human("background"), metadata: { n: 1 } });
    expect(run.run_id).toBeTruthy();
    expect(["pending", "running"]).toContain(run.status);
    const joined = (await client.runs.join(thread.thread_id, run.run_id)) as { messages: Array<{ content: string }> };
    expect(joined.messages.at(-1)!.content).toContain("background");
    const got = await client.runs.get(thread.thread_id, run.run_id);
    expect(got).toMatchObject({ status: "success", metadata: { n: 1 } });
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("joins a live run's stream and resumes it after a reconnect with Last-Event-ID", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, slowId, {
      input: human("a long answer please"),
      streamMode: ["messages-tuple", "values"],
    });
    const first: Array<{ id?: string; event: string }> = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id)) {
      first.push(part);
      if (first.filter((p) => p.event === "messages").length >= 3) break;
    }
    const lastId = first.at(-1)!.id!;
    expect(lastId).toMatch(/^\d+-\d+$/);
    const rest = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: lastId }));
    const ids = [...first, ...rest].map((p) => p.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rest.at(-1)!.event).toBe("end");
    const text = [...first, ...rest]
      .filter((p) => p.event === "messages")
      .map((p) => (p as unknown as { data: [{ content: string }] }).data[0].content)
      .join("");
    const values = rest.find((p) => p.event === "values") as unknown as {
      data: { messages: Array<{ content: string }> };
    };
    expect(text).toBe(values.data.messages.at(-1)!.content);
  });

  it("cancels a run", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, slowId, { input: human("cancel me") });
    await client.runs.cancel(thread.thread_id, run.run_id, true);
    const got = await client.runs.get(thread.thread_id, run.run_id);
    expect(got.status).toBe("interrupted");
    const executions = await h.rest(owner.apiKey, `/api/executions?workflowId=${slowId}&status=cancelled`);
    expect(executions.json.executions.length).toBeGreaterThanOrEqual(1);
  });

  it("cancels a streamed run when its client leaves with on_disconnect: cancel, and keeps it otherwise", async () => {
    const thread = await client.threads.create();
    let runId = "";
    const leave = new AbortController();
    for await (const part of client.runs.stream(thread.thread_id, slowId, {
      input: human("leave early"),
      streamMode: "messages-tuple",
      onDisconnect: "cancel",
      signal: leave.signal,
      onRunCreated: ({ run_id }) => {
        runId = run_id;
      },
    })) {
      if (part.event === "messages") {
        leave.abort();
        break;
      }
    }
    expect(runId).toBeTruthy();
    await expect
      .poll(async () => (await client.runs.get(thread.thread_id, runId)).status, { timeout: 15_000 })
      .toBe("interrupted");
    // The thread names what ran on it (chat UIs list threads by it).
    expect((await client.threads.get(thread.thread_id)).metadata).toMatchObject({
      assistant_id: slowId,
      graph_id: slowId,
    });

    const kept = await client.threads.create();
    const away = new AbortController();
    for await (const part of client.runs.stream(kept.thread_id, slowId, {
      input: human("stay"),
      streamMode: "messages-tuple",
      signal: away.signal,
      onRunCreated: ({ run_id }) => {
        runId = run_id;
      },
    })) {
      if (part.event === "messages") {
        away.abort();
        break;
      }
    }
    await client.runs.join(kept.thread_id, runId);
    expect((await client.runs.get(kept.thread_id, runId)).status).toBe("success");
  });

  it("refuses malformed bodies with a 4xx that says where, never a stack", async () => {
    const thread = await client.threads.create();
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ["POST", "/assistants/search", { limit: "ten" }, 422, /limit/],
      ["POST", "/assistants", { name: "no graph" }, 422, /graph_id/],
      ["PATCH", `/assistants/${echoId}`, { metadata: [] }, 422, /metadata/],
      ["POST", `/assistants/${echoId}/latest`, { version: 0 }, 422, /version/],
      ["POST", "/threads", { thread_id: "not-a-uuid" }, 422, /thread_id/],
      ["POST", "/threads/search", { status: "sleeping" }, 422, /status/],
      ["POST", `/threads/${thread.thread_id}/history`, { limit: -1 }, 422, /limit/],
      ["POST", `/threads/${thread.thread_id}/runs`, { input: {} }, 422, /assistant_id/],
      ["POST", `/threads/${thread.thread_id}/runs`, { assistant_id: echoId, input: "hi" }, 422, /input/],
      [
        "POST",
        `/threads/${thread.thread_id}/runs`,
        { assistant_id: echoId, input: { messages: [{ role: "user", content: "" }] } },
        422,
        /messages/,
      ],
      [
        "POST",
        `/threads/${thread.thread_id}/runs`,
        { assistant_id: echoId, interrupt_before: ["nowhere"] },
        422,
        /interrupt_before\.0.*nowhere/,
      ],
      [
        "POST",
        `/threads/${thread.thread_id}/runs`,
        { assistant_id: echoId, command: { goto: "nowhere" } },
        422,
        /goto/,
      ],
      [
        "POST",
        `/threads/${thread.thread_id}/runs`,
        { assistant_id: echoId, config: { configurable: { maxTokens: -5 } } },
        422,
        /maxTokens/,
      ],
      [
        "POST",
        `/threads/${thread.thread_id}/runs/wait`,
        { assistant_id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" },
        404,
        /Assistant/,
      ],
      [
        "POST",
        `/threads/${thread.thread_id}/runs/wait`,
        { assistant_id: approvalId, command: { resume: true } },
        409,
        /paused/,
      ],
      ["POST", `/threads/${thread.thread_id}/state`, { values: { bogus: [] } }, 422, /values\.bogus/],
      ["POST", `/threads/${thread.thread_id}/state`, { values: { messages: [] } }, 409, /no state yet/],
      ["POST", "/runs/crons", { assistant_id: echoId, schedule: "every day" }, 422, /cron|schedule/i],
    ];
    for (const [method, path, body, status, detail] of cases) {
      const response = await h.raw(path, {
        method,
        apiKey: owner.apiKey,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path} ${text}`).toBe(status);
      expect((JSON.parse(text) as { detail: string }).detail, `${method} ${path}`).toMatch(detail);
      expect(text).not.toMatch(/\n\s+at |node_modules|select .* from/i);
    }
    const notJson = await h.raw(`/threads/${thread.thread_id}/runs`, {
      method: "POST",
      apiKey: owner.apiKey,
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expect(await client.runs.list(thread.thread_id)).toEqual([]);
  });

  it("pauses at a human node and resumes with command.resume", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, approvalId, { input: { ticket: 7 }, streamMode: ["values", "updates"] }),
    );
    const interrupt = parts.find((p) => p.event === "updates" && "__interrupt__" in (p.data as object));
    expect(interrupt).toBeDefined();
    const lastValues = parts.filter((p) => p.event === "values").at(-1)!.data as {
      __interrupt__: Array<{ value: { question: string } }>;
    };
    expect(lastValues.__interrupt__[0]!.value.question).toBe("Ship it?");
    const paused = await client.threads.get(thread.thread_id);
    expect(paused.status).toBe("interrupted");
    const state = await client.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["review"]);
    expect(state.tasks[0]!.interrupts[0]!.value).toMatchObject({ question: "Ship it?" });
    const resumed = (await client.runs.wait(thread.thread_id, approvalId, { command: { resume: true } })) as {
      variables: Record<string, unknown>;
    };
    expect(resumed.variables).toMatchObject({ ok: true, ticket: 7 });
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("travels back to an earlier checkpoint and runs again from it", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, approvalId, { input: { ticket: 1 } });
    await client.runs.wait(thread.thread_id, approvalId, { command: { resume: false } });
    const history = await client.threads.getHistory(thread.thread_id, { limit: 50 });
    const atReview = history.find((s) => s.next.includes("review"))!;
    expect(atReview).toBeDefined();
    const rerun = (await client.runs.wait(thread.thread_id, approvalId, {
      input: null,
      checkpointId: atReview.checkpoint.checkpoint_id!,
    })) as { __interrupt__?: unknown[] };
    expect(rerun.__interrupt__).toHaveLength(1);
    const answered = (await client.runs.wait(thread.thread_id, approvalId, { command: { resume: true } })) as {
      variables: Record<string, unknown>;
    };
    expect(answered.variables.ok).toBe(true);
  });

  it("applies each multitask strategy", async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, slowId, { input: human("first") });
    await expect(client.runs.create(thread.thread_id, slowId, { input: human("rejected") })).rejects.toThrow(/409/);

    const queued = await client.runs.create(thread.thread_id, echoId, {
      input: human("queued"),
      multitaskStrategy: "enqueue",
    });
    expect(queued.status).toBe("pending");
    await client.runs.join(thread.thread_id, queued.run_id);
    expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe("success");
    expect((await client.runs.get(thread.thread_id, queued.run_id)).status).toBe("success");

    const long = await client.runs.create(thread.thread_id, slowId, { input: human("to interrupt") });
    const interrupting = await client.runs.create(thread.thread_id, echoId, {
      input: human("interrupter"),
      multitaskStrategy: "interrupt",
    });
    await client.runs.join(thread.thread_id, interrupting.run_id);
    expect((await client.runs.get(thread.thread_id, long.run_id)).status).toBe("interrupted");

    const doomed = await client.runs.create(thread.thread_id, slowId, { input: human("to roll back") });
    const rolling = await client.runs.create(thread.thread_id, echoId, {
      input: human("roller"),
      multitaskStrategy: "rollback",
    });
    await client.runs.join(thread.thread_id, rolling.run_id);
    await expect(client.runs.get(thread.thread_id, doomed.run_id)).rejects.toThrow(/404/);
    expect((await client.runs.get(thread.thread_id, rolling.run_id)).status).toBe("success");
  }, 60_000);
});

describe("bulk calls", () => {
  it("runs a stateless batch, cancels runs in bulk, and prunes threads", async () => {
    const batch = await client.runs.createBatch([
      { assistantId: echoId, input: human("batch one") },
      { assistantId: echoId, input: human("batch two") },
    ]);
    expect(batch).toHaveLength(2);
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, slowId, { input: human("bulk cancel") });
    await client.runs.cancelMany({ threadId: thread.thread_id, runIds: [run.run_id] });
    await expect.poll(async () => (await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    const pruned = await client.threads.prune([thread.thread_id]);
    expect(pruned).toEqual({ pruned_count: 1 });
    await expect(client.threads.get(thread.thread_id)).rejects.toThrow(/404/);
  });
});

describe("crons", () => {
  it("schedules a workflow, searches, counts, updates and deletes its cron (a Lattice schedule)", async () => {
    const cron = await client.crons.create(echoId, {
      schedule: "0 9 * * 1-5",
      timezone: "Europe/Paris",
      input: human("good morning"),
    });
    expect(cron).toMatchObject({ assistant_id: echoId, schedule: "0 9 * * 1-5", enabled: true });
    expect(cron.next_run_date).toBeTruthy();
    const found = await client.crons.search({ assistantId: echoId });
    expect(found.map((c) => c.cron_id)).toContain(cron.cron_id);
    expect(await client.crons.count({ assistantId: echoId })).toBeGreaterThanOrEqual(1);
    const paused = await client.crons.update(cron.cron_id, { enabled: false });
    expect(paused.enabled).toBe(false);
    const schedules = await h.rest(owner.apiKey, `/api/workflows/${echoId}/schedules`);
    if (schedules.status === 200)
      expect(schedules.json.schedules.map((s: { id: string }) => s.id)).toContain(cron.cron_id);
    await expect(h.client(other.apiKey).crons.delete(cron.cron_id)).rejects.toThrow(/404/);
    await client.crons.delete(cron.cron_id);
    expect(await client.crons.count({ assistantId: echoId })).toBe(0);
    await expect(client.crons.create(echoId, { schedule: "not a cron" })).rejects.toThrow(/422/);
  });
});
