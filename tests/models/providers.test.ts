/**
 * The remote providers, driven over real HTTP against the local wire-format server, with every fetch to
 * anything but 127.0.0.1 blocked (it hangs, as an offline network does): a code path that tried to download
 * a tokenizer would stall these tests instead of finishing in milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import {
  type AIMessageChunk,
  HumanMessage,
  SystemMessage,
  type ToolMessage,
  type AIMessage,
} from "@langchain/core/messages";
import { resetEnvCache } from "@/lib/env";
import { getChatModel, listModelProviders } from "@/lib/models";
import { createTools } from "@/lib/tools";
import { startWireServer, wirePieces, wireTokenCount, type WireServer } from "@/tests/helpers/wire-server";

const PROVIDER_ENV = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "OLLAMA_BASE_URL",
] as const;
const saved: Record<string, string | undefined> = {};
let wire: WireServer;
const originalFetch = globalThis.fetch;
const blockedFetches: string[] = [];

beforeAll(async () => {
  wire = await startWireServer();
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.hostname === "127.0.0.1") return originalFetch(input, init);
    blockedFetches.push(url.toString());
    return new Promise<Response>(() => {}); // the offline black hole
  }) as typeof fetch;
  for (const key of PROVIDER_ENV) saved[key] = process.env[key];
  delete process.env.OPENAI_API_KEY; // a local OpenAI-compatible server needs no key
  process.env.OPENAI_BASE_URL = `${wire.url}/v1`;
  process.env.ANTHROPIC_API_KEY = "test-key";
  process.env.ANTHROPIC_BASE_URL = wire.url;
  process.env.OLLAMA_BASE_URL = wire.url;
  resetEnvCache();
});

afterAll(async () => {
  globalThis.fetch = originalFetch;
  for (const key of PROVIDER_ENV) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  resetEnvCache();
  await wire.close();
  expect(blockedFetches).toEqual([]);
});

const MODELS = { openai: "gpt-4o-mini", anthropic: "claude-haiku-4-5", ollama: "llama3.2" } as const;
type Provider = keyof typeof MODELS;
const PROVIDERS = Object.keys(MODELS) as Provider[];

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk[]> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function lastRequest() {
  return wire.requests.at(-1)!;
}

describe("remote providers over the wire", () => {
  it("are configured from env", () => {
    const providers = listModelProviders();
    expect(providers.map((p) => [p.id, p.configured])).toEqual([
      ["local", true],
      ["openai", true],
      ["anthropic", true],
      ["ollama", true],
    ]);
  });

  it.each(PROVIDERS)("%s streams tokens and reports the server's usage", async (provider) => {
    const model = getChatModel({ provider, model: MODELS[provider], temperature: 0 });
    const input = [new SystemMessage("Be kind."), new HumanMessage("tell me something nice")];
    const started = Date.now();
    const chunks = await collect(await model.stream(input));
    expect(Date.now() - started).toBeLessThan(5000);

    const expected = `Hello from ${provider} ${MODELS[provider]}. You said: tell me something nice`;
    const textChunks = chunks.map((c) => c.content).filter((c) => c !== "");
    expect(textChunks).toEqual(wirePieces(expected));
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.content).toBe(expected);
    expect(merged.usage_metadata).toMatchObject({
      input_tokens: wireTokenCount("Be kind. tell me something nice"),
      output_tokens: wireTokenCount(expected),
      total_tokens: wireTokenCount("Be kind. tell me something nice") + wireTokenCount(expected),
    });
    expect(lastRequest()).toMatchObject({ provider, model: MODELS[provider], stream: true });
  });

  it.each(PROVIDERS)("%s answers a plain invoke with usage", async (provider) => {
    const model = getChatModel({ provider, model: MODELS[provider] });
    const reply = await model.invoke([new HumanMessage("ping")]);
    const expected = `Hello from ${provider} ${MODELS[provider]}. You said: ping`;
    expect(reply.content).toBe(expected);
    expect(reply.usage_metadata).toMatchObject({ input_tokens: 1, output_tokens: wireTokenCount(expected) });
  });

  it.each(PROVIDERS)("%s does a tool-call round trip with the real calculator", async (provider) => {
    const tools = createTools(["calculator", "current_time"], { ownerId: "u", depth: 0 });
    const model = getChatModel({ provider, model: MODELS[provider] }).bindTools!(tools);
    const question = new HumanMessage("use calculator on (2+3)*4");

    const chunks = await collect(await model.stream([question]));
    const call = chunks.reduce((a, b) => a.concat(b));
    expect(call.tool_calls).toHaveLength(1);
    expect(call.tool_calls![0]).toMatchObject({ name: "calculator", args: { expression: "(2+3)*4" } });
    expect(lastRequest().tools.map((t) => t.name)).toEqual(["calculator", "current_time"]);

    const calculator = tools.find((t) => t.name === "calculator")!;
    const result = (await calculator.invoke(call.tool_calls![0]!)) as ToolMessage;
    expect(result.content).toBe("20");

    const answer = (await model.invoke([question, call as unknown as AIMessage, result])) as AIMessage;
    expect(answer.content).toBe("The calculator result is 20.");
    expect(answer.tool_calls ?? []).toHaveLength(0);
    expect(lastRequest().messages.at(-1)).toEqual({ role: "tool", content: "20", toolName: "calculator" });
  });

  it.each(PROVIDERS)("%s stops streaming when aborted", async (provider) => {
    const slow = await startWireServer({
      latencyMs: 100,
      respond: () => ({ text: "one two three four five six seven eight nine ten" }),
    });
    const envKey =
      provider === "openai" ? "OPENAI_BASE_URL" : provider === "anthropic" ? "ANTHROPIC_BASE_URL" : "OLLAMA_BASE_URL";
    const previous = process.env[envKey];
    process.env[envKey] = provider === "openai" ? `${slow.url}/v1` : slow.url;
    resetEnvCache();
    try {
      const model = getChatModel({ provider, model: MODELS[provider] });
      const controller = new AbortController();
      const received: string[] = [];
      const started = Date.now();
      await expect(
        (async () => {
          for await (const chunk of await model.stream("go", { signal: controller.signal })) {
            if (chunk.content) received.push(String(chunk.content));
            if (received.length === 2) controller.abort();
          }
        })(),
      ).rejects.toThrow(/abort/i);
      expect(received.length).toBe(2);
      expect(Date.now() - started).toBeLessThan(800);
    } finally {
      process.env[envKey] = previous;
      resetEnvCache();
      await slow.close();
    }
  });
});

/** A callback handler that asks for streaming, as LangGraph's "messages" stream mode does. */
class PrefersStreaming extends BaseCallbackHandler {
  name = "prefers-streaming";
  lc_prefer_streaming = true;
  tokens: string[] = [];
  override handleLLMNewToken(token: string) {
    this.tokens.push(token);
  }
}

