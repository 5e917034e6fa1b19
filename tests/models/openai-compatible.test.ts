/**
 * The `openai` provider's own Chat Completions client, over real HTTP: the wire-format server for answers,
 * tool calls and cancellation; tiny `node:http` servers for failures, retries and awkward streams.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AIMessage,
  type AIMessageChunk,
  HumanMessage,
  SystemMessage,
  type ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { OpenAICompatibleChatModel, SseDataReader, toWireMessage } from "@/lib/models/openai-compatible";
import { startWireServer, wirePieces, wireTokenCount, type WireServer } from "@/tests/helpers/wire-server";

const KEY = "sk-test-0123456789abcdef";
let wire: WireServer;

beforeAll(async () => {
  wire = await startWireServer();
});
afterAll(async () => {
  await wire.close();
});

function wireModel(fields: Partial<ConstructorParameters<typeof OpenAICompatibleChatModel>[0]> = {}) {
  return new OpenAICompatibleChatModel({ model: "gpt-4o-mini", baseURL: `${wire.url}/v1`, apiKey: KEY, ...fields });
}

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk[]> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const lookup = tool(async ({ city }: { city: string }) => `Sunny in ${city}`, {
  name: "weather",
  description: "The weather in a city",
  schema: z.object({ city: z.string() }),
});

interface TestServer {
  url: string;
  hits: number;
  connections: number;
  close(): Promise<void>;
}

/** A throwaway HTTP server; `handler` gets the request's number (1, 2, …). */
async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void,
): Promise<TestServer> {
  const state = { hits: 0, connections: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res, ++state.hits));
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get hits() {
      return state.hits;
    },
    get connections() {
      return state.connections;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The error a call rejects with (failing the test if it resolves). */
async function rejection(call: Promise<unknown>): Promise<Error & { status?: number }> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as Error & { status?: number },
  );
}

function sse(res: http.ServerResponse, events: unknown[]): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  res.end("data: [DONE]\n\n");
}

