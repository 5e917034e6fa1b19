/**
 * Steering a thread with the official @langchain/langgraph-sdk Client, as LangGraph does: breakpoints
 * (`interrupt_before` / `interrupt_after`, node ids or "*") that pause a run (thread interrupted, `next` the
 * node) and a following run with input null that continues from there; `threads.updateState` (the
 * human-in-the-loop "edit the state, then continue"); `command.update` and `command.goto`; unknown node ids
 * and state keys refused with a 422 that names them. In process by default; against a server with
 * LG_TEST_URL (tests/langgraph/run.ts).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { approvalDefinition, echoDefinition } from "../api/rest-fixtures";
import { harness, type Harness } from "./harness";

let h: Harness;
let owner: { id: string; apiKey: string };
let client: Client;
let echoId: string;
let approvalId: string;

type Message = { type: string; content: string };
type Values = { messages: Message[]; variables: Record<string, unknown> };

const human = (content: string) => ({ messages: [{ role: "user", content }] });
const aiTexts = (values: unknown) => (values as Values).messages.filter((m) => m.type === "ai").map((m) => m.content);

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const part of stream) out.push(part);
  return out;
}

beforeAll(async () => {
  h = await harness();
  owner = await h.newUser();
  client = h.client(owner.apiKey);
  [echoId, approvalId] = await Promise.all([
    h.saveWorkflow(owner.apiKey, echoDefinition("LG steer echo")),
    h.saveWorkflow(owner.apiKey, approvalDefinition("LG steer approval")),
  ]);
}, 120_000);

describe("breakpoints", () => {
  it("pauses before the model (thread interrupted, next = the model) and continues with input null", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, echoId, {
        input: human("what is before the model?"),
        interruptBefore: ["model"],
        streamMode: ["values", "updates", "messages-tuple"],
      }),
    );
    // As LangGraph streams a breakpoint: an interrupt with no value; the model did not run.
    const interrupt = parts.find((p) => p.event === "updates" && "__interrupt__" in (p.data as object));
    expect((interrupt!.data as { __interrupt__: unknown[] }).__interrupt__).toEqual([]);
    expect(parts.some((p) => p.event === "messages")).toBe(false);
    expect(parts.at(-1)!.event).toBe("end");

    const paused = await client.threads.get(thread.thread_id);
    expect(paused.status).toBe("interrupted");
    const state = await client.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["model"]);
    expect(state.tasks.map((t) => t.name)).toEqual(["model"]);
    expect((state.values as Values).messages.map((m) => m.type)).toEqual(["human"]);
    const [run] = await client.runs.list(thread.thread_id);
    expect(run!.status).toBe("success");
    // Lattice records the run as paused at a breakpoint.
    const executions = await h.rest(owner.apiKey, `/api/executions?workflowId=${echoId}&status=paused`);
    expect(executions.json.executions.map((e: { id: string }) => e.id)).toContain(
      (run as unknown as { lattice_execution_id: string }).lattice_execution_id,
    );

    const done = await client.runs.wait(thread.thread_id, echoId, { input: null });
    expect(aiTexts(done)).toEqual([expect.stringContaining("what is before the model?")]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    expect((await client.threads.getState(thread.thread_id)).next).toEqual([]);
    // One execution, continued: the same one both runs name.
    const runs = await client.runs.list(thread.thread_id);
    expect(runs).toHaveLength(2);
    const ids = new Set(runs.map((r) => (r as unknown as { lattice_execution_id: string }).lattice_execution_id));
    expect(ids.size).toBe(1);
  });

  it("pauses after the model with its answer in the state, then finishes", async () => {
    const thread = await client.threads.create();
    const paused = await client.runs.wait(thread.thread_id, echoId, {
      input: human("after the model"),
      interruptAfter: ["model"],
    });
    expect(aiTexts(paused)).toEqual([expect.stringContaining("after the model")]);
    const state = await client.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["end"]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
    const done = await client.runs.wait(thread.thread_id, echoId, { input: null });
    expect(aiTexts(done)).toHaveLength(1);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it('steps through every node with "*" (each continuing run names its own breakpoints)', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, echoId, { input: human("step by step"), interruptBefore: "*" });
    const seen: string[][] = [];
    for (let i = 0; i < 5; i += 1) {
      const state = await client.threads.getState(thread.thread_id);
      if (state.next.length === 0) break;
      seen.push(state.next);
      await client.runs.wait(thread.thread_id, echoId, { input: null, interruptBefore: "*" });
    }
    expect(seen).toEqual([["start"], ["model"], ["end"]]);
    const final = await client.threads.getState(thread.thread_id);
    expect(aiTexts(final.values)).toEqual([expect.stringContaining("step by step")]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });
});

describe("writing the state", () => {
  it("updates a thread paused at a breakpoint; the continued run answers the edited conversation", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, echoId, { input: human("first draft"), interruptBefore: ["model"] });
    const before = await client.threads.getState(thread.thread_id);
    // LangGraph's server answers { checkpoint } (the JS SDK's declared type says `configurable`).
    const written = (await client.threads.updateState(thread.thread_id, {
      values: { messages: [{ role: "user", content: "the edited question" }] },
    })) as unknown as { checkpoint: { thread_id: string; checkpoint_ns: string; checkpoint_id: string } };
    expect(written.checkpoint).toMatchObject({ thread_id: thread.thread_id, checkpoint_ns: "" });
    expect(written.checkpoint.checkpoint_id).toBeTruthy();
    expect(written.checkpoint.checkpoint_id).not.toBe(before.checkpoint.checkpoint_id);

    const state = await client.threads.getState(thread.thread_id);
    expect(state.checkpoint.checkpoint_id).toBe(written.checkpoint.checkpoint_id);
    expect(state.next).toEqual(["model"]);
    expect((state.values as Values).messages.map((m) => m.content)).toEqual(["first draft", "the edited question"]);
    const history = await client.threads.getHistory(thread.thread_id, { limit: 20 });
    expect(history[0]!.checkpoint.checkpoint_id).toBe(written.checkpoint.checkpoint_id);
    expect(history[0]!.metadata).toMatchObject({ source: "update" });

    const done = await client.runs.wait(thread.thread_id, echoId, { input: null });
    const [answer] = aiTexts(done);
    expect(answer).toContain("the edited question");
  });

  it("updates a thread paused at a human node; the answer then continues from the written values", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, approvalId, { input: { ticket: 7 } });
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(["review"]);
    await client.threads.updateState(thread.thread_id, { values: { variables: { ticket: 42 } }, asNode: "start" });
    const state = await client.threads.getState(thread.thread_id);
    expect((state.values as Values).variables).toMatchObject({ ticket: 42 });
    expect(state.next).toEqual(["review"]);
    const done = (await client.runs.wait(thread.thread_id, approvalId, { command: { resume: true } })) as Values;
    expect(done.variables).toMatchObject({ ticket: 42, ok: true });
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("writes the state of a finished thread as a node; input null then runs on from it", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, echoId, { input: human("the first question") });
    await client.threads.updateState(thread.thread_id, {
      values: { messages: [{ role: "user", content: "a follow-up" }] },
      asNode: "start",
    });
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(["model"]);
    const done = await client.runs.wait(thread.thread_id, echoId, { input: null });
    const answers = aiTexts(done);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toContain("a follow-up");
    expect((await client.threads.getState(thread.thread_id)).next).toEqual([]);
  });

  it("refuses state keys and nodes it does not know, naming them", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, approvalId, { input: { ticket: 1 } });
    const cases: Array<[unknown, RegExp]> = [
      [{ values: { bogus: 1 } }, /values\.bogus.*not a key of the workflow state/],
      [{ values: { user_id: "someone else" } }, /values\.user_id.*cannot write/],
      [{ values: { variables: "not an object" } }, /values\.variables/],
      [{ values: { variables: { a: 1 } }, as_node: "nowhere" }, /as_node.*"nowhere" is not a node/],
      [{ values: { variables: { a: 1 } }, checkpoint_id: "1f0-not-there" }, /Checkpoint/],
    ];
    for (const [body, detail] of cases) {
      const response = await h.raw(`/threads/${thread.thread_id}/state`, {
        method: "POST",
        apiKey: owner.apiKey,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      expect([422, 404], text).toContain(response.status);
      expect((JSON.parse(text) as { detail: string }).detail).toMatch(detail);
    }
    const fresh = await client.threads.create();
    await expect(client.threads.updateState(fresh.thread_id, { values: { variables: {} } })).rejects.toThrow(/409/);
    // Nothing was written: the thread still waits at its human node, unchanged.
    const state = await client.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["review"]);
    expect((state.values as Values).variables).toEqual({ ticket: 1 });
  });
});

describe("commands", () => {
  it("applies command.update with the answer", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, approvalId, { input: { ticket: 7 } });
    const done = (await client.runs.wait(thread.thread_id, approvalId, {
      command: { resume: false, update: { variables: { ticket: 8, note: "edited" } } },
    })) as Values;
    expect(done.variables).toMatchObject({ ticket: 8, note: "edited", ok: false });
  });

  it("goes to a node with command.goto (the model runs again)", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, echoId, { input: human("go again"), interruptAfter: ["model"] });
    const done = await client.runs.wait(thread.thread_id, echoId, { command: { goto: "model" } });
    expect(aiTexts(done)).toHaveLength(2);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("refuses unknown node ids and bad updates with a 422 that names them, before any run", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, echoId, { input: human("hold"), interruptBefore: ["model"] });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ input: human("x"), interrupt_before: ["model", "nowhere"] }, /interrupt_before\.1.*"nowhere"/],
      [{ input: human("x"), interrupt_after: ["elsewhere"] }, /interrupt_after\.0.*"elsewhere"/],
      [{ command: { goto: "nowhere" } }, /command\.goto.*"nowhere"/],
      [{ command: { goto: { node: "model", input: {} } } }, /command\.goto.*Send/],
      [{ command: { update: { bogus: true } } }, /command\.update\.bogus/],
      [{ command: {} }, /command.*resume, update or goto/],
    ];
    const runsBefore = (await client.runs.list(thread.thread_id)).length;
    for (const [body, detail] of cases) {
      const response = await h.raw(`/threads/${thread.thread_id}/runs`, {
        method: "POST",
        apiKey: owner.apiKey,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ assistant_id: echoId, ...body }),
      });
      const text = await response.text();
      expect(response.status, text).toBe(422);
      expect((JSON.parse(text) as { detail: string }).detail).toMatch(detail);
    }
    expect(await client.runs.list(thread.thread_id)).toHaveLength(runsBefore);
    expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
  });
});
