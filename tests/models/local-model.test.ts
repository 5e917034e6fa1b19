import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AIMessage, type AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { getChatModel, listModelProviders, localModelStats } from "@/lib/models";
import { formatRetrievalContext, formatSummaryMessage, LocalChatModel } from "@/lib/models/local";
import { countTokens } from "@/lib/models/tokens";

const calculator = tool(async ({ expression }: { expression: string }) => (expression === "2+2" ? "4" : "?"), {
  name: "calculator",
  description: "Evaluates arithmetic",
  schema: z.object({ expression: z.string() }),
});
const currentTime = tool(async () => "12:00", {
  name: "current_time",
  description: "The time",
  schema: z.object({ timezone: z.string().optional() }),
});

async function collect(stream: AsyncIterable<AIMessageChunk>) {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("local model", () => {
  it("is listed, needs no key, and is configured", () => {
    const local = listModelProviders().find((p) => p.id === "local");
    expect(local).toMatchObject({ configured: true, models: ["echo", "scripted", "slow"] });
  });

  it("answers deterministically, showing what it received", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    const input = [
      new SystemMessage("Be brief."),
      new HumanMessage("first"),
      new AIMessage("ok"),
      new HumanMessage("hello there"),
    ];
    const a = await model.invoke(input);
    const b = await model.invoke(input);
    expect(a.content).toBe(b.content);
    expect(a.content).toBe('You said: "hello there". Earlier messages: 2. Summary: none. Context: none.');
  });

  it("shows a conversation summary and quotes the retrieval context", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    const reply = await model.invoke([
      new SystemMessage(formatSummaryMessage("The user asked about Paris earlier.")),
      new SystemMessage(
        formatRetrievalContext("Lattice stores every run in Postgres and streams events to the monitor."),
      ),
      new HumanMessage("where are runs stored?"),
    ]);
    expect(reply.content).toContain("Summary: yes");
    expect(reply.content).toContain('Context: "Lattice stores every run in Postgres and streams"');
    expect(reply.content).toContain("Earlier messages: 0");
  });

  it("streams token by token and reports usage on the final chunk", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    const chunks = await collect(await model.stream([new HumanMessage("count the tokens in this sentence please")]));
    const textChunks = chunks.filter((c) => c.content !== "");
    const text = textChunks.map((c) => c.content).join("");
    expect(textChunks.length).toBe(countTokens(text));
    for (const c of textChunks) expect(countTokens(String(c.content))).toBe(1);
    const usage = chunks.at(-1)!.usage_metadata!;
    expect(usage.output_tokens).toBe(countTokens(text));
    expect(usage.input_tokens).toBeGreaterThan(countTokens("count the tokens in this sentence please"));
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    // invoke reports the same usage on the final AIMessage
    const invoked = await model.invoke([new HumanMessage("count the tokens in this sentence please")]);
    expect(invoked.content).toBe(text);
    expect(invoked.usage_metadata).toMatchObject(usage);
  });

  it("keeps multi-byte characters whole while streaming", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    const chunks = await collect(await model.stream([new HumanMessage("naïve café 😀 日本語")]));
    const text = chunks.map((c) => c.content).join("");
    expect(text).toContain("naïve café 😀 日本語");
    expect(text).not.toContain("\uFFFD");
  });

  it("emits a tool call when a bound tool is named, then answers with the result", async () => {
    const model = getChatModel({ provider: "local", model: "echo" }).bindTools!([calculator, currentTime]);
    const human = new HumanMessage("use calculator on 2+2");
    const call = await model.invoke([human]);
    expect(call.tool_calls).toHaveLength(1);
    expect(call.tool_calls![0]).toMatchObject({ name: "calculator", args: { expression: "2+2" } });
    expect(call.usage_metadata!.output_tokens).toBeGreaterThan(0);

    const result = await calculator.invoke(call.tool_calls![0]!);
    expect(result).toBeInstanceOf(ToolMessage);
    const answer = await model.invoke([human, call, result]);
    expect(answer.tool_calls ?? []).toHaveLength(0);
    expect(answer.content).toBe("calculator returned: 4");
  });

  it("understands call syntax with JSON arguments, streamed as tool-call chunks", async () => {
    const model = getChatModel({ provider: "local", model: "echo" }).bindTools!([calculator, currentTime]);
    const chunks = await collect(
      await model.stream([new HumanMessage('please run current_time({"timezone":"Europe/Paris"})')]),
    );
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.tool_calls).toEqual([
      expect.objectContaining({ name: "current_time", args: { timezone: "Europe/Paris" } }),
    ]);
  });

  it("does not call tools that are not bound, nor when none is named", async () => {
    const plain = await getChatModel({ provider: "local", model: "echo" }).invoke([
      new HumanMessage("use calculator on 2+2"),
    ]);
    expect(plain.tool_calls ?? []).toHaveLength(0);
    const bound = getChatModel({ provider: "local", model: "echo" }).bindTools!([calculator]);
    const noTool = await bound.invoke([new HumanMessage("just chat with me")]);
    expect(noTool.tool_calls ?? []).toHaveLength(0);
  });

  it("scripted replies in turn, and a script entry can be a tool call", async () => {
    const model = getChatModel({ provider: "local", model: "scripted", script: ["one", "two"] });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push((await model.invoke("x")).content);
    expect(replies).toEqual(["one", "two", "one"]);

    const agent = new LocalChatModel({
      model: "scripted",
      script: ['calculator({"expression":"2+2"})', "done"],
    }).bindTools([calculator]);
    const first = await agent.invoke("go");
    expect(first.tool_calls![0]).toMatchObject({ name: "calculator", args: { expression: "2+2" } });
    expect((await agent.invoke("go")).content).toBe("done");
  });

  it("cuts the answer at maxTokens", async () => {
    const model = getChatModel({ provider: "local", model: "echo", maxTokens: 3 });
    const reply = await model.invoke([new HumanMessage("a long question that produces a long echo")]);
    expect(reply.usage_metadata!.output_tokens).toBe(3);
    expect(countTokens(String(reply.content))).toBe(3);
    expect(reply.response_metadata.finish_reason).toBe("length");
  });

  it("counts every generation request", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    const before = localModelStats.requests;
    await model.invoke("one");
    await collect(await model.stream("two"));
    await model.bindTools!([calculator]).invoke("use calculator on 1+1");
    expect(localModelStats.requests - before).toBe(3);
  });

  it("stops at once when aborted mid-stream, and starts nothing once aborted", async () => {
    const model = getChatModel({ provider: "local", model: "slow", latencyMs: 20 });
    const controller = new AbortController();
    const before = localModelStats.requests;
    const received: string[] = [];
    const started = Date.now();
    await expect(
      (async () => {
        for await (const chunk of await model.stream("tell me a long story", { signal: controller.signal })) {
          received.push(String(chunk.content));
          if (received.length === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(received.length).toBe(3);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(localModelStats.requests - before).toBe(1);

    await expect(model.invoke("again", { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(localModelStats.requests - before).toBe(1);
  });

  it("streams tokens to callback handlers that prefer streaming (LangGraph's messages mode)", async () => {
    class Collector extends BaseCallbackHandler {
      name = "collector";
      lc_prefer_streaming = true;
      tokens: string[] = [];
      override handleLLMNewToken(token: string) {
        this.tokens.push(token);
      }
    }
    const handler = new Collector();
    const reply = await getChatModel({ provider: "local", model: "echo" }).invoke("stream me", {
      callbacks: [handler],
    });
    expect(handler.tokens.length).toBeGreaterThan(5);
    expect(handler.tokens.join("")).toBe(reply.content);
    expect(reply.usage_metadata!.output_tokens).toBe(countTokens(String(reply.content)));

    // Aborting an invoke that streams to a handler stops it too.
    const controller = new AbortController();
    const slowHandler = new Collector();
    setTimeout(() => controller.abort(), 60);
    await expect(
      getChatModel({ provider: "local", model: "slow", latencyMs: 20 }).invoke("x", {
        callbacks: [slowHandler],
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    expect(slowHandler.tokens.length).toBeLessThan(10);
  });

  it("slow streams many tokens with latency between them", async () => {
    const model = getChatModel({ provider: "local", model: "slow", latencyMs: 1 });
    const chunks = await collect(await model.stream("hi"));
    expect(chunks.filter((c) => c.content !== "").length).toBeGreaterThan(100);
    expect(chunks.at(-1)!.usage_metadata!.output_tokens).toBeGreaterThan(100);
  });

  it("rejects unknown local models and providers", () => {
    expect(() => getChatModel({ provider: "local", model: "gpt-9" })).toThrow(/Unknown local model "gpt-9"/);
    expect(() => getChatModel({ provider: "acme", model: "x" })).toThrow(/Unknown model provider "acme"/);
  });

  it("counts tokens offline through getNumTokens", async () => {
    const model = getChatModel({ provider: "local", model: "echo" });
    expect(await model.getNumTokens("hello world")).toBe(2);
  });
});