const okEvents = [
  { id: "chatcmpl-ok", model: "m", choices: [{ index: 0, delta: { content: "fine" }, finish_reason: null }] },
  { id: "chatcmpl-ok", model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
  { id: "chatcmpl-ok", model: "m", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
];

describe("OpenAICompatibleChatModel over the wire", () => {
  it("streams the answer text by text and ends with the server's usage", async () => {
    const model = wireModel({ temperature: 0.2, maxTokens: 50, organization: "org-1" });
    const chunks = await collect(
      await model.stream([new SystemMessage("Be kind."), new HumanMessage("tell me something nice")]),
    );

    const expected = "Hello from openai gpt-4o-mini. You said: tell me something nice";
    // The opening empty role delta is skipped; the finish and usage chunks carry no text.
    expect(chunks.map((c) => c.content).filter((c) => c !== "")).toEqual(wirePieces(expected));
    expect(chunks).toHaveLength(wirePieces(expected).length + 2);
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.content).toBe(expected);
    expect(merged.id).toMatch(/^chatcmpl-\d+$/);
    const inputTokens = wireTokenCount("Be kind. tell me something nice");
    expect(merged.usage_metadata).toMatchObject({
      input_tokens: inputTokens,
      output_tokens: wireTokenCount(expected),
      total_tokens: inputTokens + wireTokenCount(expected),
    });
    expect(merged.response_metadata).toMatchObject({
      model_provider: "openai",
      model_name: "gpt-4o-mini",
      finish_reason: "stop",
    });

    const request = wire.requests.at(-1)!;
    expect(request.body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: "system", content: "Be kind." },
        { role: "user", content: "tell me something nice" },
      ],
    });
    expect(request.body).not.toHaveProperty("tools");
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      "openai-organization": "org-1",
      accept: "text/event-stream",
      "content-type": "application/json",
    });
  });

  it("answers invoke with one message, usage and metadata", async () => {
    const reply = await wireModel().invoke([new HumanMessage("ping")]);
    expect(reply).toBeInstanceOf(AIMessage);
    expect(reply.content).toBe("Hello from openai gpt-4o-mini. You said: ping");
    expect(reply.usage_metadata).toMatchObject({ input_tokens: 1, output_tokens: 7, total_tokens: 8 });
    expect(reply.response_metadata).toMatchObject({ model_provider: "openai", finish_reason: "stop" });
  });

  it("calls a bound tool, then answers with its result", async () => {
    const model = wireModel().bindTools([lookup], { tool_choice: "auto" });
    const question = new HumanMessage("use weather on Paris");
    const call = (await collect(await model.stream([question]))).reduce((a, b) => a.concat(b));
    expect(call.tool_calls).toEqual([
      { type: "tool_call", id: expect.stringMatching(/^call_/), name: "weather", args: { city: "Paris" } },
    ]);
    expect(call.response_metadata.finish_reason).toBe("tool_calls");
    const sent = wire.requests.at(-1)!.body;
    expect(sent.tools).toEqual([
      {
        type: "function",
        function: expect.objectContaining({
          name: "weather",
          description: "The weather in a city",
          parameters: expect.objectContaining({ required: ["city"] }),
        }),
      },
    ]);
    expect(sent.tool_choice).toBe("auto");

    const result = (await lookup.invoke(call.tool_calls![0]!)) as ToolMessage;
    const answer = await model.invoke([question, call, result]);
    expect(answer.content).toBe("The weather result is Sunny in Paris.");
    expect(answer.tool_calls).toEqual([]);
    const messages = wire.requests.at(-1)!.body.messages as unknown[];
    expect(messages[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: call.tool_calls![0]!.id, type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
      ],
    });
    expect(messages[2]).toEqual({
      role: "tool",
      content: "Sunny in Paris",
      tool_call_id: call.tool_calls![0]!.id,
      name: "weather",
    });
  });

  it("forces a tool by name through tool_choice", async () => {
    await collect(await wireModel().bindTools([lookup], { tool_choice: "weather" }).stream("use weather on Oslo"));
    expect(wire.requests.at(-1)!.body.tool_choice).toEqual({ type: "function", function: { name: "weather" } });
  });

  it("stops the request when aborted mid-stream", async () => {
    const sent: string[] = [];
    const slow = await startWireServer({
      latencyMs: 40,
      respond: () => ({ text: "one two three four five six seven eight nine ten" }),
      onTextPiece: (_request, piece) => sent.push(piece),
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: `${slow.url}/v1` });
      const controller = new AbortController();
      const received: string[] = [];
      await expect(
        (async () => {
          for await (const chunk of await model.stream("go", { signal: controller.signal })) {
            if (chunk.content) received.push(String(chunk.content));
            if (received.length === 2) controller.abort();
          }
        })(),
      ).rejects.toThrow(/abort/i);
      expect(received).toHaveLength(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The server saw the connection close: it stopped writing right after the abort.
      expect(sent.length).toBeLessThanOrEqual(3);
    } finally {
      await slow.close();
    }
  });

  it("does not start a request when already aborted", async () => {
    const before = wire.requests.length;
    await expect(wireModel().invoke("hi", { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    expect(wire.requests.length).toBe(before);
  });

  it("reuses one keep-alive connection across calls", async () => {
    const server = await startServer((_req, res) => sse(res, okEvents));
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      for (let i = 0; i < 3; i++) expect((await model.invoke("hi")).content).toBe("fine");
      expect(server.hits).toBe(3);
      expect(server.connections).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("sends no authorization header without a key", async () => {
    await wireModel({ apiKey: undefined }).invoke("hi");
    expect(wire.requests.at(-1)!.headers).not.toHaveProperty("authorization");
  });
});

describe("OpenAICompatibleChatModel failures", () => {
  it("surfaces the provider's message for a 401 and does not retry it", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }));
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url, apiKey: KEY });
      await expect(model.invoke("hi")).rejects.toThrow(
        "OpenAI-compatible server answered 401: Incorrect API key provided",
      );
      expect(server.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("retries a 503 and succeeds, honouring retry-after-ms", async () => {
    const server = await startServer((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(503, { "content-type": "application/json", "retry-after-ms": "20" });
        res.end(JSON.stringify({ error: { message: "overloaded" } }));
      } else sse(res, okEvents);
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      const reply = await model.invoke("hi");
      expect(reply.content).toBe("fine");
      expect(reply.usage_metadata).toMatchObject({ input_tokens: 1, output_tokens: 1, total_tokens: 2 });
      expect(server.hits).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("gives up after maxRetries with the last status", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(429, { "retry-after": "0" });
      res.end("slow down");
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url, maxRetries: 2 });
      await expect(model.invoke("hi")).rejects.toThrow("OpenAI-compatible server answered 429: slow down");
      expect(server.hits).toBe(3);
    } finally {
      await server.close();
    }
  });

  it("does not retry a 400, and quotes a body that is not JSON", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(`bad request: ${"x".repeat(1000)}`);
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      const error = await rejection(model.invoke("hi"));
      expect(error.message).toMatch(/^OpenAI-compatible server answered 400: bad request: x+$/);
      expect(error.message.length).toBeLessThan(600);
      expect(error.status).toBe(400);
      expect(server.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("never puts the API key in an error message, even when the server echoes it", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `Key ${req.headers.authorization} is not allowed here` } }));
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url, apiKey: KEY });
      const error = await rejection(model.invoke("hi"));
      expect(error.message).toBe("OpenAI-compatible server answered 403: Key Bearer [redacted] is not allowed here");
      expect(`${error.message} ${error.stack}`).not.toContain(KEY);
      expect(JSON.stringify(model)).not.toContain(KEY);
    } finally {
      await server.close();
    }
    // Nothing listens on the closed server's port any more: a connection error, retried, then reported.
    const unreachable = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url, apiKey: KEY, maxRetries: 1 });
    const error = await rejection(unreachable.invoke("hi"));
    expect(error.message).toMatch(/^Could not reach the OpenAI-compatible server at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(error.message).not.toContain(KEY);
  });

  it("retries a connection dropped before the answer, but not a stream that broke off", async () => {
    const dropped = await startServer((req, res, hit) => {
      if (hit === 1) req.socket.destroy();
      else sse(res, okEvents);
    });
    const broken = await startServer((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify(okEvents[0])}\n\n`);
      setTimeout(() => req.socket.destroy(), 20);
    });
    try {
      expect((await new OpenAICompatibleChatModel({ model: "m", baseURL: dropped.url }).invoke("hi")).content).toBe(
        "fine",
      );
      expect(dropped.hits).toBe(2);

      const received: string[] = [];
      await expect(
        (async () => {
          for await (const chunk of await new OpenAICompatibleChatModel({ model: "m", baseURL: broken.url }).stream(
            "hi",
          )) {
            received.push(String(chunk.content));
          }
        })(),
      ).rejects.toThrow(/stream broke off/);
      expect(received).toEqual(["fine"]);
      expect(broken.hits).toBe(1);
    } finally {
      await dropped.close();
      await broken.close();
    }
  });

  it("reports an error the server sends inside the stream", async () => {
    const server = await startServer((_req, res) =>
      sse(res, [okEvents[0], { error: { message: "context length exceeded" } }]),
    );
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      await expect(model.invoke("hi")).rejects.toThrow(
        "The OpenAI-compatible server failed mid-stream: context length exceeded",
      );
    } finally {
      await server.close();
    }
  });

  it("says so when a server ignores stream: true", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "c", choices: [{ message: { role: "assistant", content: "hi" } }] }));
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      await expect(model.invoke("hi")).rejects.toThrow(
        /^OpenAI-compatible server answered 200 without a stream: \{"id":"c"/,
      );
      expect(server.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("gives up after timeoutMs", async () => {
    const server = await startServer(() => {}); // never answers
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url, timeoutMs: 100 });
      const started = Date.now();
      await expect(model.invoke("hi")).rejects.toThrow("did not finish answering within 100 ms");
      expect(Date.now() - started).toBeLessThan(1000);
      expect(server.hits).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe("the SSE stream", () => {
  it("is read correctly however the bytes are split (mid-line, mid-character, CRLF, comments)", async () => {
    const text = "Grüße, 世界 🌍!";
    const payload = Buffer.from(
      ": keep-alive\r\n\r\n" +
        "event: message\r\nid: 1\r\n" +
        `data: ${JSON.stringify({ id: "c1", model: "m", choices: [{ delta: { content: text }, finish_reason: null }] })}\r\n\r\n` +
        `data: ${JSON.stringify({ id: "c1", model: "m", choices: [{ delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } })}\n\n` +
        "data: [DONE]\n\n",
      "utf8",
    );
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      // One byte per write, so multi-byte characters arrive in pieces.
      let i = 0;
      const next = () => {
        if (i >= payload.length) return res.end();
        res.write(payload.subarray(i, ++i), next);
      };
      next();
    });
    try {
      const model = new OpenAICompatibleChatModel({ model: "m", baseURL: server.url });
      const reply = await model.invoke("hi");
      expect(reply.content).toBe(text);
      expect(reply.usage_metadata).toMatchObject({ input_tokens: 2, output_tokens: 3, total_tokens: 5 });
    } finally {
      await server.close();
    }
  });

  it("joins multi-line data and keeps an unterminated last event", () => {
    const reader = new SseDataReader();
    expect(reader.push("data: a\nda")).toEqual([]);
    expect(reader.push("ta: b\n\n:c\ndata:x")).toEqual(["a\nb"]);
    expect(reader.end()).toEqual(["x"]);
  });
});

describe("message conversion", () => {
  it("converts text and image content to OpenAI parts", () => {
    const message = new HumanMessage({
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
        { type: "image_url", image_url: "https://example.com/b.png" },
        { type: "image", url: "https://example.com/c.png" },
        { type: "image", data: "aGk=", mimeType: "image/jpeg" },
      ],
    });
    expect(toWireMessage(message)).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
        { type: "image_url", image_url: { url: "https://example.com/b.png" } },
        { type: "image_url", image_url: { url: "https://example.com/c.png" } },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,aGk=" } },
      ],
    });
  });

  it("sends multimodal content over the wire and keeps names", async () => {
    await wireModel().invoke([
      new SystemMessage({ content: "Context: x", name: "retrieval_context" }),
      new HumanMessage({
        content: [
          { type: "text", text: "describe" },
          { type: "image", url: "https://example.com/d.png" },
        ],
        name: "ada",
      }),
    ]);
    expect(wire.requests.at(-1)!.body.messages).toEqual([
      { role: "system", content: "Context: x", name: "retrieval_context" },
      {
        role: "user",
        name: "ada",
        content: [
          { type: "text", text: "describe" },
          { type: "image_url", image_url: { url: "https://example.com/d.png" } },
        ],
      },
    ]);
  });

  it("uses developer messages and max_completion_tokens for reasoning models", async () => {
    await wireModel({ model: "o4-mini", maxTokens: 100 }).invoke([new SystemMessage("rules"), new HumanMessage("hi")]);
    const body = wire.requests.at(-1)!.body;
    expect(body.messages).toEqual([
      { role: "developer", content: "rules" },
      { role: "user", content: "hi" },
    ]);
    expect(body).toMatchObject({ max_completion_tokens: 100 });
    expect(body).not.toHaveProperty("max_tokens");
  });
});
