/**
 * Every node type's behaviour, run through the engine on the built-in local model (deterministic: `echo`
 * reports what it received, `scripted` replies with a script).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "@/lib/engine/execute";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { resetEnvCache } from "@/lib/env";
import { addTextDocument, createKnowledgeBase } from "@/lib/services/knowledge";
import { createTestUser } from "../helpers/db";
import { chain, edge, graph, node, saveDefinition, type TestNode } from "../engine/helpers";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

async function run(
  g: ReturnType<typeof graph>,
  input: { message?: string; variables?: Record<string, unknown> } = {},
): Promise<{ result: ExecutionResult; events: ExecutionEvent[]; tracker: InMemoryTracker }> {
  const tracker = new InMemoryTracker();
  const result = await execute({ type: "CUSTOM", definition: g, input }, { userId, tracker });
  return { result, events: tracker.eventsFor(result.executionId), tracker };
}

const echo = (id = "model", extra: Record<string, unknown> = {}) =>
  node(id, "model", { provider: "local", model: "echo", ...extra });
const scripted = (id: string, script: string[], extra: Record<string, unknown> = {}) =>
  node(id, "model", { provider: "local", model: "scripted", script, ...extra });
const start = (variables: Record<string, unknown> = {}) => node("start", "start", { variables });
const end = (outputTemplate = "") => node("end", "end", { outputTemplate });
const linear = (...nodes: TestNode[]) => graph(nodes, chain(...nodes.map((n) => n.id)));

describe("start and end", () => {
  it("start seeds variables from its defaults, overridden by the input; end renders the output", async () => {
    const { result } = await run(
      linear(start({ greeting: "Hello", name: "nobody" }), end("{{variables.greeting}}, {{variables.name}}!")),
      {
        variables: { name: "Ada" },
      },
    );
    expect(result.status).toBe("completed");
    expect(result.output.message).toBe("Hello, Ada!");
    expect(result.output.variables).toEqual({ greeting: "Hello", name: "Ada" });
  });

  it("without an output template the answer is the last model message", async () => {
    const { result } = await run(linear(start(), scripted("model", ["The answer."]), end()));
    expect(result.output.message).toBe("The answer.");
  });
});

describe("prompt", () => {
  it("adds a message rendered from the state", async () => {
    const { result } = await run(
      linear(
        start({ topic: "tides" }),
        node("ask", "prompt", { template: "Explain {{variables.topic}}: {{input.message}}" }),
        echo(),
        end(),
      ),
      { message: "briefly" },
    );
    // The echo model's last user message is the prompt; the original input is one earlier message.
    expect(result.output.message).toContain('You said: "Explain tides: briefly"');
    expect(result.output.message).toContain("Earlier messages: 1");
  });

  it("can add a system message (instructions, not conversation)", async () => {
    const { result } = await run(
      linear(
        start(),
        node("rules", "prompt", { template: "Context: the sky is green", role: "system" }),
        echo(),
        end(),
      ),
      {
        message: "what colour is the sky?",
      },
    );
    expect(result.output.message).toContain('Context: "the sky is green"');
    expect(result.output.message).toContain("Earlier messages: 0");
  });
});

describe("memory", () => {
  const conversation = [
    node("m1", "prompt", { template: "first question", role: "user" }),
    node("m2", "prompt", { template: "first answer", role: "assistant" }),
    node("m3", "prompt", { template: "second question", role: "user" }),
    node("m4", "prompt", { template: "second answer", role: "assistant" }),
  ];

  it("keeps the last N messages and folds the rest into a running summary", async () => {
    const { result, events } = await run(
      linear(
        start(),
        ...conversation,
        node("m5", "prompt", { template: "third question", role: "user" }),
        node("memory", "memory", {
          strategy: "window",
          maxMessages: 2,
          summarize: true,
          provider: "local",
          model: "scripted",
          script: ["They asked twice."],
        }),
        echo(),
        end(),
      ),
    );
    // Five messages; the window keeps the last two (the second answer and the third question).
    expect(result.output.message).toContain('You said: "third question". Earlier messages: 1.');
    expect(result.output.message).toContain("Summary: yes");
    const memory = events.find((e) => e.type === "node_completed" && e.nodeId === "memory");
    expect(memory?.type === "node_completed" && memory.data.output).toMatchObject({
      trimmedMessages: 3,
      summary: "They asked twice.",
    });
    // The summary model's tokens are not part of the answer stream.
    expect(events.filter((e) => e.type === "token").every((e) => e.nodeId === "model")).toBe(true);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(Object.keys(result.usageByModel ?? {})).toEqual(expect.arrayContaining(["local:scripted", "local:echo"]));
  });

  it("trims to a token budget without summarizing when asked not to", async () => {
    const long = "word ".repeat(120);
    const { result } = await run(
      linear(
        start(),
        node("old", "prompt", { template: long, role: "user" }),
        node("reply", "prompt", { template: long, role: "assistant" }),
        node("latest", "prompt", { template: "latest", role: "user" }),
        node("memory", "memory", { strategy: "tokens", maxTokens: 100, summarize: false }),
        echo(),
        end(),
      ),
    );
    expect(result.output.message).toContain('You said: "latest"');
    expect(result.output.message).toContain("Earlier messages: 0");
    expect(result.output.message).toContain("Summary: none");
  });
});

describe("retrieval", () => {
  it("finds passages in the owner's knowledge base and hands them to the model with their sources", async () => {
    const kb = await createKnowledgeBase({ ownerId: userId, name: "Handbook" });
    const doc = await addTextDocument({
      ownerId: userId,
      knowledgeBaseId: kb.id,
      title: "Refund policy",
      text: "Refunds take five to seven days to reach the card.\n\nPenguins breed in winter.",
      chunking: { size: 60, overlap: 0 },
    });
    const { result } = await run(
      linear(
        start(),
        node("retrieve", "retrieval", { knowledgeBaseId: kb.id, query: "{{input.message}}", topK: 2 }),
        echo(),
        end(),
      ),
      { message: "how long do refunds take" },
    );
    expect(result.output.message).toContain('Context: "[1] Refund policy Refunds take five to seven');
    expect(result.output.sources?.[0]).toMatchObject({
      documentId: doc.id,
      title: "Refund policy",
      knowledgeBaseId: kb.id,
    });

    // Another user sees nothing of it.
    const stranger = await createTestUser();
    const other = await execute(
      {
        type: "CUSTOM",
        definition: linear(
          start(),
          node("retrieve", "retrieval", { knowledgeBaseId: kb.id, query: "refunds" }),
          echo(),
          end(),
        ),
        input: { message: "refunds" },
      },
      { userId: stranger.id },
    );
    expect(other.output.message).toContain("Context: none");
    expect(other.output.sources).toBeUndefined();
  });
});

describe("tools", () => {
  it("runs the tool the model asks for, reports the call, and answers with the result", async () => {
    const { result, events } = await run(
      linear(
        start(),
        node("agent", "tools", {
          provider: "local",
          model: "echo",
          tools: ["calculator", "current_time"],
          maxCalls: 3,
        }),
        end(),
      ),
      { message: "use calculator on 6*7" },
    );
    const calls = events.filter((e) => e.type === "tool_call");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.type === "tool_call" && calls[0].data).toMatchObject({
      name: "calculator",
      result: "42",
      nodeId: "agent",
    });
    expect(result.output.message).toContain("42");
    const done = events.find((e) => e.type === "node_completed" && e.nodeId === "agent");
    expect(done?.type === "node_completed" && done.data.output.toolCalls).toBe(1);
  });

  it("stops calling tools at maxCalls and makes the model answer", async () => {
    const { result, events } = await run(
      linear(
        start(),
        node("agent", "tools", {
          provider: "local",
          model: "scripted",
          script: [
            'calculator({"expression":"1+1"})',
            'calculator({"expression":"2+2"})',
            'calculator({"expression":"3+3"})',
            "Gave up.",
          ],
          tools: ["calculator"],
          maxCalls: 2,
        }),
        end(),
      ),
      { message: "keep calculating" },
    );
    const calls = events.filter((e) => e.type === "tool_call");
    expect(calls.map((e) => (e.type === "tool_call" ? e.data.result : undefined))).toEqual(["2", "4"]);
    expect(result.status).toBe("completed");
    // The third scripted entry came when tools were withdrawn: it is text, not a call.
    expect(result.output.message).toBe('calculator({"expression":"3+3"})');
  });
});

describe("router", () => {
  const routed = (script: string[]) =>
    graph(
      [
        start(),
        node("route", "router", {
          provider: "local",
          model: "scripted",
          script,
          routes: [
            { key: "billing", description: "money" },
            { key: "tech", description: "computers" },
          ],
        }),
        node("billing", "end", { outputTemplate: "billing desk" }),
        node("tech", "end", { outputTemplate: "tech desk" }),
        node("other", "end", { outputTemplate: "front desk" }),
      ],
      [
        edge("start", "route"),
        edge("route", "billing", "billing"),
        edge("route", "tech", "tech"),
        edge("route", "other", "default"),
      ],
    );

  it("follows the route the model names", async () => {
    const { result, events } = await run(routed(["tech"]), { message: "my laptop is broken" });
    expect(result.output.message).toBe("tech desk");
    const done = events.find((e) => e.type === "node_completed" && e.nodeId === "route");
    expect(done?.type === "node_completed" && done.data.output.handle).toBe("tech");
    // Classification is not streamed as the answer.
    expect(events.some((e) => e.type === "token")).toBe(false);
  });

  it("reads the route from a wordier answer, and falls back to default", async () => {
    expect((await run(routed(["I would say: Billing."]))).result.output.message).toBe("billing desk");
    expect((await run(routed(["no idea"]))).result.output.message).toBe("front desk");
  });
});

describe("conditional", () => {
  const branching = graph(
    [
      start(),
      node("check", "conditional", {
        branches: [
          { key: "urgent", expression: "$contains($lowercase(input.message), 'urgent')" },
          { key: "big", expression: "variables.amount > 100" },
        ],
      }),
      node("urgent", "end", { outputTemplate: "urgent" }),
      node("big", "end", { outputTemplate: "big" }),
      node("normal", "end", { outputTemplate: "normal" }),
    ],
    [
      edge("start", "check"),
      edge("check", "urgent", "urgent"),
      edge("check", "big", "big"),
      edge("check", "normal", "default"),
    ],
  );

  it("takes the first branch whose expression holds, else default", async () => {
    expect((await run(branching, { message: "URGENT please", variables: { amount: 500 } })).result.output.message).toBe(
      "urgent",
    );
    expect((await run(branching, { message: "hello", variables: { amount: 500 } })).result.output.message).toBe("big");
    expect((await run(branching, { message: "hello", variables: { amount: 5 } })).result.output.message).toBe("normal");
  });
});

describe("loop", () => {
  const counting = (until: string, maxIterations: number) =>
    graph(
      [
        start({ n: 0, passes: [] }),
        node("loop", "loop", { until, maxIterations }),
        node("count", "variable", {
          assignments: [
            { name: "n", expression: "variables.n + 1" },
            { name: "passes", expression: "$append(variables.passes, loop.iteration)" },
          ],
        }),
        end("{{variables.n}}"),
      ],
      [edge("start", "loop"), edge("loop", "count", "body"), edge("count", "loop"), edge("loop", "end", "done")],
    );

  it("runs its body until the condition holds", async () => {
    const { result } = await run(counting("variables.n >= 3", 10));
    expect(result.output.message).toBe("3");
    // The body sees the 0-based pass number.
    expect(result.output.variables.passes).toEqual([0, 1, 2]);
  });

  it("stops at maxIterations when the condition never holds", async () => {
    const { result } = await run(counting("variables.n < 0", 4));
    expect(result.status).toBe("completed");
    expect(result.output.message).toBe("4");
    expect(result.history.filter((h) => h.nodeId === "count")).toHaveLength(4);
    expect(result.history.filter((h) => h.nodeId === "loop")).toHaveLength(5);
  });
});

describe("variable and transform", () => {
  it("sets variables in order, each expression seeing the earlier ones", async () => {
    const { result } = await run(
      linear(
        start(),
        node("vars", "variable", {
          assignments: [
            { name: "price", value: 20 },
            { name: "total", expression: "variables.price * 3" },
            { name: "label", expression: "'Total: ' & $string(variables.total)" },
          ],
        }),
        end("{{variables.label}}"),
      ),
    );
    expect(result.output.message).toBe("Total: 60");
    expect(result.output.variables).toMatchObject({ price: 20, total: 60 });
  });

  it("computes into a variable or says the value as a message", async () => {
    const { result } = await run(
      linear(
        start({ items: [3, 4, 5] }),
        node("sum", "transform", { expression: "$sum(variables.items)", target: "variable", variable: "sum" }),
        node("say", "transform", { expression: "'The sum is ' & $string(variables.sum)", target: "message" }),
        end(),
      ),
    );
    expect(result.output.variables.sum).toBe(12);
    expect(result.output.message).toBe("The sum is 12");
  });
});

describe("http", () => {
  let server: http.Server;
  let base: string;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits += 1;
      if (req.url?.startsWith("/fail")) {
        res.writeHead(500).end("down");
        return;
      }
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, path: req.url, auth: req.headers["x-token"] ?? null, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1";
    resetEnvCache();
  });
  afterAll(async () => {
    delete process.env.LATTICE_HTTP_ALLOWLIST;
    resetEnvCache();
    await new Promise((resolve) => server.close(resolve));
  });

  it("calls an allowed API with rendered url, headers and body, and stores the JSON answer", async () => {
    const { result } = await run(
      linear(
        start({ id: 7, token: "t0k" }),
        node("call", "http", {
          method: "POST",
          url: `${base}/items/{{variables.id}}`,
          headers: { "x-token": "{{variables.token}}" },
          body: '{"q":"{{input.message}}"}',
          responseVariable: "api",
        }),
        end("{{variables.api.body.path}}"),
      ),
      { message: "hi" },
    );
    expect(result.status).toBe("completed");
    expect(result.output.variables.api).toMatchObject({
      status: 200,
      body: { method: "POST", path: "/items/7", auth: "t0k", body: '{"q":"hi"}' },
    });
    expect(result.output.message).toBe("/items/7");
  });

  it("refuses a private address that is not allowed, at run time", async () => {
    const before = hits;
    const { result } = await run(
      linear(start({ host: "10.1.2.3" }), node("call", "http", { url: "http://{{variables.host}}/x" }), end()),
    );
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "node:failed", nodeId: "call" });
    expect(result.error?.message).toContain("10.1.2.3");
    expect(hits).toBe(before);
  });
});

describe("subworkflow", () => {
  it("runs a saved workflow as a child execution and stores its answer and variables", async () => {
    const childId = await saveDefinition(
      userId,
      linear(
        start(),
        node("shout", "transform", { expression: "$uppercase(input.message)", target: "variable", variable: "loud" }),
        end("{{variables.loud}}!"),
      ),
    );
    const tracker = new InMemoryTracker();
    const result = await execute(
      {
        type: "CUSTOM",
        definition: linear(
          start(),
          node("child", "subworkflow", {
            definitionId: childId,
            input: { message: "input.message", variables: "{ 'x': 1 }" },
            outputVariable: "child",
          }),
          end("child said {{variables.child.message}}"),
        ),
        input: { message: "hello" },
      },
      { userId, tracker },
    );
    expect(result.output.message).toBe("child said HELLO!");
    expect(result.output.variables.child).toMatchObject({ message: "HELLO!", variables: { x: 1, loud: "HELLO" } });
    // The child is its own execution, tracked start + complete, linked to its parent.
    const starts = tracker.calls.filter((c) => c.method === "start");
    expect(starts).toHaveLength(2);
    const child = starts.find((c) => c.executionId !== result.executionId);
    expect(child?.method === "start" && child.record).toMatchObject({
      parentExecutionId: result.executionId,
      definitionId: childId,
    });
    expect(tracker.callsFor(child!.executionId).map((c) => c.method)).toEqual(["start", "complete"]);
  });

  it("stops nesting at the depth limit", async () => {
    let innermost = await saveDefinition(userId, linear(start(), end("bottom")));
    for (let level = 0; level < 4; level++) {
      innermost = await saveDefinition(
        userId,
        linear(
          start(),
          node("down", "subworkflow", { definitionId: innermost, outputVariable: "below" }),
          end("{{variables.below.message}}"),
        ),
      );
    }
    const { result } = await run(
      linear(start(), node("top", "subworkflow", { definitionId: innermost, outputVariable: "below" }), end()),
    );
    expect(result.status).toBe("failed");
    expect(result.error?.nodeId).toBe("top");
    expect(result.error?.message).toMatch(/not valid|levels deep|depth/i);
  });
});

describe("failures: retries, timeouts and the error edge", () => {
  const failing = (retry: Record<string, unknown>) =>
    node("boom", "transform", { expression: "$error('kaboom')", target: "variable", variable: "x" }, { retry });

  it("retries with backoff, then follows the error edge to a fallback answer", async () => {
    const { result, events } = await run(
      graph(
        [
          start(),
          failing({ maxAttempts: 3, backoffMs: 20 }),
          node("rescue", "error", { fallbackMessage: "Sorry: {{error.message}}" }),
          end(),
        ],
        [edge("start", "boom"), edge("boom", "end"), edge("boom", "rescue", "error"), edge("rescue", "end")],
      ),
    );
    expect(result.status).toBe("completed");
    expect(result.output.message).toBe("Sorry: kaboom");
    const starts = events.filter((e) => e.type === "node_started" && e.nodeId === "boom");
    expect(starts.map((e) => (e.type === "node_started" ? e.data.attempt : 0))).toEqual([1, 2, 3]);
    const failed = events.find((e) => e.type === "node_failed");
    expect(failed?.type === "node_failed" && failed.data).toMatchObject({
      nodeId: "boom",
      attempts: 3,
      handled: true,
      error: "kaboom",
    });
    // Backoff: 20 ms then 40 ms between the three attempts.
    expect(failed?.type === "node_failed" && failed.data.durationMs).toBeGreaterThanOrEqual(55);
    expect(result.history.map((h) => [h.nodeId, h.status])).toEqual([
      ["start", "completed"],
      ["boom", "failed"],
      ["rescue", "completed"],
      ["end", "completed"],
    ]);
    expect(result.output.variables.last_error).toMatchObject({ nodeId: "boom", message: "kaboom" });
  });

  it("fails the run when a failing node has no error edge", async () => {
    const { result, tracker } = await run(linear(start(), failing({ maxAttempts: 2, backoffMs: 1 }), end()));
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "node:failed", nodeId: "boom" });
    expect(result.error?.message).toContain("after 2 attempts: kaboom");
    expect(result.history.at(-1)).toMatchObject({ nodeId: "boom", status: "failed", attempts: 2 });
    expect(tracker.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "fail"]);
    expect(tracker.eventsFor(result.executionId).at(-1)?.type).toBe("run_failed");
    // The monitor sees the node fail before the run does.
    expect(tracker.eventsFor(result.executionId).slice(-2)).toMatchObject([
      { type: "node_failed", nodeId: "boom", data: { attempts: 2, handled: false } },
      { type: "run_failed" },
    ]);
  });

  it("reports a node that fails at once (no retry, no error edge): node_started, node_failed, then run_failed", async () => {
    const boom = node("boom", "transform", { expression: "$number('nineteen')", outputVariable: "n" });
    const { result, tracker } = await run(linear(start(), boom, end()));
    expect(result.status).toBe("failed");
    expect(tracker.eventsFor(result.executionId).map((e) => `${e.type}:${e.nodeId ?? ""}`)).toEqual([
      "run_started:",
      "node_started:start",
      "node_completed:start",
      "node_started:boom",
      "node_failed:boom",
      "run_failed:",
    ]);
  });

  it("gives each attempt a time limit, then retries, then fails or follows the error edge", async () => {
    const slowModel = node(
      "model",
      "model",
      { provider: "local", model: "slow", latencyMs: 40 },
      { retry: { maxAttempts: 2, backoffMs: 1, timeoutMs: 150 } },
    );
    const started = Date.now();
    const { result } = await run(linear(start(), slowModel, end()), { message: "take your time" });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "node:timeout", nodeId: "model" });
    expect(result.error?.message).toContain("longer than 150 ms");
    expect(Date.now() - started).toBeLessThan(2_000);

    const rescued = await run(
      graph(
        [start(), slowModel, node("rescue", "error", { fallbackMessage: "Too slow ({{error.nodeId}})." }), end()],
        [edge("start", "model"), edge("model", "end"), edge("model", "rescue", "error"), edge("rescue", "end")],
      ),
      { message: "take your time" },
    );
    expect(rescued.result.status).toBe("completed");
    expect(rescued.result.output.message).toBe("Too slow (model).");
  });
});