describe("OpenAI offline (no tokenizer download)", () => {
  it("asks the server for usage instead of counting tokens itself", async () => {
    const model = getChatModel({ provider: "openai", model: "gpt-4o-mini" });
    await collect(await model.stream("hello"));
    expect(lastRequest().body.stream_options).toEqual({ include_usage: true });
    // No key configured (a local server): no authorization header at all.
    expect(lastRequest().headers.authorization).toBeUndefined();
  });

  it("completes streaming calls quickly on every path, with no fetch beyond the local server", async () => {
    const model = getChatModel({ provider: "openai", model: "gpt-4o-mini" });
    const started = Date.now();

    // 1. .stream()
    await collect(await model.stream("one"));
    // 2. invoke with a streaming-preferring handler (how LangGraph streams tokens)
    const handler = new PrefersStreaming();
    const viaHandler = await model.invoke("two", { callbacks: [handler] });
    expect(handler.tokens.join("")).toBe(viaHandler.content);
    expect(viaHandler.usage_metadata?.output_tokens).toBeGreaterThan(0);
    // 3. a plain invoke (the model's _generate)
    const plain = await model.invoke("three");
    expect(plain.content).toContain("You said: three");
    expect(plain.usage_metadata?.output_tokens).toBeGreaterThan(0);
    // 4. explicit token counting
    expect(await model.getNumTokens("hello world")).toBe(2);

    expect(Date.now() - started).toBeLessThan(5000);
    expect(blockedFetches).toEqual([]);
  });
});

describe("unconfigured providers", () => {
  it("fail with a message naming the missing setting", () => {
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    resetEnvCache();
    try {
      expect(listModelProviders().find((p) => p.id === "anthropic")!.configured).toBe(false);
      expect(() => getChatModel({ provider: "anthropic", model: "claude-haiku-4-5" })).toThrow(/set ANTHROPIC_API_KEY/);
    } finally {
      process.env.ANTHROPIC_API_KEY = previous;
      resetEnvCache();
    }
  });
});

describe("OpenAI-compatible model instances", () => {
  it("are made once per model, connection and options, and answer each call on their own", async () => {
    const spec = { provider: "openai", model: MODELS.openai, maxTokens: 64 };
    const first = getChatModel(spec);
    expect(getChatModel({ ...spec })).toBe(first);
    // Anything that shapes the requests is a model of its own.
    expect(getChatModel({ ...spec, maxTokens: 32 })).not.toBe(first);
    expect(getChatModel({ ...spec, temperature: 0.5 })).not.toBe(first);
    expect(getChatModel({ ...spec, model: "gpt-4o" })).not.toBe(first);
    const otherKey = getChatModel({
      ...spec,
      connection: { apiKey: "sk-rotated-key-0001", baseUrl: `${wire.url}/v1` },
    });
    expect(otherKey).not.toBe(first);
    expect(
      getChatModel({ ...spec, connection: { apiKey: "sk-rotated-key-0002", baseUrl: `${wire.url}/v1` } }),
    ).not.toBe(otherKey);
    // Shared, the instance still answers two calls at once, each with its own stream.
    const [a, b] = await Promise.all([
      first.invoke([new HumanMessage("one")]),
      first.invoke([new HumanMessage("two")]),
    ]);
    expect(a.content).not.toBe("");
    expect(b.content).not.toBe("");
  });
});
