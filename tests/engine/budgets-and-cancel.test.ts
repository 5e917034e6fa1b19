/**
 * Runs stop when they must: cancelled from outside (mid-stream, or by a client that stops reading) with
 * the usage so far and no model request after the cancel; and per-run time, token and cost budgets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { execute } from "@/lib/engine/execute";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { setEnv } from "../helpers/env";
import { localModelStats } from "@/lib/models";
import { startWireServer, type WireServer } from "../helpers/wire-server";
import { createTestUser } from "../helpers/db";
import { chain, graph, node, tokensOf } from "./helpers";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** start → slow model → another slow model → end: plenty of time to cancel in the first. */
const twoSlowModels = (latencyMs = 15) =>
  graph(
    [
      node("start", "start"),
      node("first", "model", { provider: "local", model: "slow", latencyMs }),
      node("second", "model", { provider: "local", model: "slow", latencyMs }),
      node("end", "end"),
    ],
    chain("start", "first", "second", "end"),
  );

describe("cancel", () => {
  it("stops mid-stream: status cancelled, tokens so far, and no model request after the cancel", async () => {
    const tracker = new InMemoryTracker();
    const controller = new AbortController();
    const events: ExecutionEvent[] = [];
    let requestsAtCancel = -1;
    const stream = await execute(
      { type: "CUSTOM", definition: twoSlowModels(), input: { message: "count for me" } },
      { userId, stream: true, signal: controller.signal, tracker },
    );
    for await (const event of stream) {
      events.push(event);
      if (event.type === "token" && requestsAtCancel < 0 && events.filter((e) => e.type === "token").length === 5) {
        requestsAtCancel = localModelStats.requests;
        controller.abort();
      }
    }
    const last = events.at(-1)!;
    expect(last.type).toBe("run_cancelled");
    const result = last.data as ExecutionResult;
    expect(result.status).toBe("cancelled");
    expect(result.error?.code).toBe("cancelled");
    // The tokens streamed before the cancel are counted, and nothing close to the whole answer came.
    const streamed = events.filter((e) => e.type === "token").length;
    expect(streamed).toBeGreaterThanOrEqual(5);
    expect(streamed).toBeLessThan(20);
    expect(result.usage.outputTokens).toBeGreaterThanOrEqual(5);
    expect(result.output.message).toBe("");
    expect(tokensOf(events).length).toBeGreaterThan(0);
    // The second model never started, then or later.
    await sleep(300);
    expect(localModelStats.requests).toBe(requestsAtCancel);
    expect(events.some((e) => e.type === "node_started" && e.nodeId === "second")).toBe(false);
    expect(tracker.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "fail"]);
  });

  it("a non-streaming run is cancelled by its signal too", async () => {
    const tracker = new InMemoryTracker();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const result = await execute(
      { type: "CUSTOM", definition: twoSlowModels(), input: { message: "go" } },
      { userId, signal: controller.signal, tracker },
    );
    expect(result.status).toBe("cancelled");
    expect(result.durationMs).toBeLessThan(1_500);
    expect(tracker.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "fail"]);
  });

  it("a client that stops reading the stream cancels the run, which still ends tracked", async () => {
    const tracker = new InMemoryTracker();
    const stream = await execute(
      { type: "CUSTOM", definition: twoSlowModels(), input: { message: "go" } },
      { userId, stream: true, tracker },
    );
    let tokens = 0;
    let executionId = "";
    for await (const event of stream) {
      executionId = event.executionId;
      if (event.type === "token" && ++tokens === 3) break;
    }
    const calls = tracker.callsFor(executionId);
    expect(calls.map((c) => c.method)).toEqual(["start", "fail"]);
    const fail = calls[1];
    expect(fail?.method === "fail" && fail.result.status).toBe("cancelled");
  });
});

describe("budgets", () => {
  it("stops a run that goes over its token budget, mid-answer", async () => {
    const tracker = new InMemoryTracker();
    const result = await execute(
      { type: "CUSTOM", definition: twoSlowModels(2), input: { message: "count" }, options: { maxTokens: 40 } },
      { userId, tracker },
    );
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("budget:tokens");
    expect(result.error?.message).toContain("budget of 40");
    // Stopped while the first model was still answering (its full answer is well over 100 tokens).
    expect(result.usage.totalTokens).toBeLessThan(60);
    expect(result.history.some((h) => h.nodeId === "second")).toBe(false);
    expect(tracker.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "fail"]);
  });

  it("stops a run that takes longer than its time budget", async () => {
    const started = Date.now();
    const result = await execute(
      { type: "CUSTOM", definition: twoSlowModels(20), input: { message: "count" }, options: { timeoutMs: 300 } },
      { userId },
    );
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("budget:time");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe("cost", () => {
    let wire: WireServer;
    let restoreEnv: () => void;
    beforeAll(async () => {
      wire = await startWireServer({
        respond: () => ({ text: "one two three four five six seven eight nine ten ".repeat(20) }),
      });
      restoreEnv = setEnv({ OPENAI_BASE_URL: `${wire.url}/v1`, OPENAI_API_KEY: "test-key" });
    });
    afterAll(async () => {
      restoreEnv();
      await wire.close();
    });

    it("stops a run that spends more than its cost budget (priced model over the OpenAI wire format)", async () => {
      const priced = graph(
        [node("start", "start"), node("model", "model", { provider: "openai", model: "gpt-4o" }), node("end", "end")],
        chain("start", "model", "end"),
      );
      const free = await execute({ type: "CUSTOM", definition: priced, input: { message: "hi" } }, { userId });
      expect(free.status).toBe("completed");
      expect(free.cost).toBeGreaterThan(0);

      const result = await execute(
        { type: "CUSTOM", definition: priced, input: { message: "hi" }, options: { maxCostUsd: free.cost / 4 } },
        { userId },
      );
      expect(result.status).toBe("failed");
      expect(result.error?.code).toBe("budget:cost");
    });
  });
});
