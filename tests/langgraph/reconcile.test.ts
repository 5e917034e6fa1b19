/**
 * A LangGraph run left `running` by a process that died (its execution ended — the sweeper marks it
 * interrupted — and no process reads it) must not keep its thread busy forever: a new run on the thread, or a
 * join, records it as its execution ended. In process only (it writes the stale row directly).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertRun } from "@/lib/db/queries/langgraph";
import { echoDefinition } from "../api/rest-fixtures";
import { harness } from "./harness";

afterEach(() => vi.restoreAllMocks());

describe("a run its process left behind", () => {
  it("is reconciled with its execution when the thread is used again", async () => {
    const h = await harness();
    const user = await h.newUser();
    const client: Client = h.client(user.apiKey);
    const workflow = await h.saveWorkflow(user.apiKey, echoDefinition("Reconcile"));
    const thread = await client.threads.create();
    const done = await client.runs.create(thread.thread_id, workflow, {
      input: { messages: [{ role: "user", content: "one" }] },
    });
    await client.runs.join(thread.thread_id, done.run_id);
    const executionId = (await client.runs.get(thread.thread_id, done.run_id)) as unknown as {
      lattice_execution_id: string;
    };
    // What a dead process leaves: its run still marked running, its execution over.
    const stale = await insertRun({
      ownerId: user.id,
      threadId: thread.thread_id,
      assistantId: workflow,
      executionId: executionId.lattice_execution_id,
      status: "running",
      kwargs: {},
    });
    // Not while the process that reads it may still record the end itself…
    await expect(
      client.runs.create(thread.thread_id, workflow, { input: { messages: [{ role: "user", content: "two" }] } }),
    ).rejects.toThrow(/409/);
    // …but once that grace is over.
    const later = Date.now() + 10_000;
    vi.spyOn(Date, "now").mockReturnValue(later);
    const next = await client.runs.create(thread.thread_id, workflow, {
      input: { messages: [{ role: "user", content: "two" }] },
    });
    vi.restoreAllMocks();
    await client.runs.join(thread.thread_id, next.run_id);
    expect((await client.runs.get(thread.thread_id, stale.id)).status).toBe("success");
    expect((await client.runs.get(thread.thread_id, next.run_id)).status).toBe("success");
  });
});
