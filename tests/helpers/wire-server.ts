/**
 * A small local HTTP server that speaks three providers' wire formats, so tests and benchmarks can drive
 * the real LangChain provider classes over real HTTP with no network:
 * - OpenAI chat completions  POST /v1/chat/completions  (JSON, or SSE with a final usage chunk when
 *   `stream_options.include_usage` is set; tool calls streamed as function-argument deltas)
 * - Anthropic messages       POST /v1/messages          (JSON, or SSE: message_start … content_block_delta …
 *   message_delta with usage … message_stop; tool_use blocks with input_json_delta)
 * - Ollama chat              POST /api/chat             (NDJSON stream, or one JSON object with stream=false)
 * - OpenAI embeddings         POST /v1/embeddings        ({ model, input } → { data: [{ index, embedding }] })
 * - Ollama embeddings         POST /api/embed            ({ model, input } → { embeddings })
 *   Deterministic, and semantic enough for retrieval tests: see wireEmbedding (a hashed bag of concepts).
 *   An input containing "wire:embed-error" makes the whole request answer HTTP 500.
 * Behaviour is deterministic: a tool call when tools are offered and the last user message says
 * "use <tool> on <argument>", an answer quoting the result after a tool message, and otherwise a greeting
 * that repeats the last user message. Tokens are whitespace-separated words, so usage is predictable.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type WireProvider = "openai" | "anthropic" | "ollama";

export interface WireMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** For tool results: the tool whose result this is. */
  toolName?: string;
}

export interface WireTool {
  name: string;
  /** The first required (or first) parameter: what "use <tool> on <argument>" fills. */
  primaryParam?: string;
}

export interface WireRequest {
  provider: WireProvider;
  model: string;
  messages: WireMessage[];
  tools: WireTool[];
  stream: boolean;
  /** The parsed request body, for assertions on what the client sent. */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export type WireReply = { text: string } | { toolCall: { name: string; args: Record<string, unknown> } };

export interface WireServerOptions {
  /** Delay between streamed pieces. */
  latencyMs?: number;
  /** Replaces the default deterministic behaviour. */
  respond?: (request: WireRequest) => WireReply;
  /** Keep every request for assertions (default true; benchmarks turn it off). */
  record?: boolean;
  /** Called as each streamed piece of answer text is written (cancellation tests count what the model sent). */
  onTextPiece?: (request: WireRequest, piece: string) => void;
  /**
   * OpenAI and Anthropic requests must carry this key (Bearer / x-api-key), else 401 with an error that
   * quotes the key sent, as OpenAI's does (clients must blank it out before showing the error).
   */
  apiKey?: string;
}

export interface WireServer {
  /** Base URL, e.g. http://127.0.0.1:40123 (OpenAI clients want `${url}/v1`). */
  url: string;
  port: number;
  requests: WireRequest[];
  /** Every embeddings request (/v1/embeddings, /api/embed), in order. */
  embedRequests: WireEmbedRequest[];
  close(): Promise<void>;
}

export interface WireEmbedRequest {
  path: string;
  model: string;
  texts: string[];
}

/** Whitespace words: the wire server's token unit. */
export function wireTokenCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The text split into streamable pieces (each word with its leading whitespace). */
export function wirePieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

export function defaultWireReply(request: WireRequest): WireReply {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return { text: `The ${last.toolName ?? "tool"} result is ${last.content}.` };
  const lastUser = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  if (request.tools.length > 0 && last?.role === "user") {
    const match = /\buse\s+([\w-]+)(?:\s+(?:on|with|for))?\s*(.*)$/is.exec(lastUser);
    const tool = match && request.tools.find((t) => t.name === match[1]);
    if (tool) {
      const argument = match[2]!.trim();
      return {
        toolCall: { name: tool.name, args: tool.primaryParam && argument ? { [tool.primaryParam]: argument } : {} },
      };
    }
  }
  return { text: `Hello from ${request.provider} ${request.model}. You said: ${lastUser}` };
}

function primaryParam(schema: unknown): string | undefined {
  const s = (schema ?? {}) as { properties?: Record<string, unknown>; required?: string[] };
  return s.required?.[0] ?? Object.keys(s.properties ?? {})[0];
}

/** Text of an OpenAI/Anthropic/Ollama content field (string or array of blocks). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((b: { type?: string; text?: string; content?: unknown }) =>
        b?.type === "text" ? (b.text ?? "") : b?.type === "tool_result" ? textOf(b.content) : "",
      )
      .join("");
  }
  return "";
}

type Body = Record<string, unknown>;

function parseOpenAI(body: Body): Pick<WireRequest, "messages" | "tools"> {
  const raw = (body.messages as Array<Record<string, unknown>>) ?? [];
  const callNames = new Map<string, string>();
  const messages: WireMessage[] = raw.map((m) => {
    for (const call of (m.tool_calls as Array<{ id: string; function: { name: string } }>) ?? [])
      callNames.set(call.id, call.function.name);
    const role = m.role === "developer" ? "system" : (m.role as WireMessage["role"]);
    const toolName = role === "tool" ? callNames.get(m.tool_call_id as string) : undefined;
    return { role, content: textOf(m.content), ...(toolName ? { toolName } : {}) };
  });
  const tools = ((body.tools as Array<{ function: { name: string; parameters?: unknown } }>) ?? []).map((t) => ({
    name: t.function.name,
    ...(primaryParam(t.function.parameters) ? { primaryParam: primaryParam(t.function.parameters)! } : {}),
  }));
  return { messages, tools };
}

function parseAnthropic(body: Body): Pick<WireRequest, "messages" | "tools"> {
  const messages: WireMessage[] = [];
  const system = body.system;
  if (system) messages.push({ role: "system", content: textOf(system) });
  const useNames = new Map<string, string>();
  for (const m of (body.messages as Array<{ role: string; content: unknown }>) ?? []) {
    const blocks = Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : [];
    for (const b of blocks) if (b.type === "tool_use") useNames.set(b.id as string, b.name as string);
    const results = blocks.filter((b) => b.type === "tool_result");
    if (results.length > 0) {
      for (const r of results)
        messages.push({
          role: "tool",
          content: textOf(r.content),
          toolName: useNames.get(r.tool_use_id as string) ?? "tool",
        });
    } else {
      messages.push({ role: m.role as WireMessage["role"], content: textOf(m.content) });
    }
  }
  const tools = ((body.tools as Array<{ name: string; input_schema?: unknown }>) ?? []).map((t) => ({
    name: t.name,
    ...(primaryParam(t.input_schema) ? { primaryParam: primaryParam(t.input_schema)! } : {}),
  }));
  return { messages, tools };
}

function parseOllama(body: Body): Pick<WireRequest, "messages" | "tools"> {
  const raw = (body.messages as Array<Record<string, unknown>>) ?? [];
  let lastCall: string | undefined;
  const messages: WireMessage[] = raw.map((m) => {
    const calls = (m.tool_calls as Array<{ function: { name: string } }>) ?? [];
    if (calls[0]) lastCall = calls[0].function.name;
    const role = m.role as WireMessage["role"];
    const toolName = role === "tool" ? ((m.tool_name as string | undefined) ?? lastCall) : undefined;
    return { role, content: textOf(m.content), ...(toolName ? { toolName } : {}) };
  });
  const tools = ((body.tools as Array<{ function: { name: string; parameters?: unknown } }>) ?? []).map((t) => ({
    name: t.function.name,
    ...(primaryParam(t.function.parameters) ? { primaryParam: primaryParam(t.function.parameters)! } : {}),
  }));
  return { messages, tools };
}

/** Dimensions of the wire server's embeddings. */
export const WIRE_EMBEDDING_DIMENSIONS = 64;

/**
 * Words that mean the same thing share one concept, so a question and a passage that share no word but a
 * meaning ("fix my automobile" / "car repair") are near. Every other word is its own concept.
 */
const WIRE_CONCEPTS: Record<string, string[]> = {
  vehicle: ["car", "cars", "automobile", "automobiles", "vehicle", "vehicles", "motorcar", "auto"],
  repair: ["repair", "repairs", "fix", "fixing", "mend", "mending", "mechanic", "service"],
  money: ["cost", "costs", "price", "fee", "fees", "charge", "charges", "payment", "pay", "expensive"],
  holiday: ["holiday", "holidays", "vacation", "leave", "pto"],
  dog: ["dog", "dogs", "canine", "puppy", "hound"],
  big: ["big", "large", "huge", "enormous"],
  fast: ["fast", "quick", "rapid", "swift", "speedy"],
  buy: ["buy", "purchase", "acquire", "order"],
};
const WIRE_STOPWORDS = new Set("a an the of to for in on at and or is are my it does do how much what".split(" "));
const conceptOf = new Map(Object.entries(WIRE_CONCEPTS).flatMap(([concept, words]) => words.map((w) => [w, concept])));

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * The wire server's embedding of a text: its words (lower-cased, stop words dropped) mapped to concepts, each
 * concept hashed (FNV-1a) to one of WIRE_EMBEDDING_DIMENSIONS dimensions and counted, then L2-normalised.
 * A text with no words left is the zero vector.
 */
export function wireEmbedding(text: string): number[] {
  const vector = new Array<number>(WIRE_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (WIRE_STOPWORDS.has(word)) continue;
    vector[fnv1a(conceptOf.get(word) ?? word) % WIRE_EMBEDDING_DIMENSIONS]! += 1;
  }
  const norm = Math.hypot(...vector);
  return norm > 0 ? vector.map((x) => x / norm) : vector;
}

function serveEmbeddings(res: http.ServerResponse, path: string, body: Body, embedded: WireEmbedRequest[]) {
  const input = body.input;
  const texts = (Array.isArray(input) ? input : [input]).map(String);
  const model = String(body.model ?? "");
  embedded.push({ path, model, texts });
  if (texts.some((t) => t.includes("wire:embed-error"))) {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "the embeddings model failed on this input" } }));
    return;
  }
  const vectors = texts.map(wireEmbedding);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify(
      path === "/api/embed"
        ? { model, embeddings: vectors }
        : {
            object: "list",
            model,
            data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
            usage: { prompt_tokens: 0, total_tokens: 0 },
          },
    ),
  );
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export async function startWireServer(options: WireServerOptions = {}): Promise<WireServer> {
  const latency = options.latencyMs ?? 0;
  const respond = options.respond ?? defaultWireReply;
  const record = options.record ?? true;
  const requests: WireRequest[] = [];
  const embedRequests: WireEmbedRequest[] = [];
  let counter = 0;

  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {}) as Body;
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "POST" && (path === "/v1/embeddings" || path === "/api/embed")) {
        serveEmbeddings(res, path, body, embedRequests);
        return;
      }
      const provider: WireProvider | undefined =
        req.method !== "POST"
          ? undefined
          : path === "/v1/chat/completions"
            ? "openai"
            : path === "/v1/messages"
              ? "anthropic"
              : path === "/api/chat"
                ? "ollama"
                : undefined;
      if (!provider) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
        return;
      }
      if (options.apiKey && provider !== "ollama") {
        const sent =
          provider === "openai"
            ? (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "")
            : String(req.headers["x-api-key"] ?? "");
        if (sent !== options.apiKey) {
          res.writeHead(401, { "content-type": "application/json" }).end(
            JSON.stringify({
              error: { message: `Incorrect API key provided: ${sent || "(none)"}.`, type: "invalid_request_error" },
            }),
          );
          return;
        }
      }
      const parsed =
        provider === "openai" ? parseOpenAI(body) : provider === "anthropic" ? parseAnthropic(body) : parseOllama(body);
      const stream = provider === "ollama" ? body.stream !== false : body.stream === true;
      const request: WireRequest = {
        provider,
        model: String(body.model ?? ""),
        stream,
        body,
        headers: req.headers,
        ...parsed,
      };
      if (record) requests.push(request);
      const reply = respond(request);
      const inputTokens = request.messages.reduce((n, m) => n + wireTokenCount(m.content), 0);
      const id = ++counter;
      const closed = () => res.destroyed || res.writableEnded;
      const sent = (piece: string) => options.onTextPiece?.(request, piece);
      if (provider === "openai") await serveOpenAI(res, request, reply, inputTokens, id, latency, closed, sent);
      else if (provider === "anthropic")
        await serveAnthropic(res, request, reply, inputTokens, id, latency, closed, sent);
      else await serveOllama(res, request, reply, inputTokens, latency, closed, sent);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    embedRequests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function replyOutputTokens(reply: WireReply): number {
  return "text" in reply ? wireTokenCount(reply.text) : wireTokenCount(JSON.stringify(reply.toolCall.args)) + 1;
}

/** Splits a JSON string into a few pieces, as providers stream tool arguments. */
function jsonPieces(json: string): string[] {
  const size = Math.max(1, Math.ceil(json.length / 3));
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces.length ? pieces : [""];
}

async function serveOpenAI(
  res: http.ServerResponse,
  request: WireRequest,
  reply: WireReply,
  inputTokens: number,
  id: number,
  latency: number,
  closed: () => boolean,
  sent: (piece: string) => void = () => {},
) {
  const outputTokens = replyOutputTokens(reply);
  const usage = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
  const base = { id: `chatcmpl-${id}`, created: Math.floor(Date.now() / 1000), model: request.model };
  const toolCallId = `call_${id}`;
  if (!request.stream) {
    const message =
      "text" in reply
        ? { role: "assistant", content: reply.text }
        : {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: toolCallId,
                type: "function",
                function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) },
              },
            ],
          };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message, logprobs: null, finish_reason: "text" in reply ? "stop" : "tool_calls" }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const chunk = (delta: unknown, finish: string | null = null) =>
    send({
      ...base,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  chunk({ role: "assistant", content: "" });
  if ("text" in reply) {
    for (const piece of wirePieces(reply.text)) {
      await sleep(latency);
      if (closed()) return;
      chunk({ content: piece });
      sent(piece);
    }
    chunk({}, "stop");
  } else {
    chunk({
      tool_calls: [
        { index: 0, id: toolCallId, type: "function", function: { name: reply.toolCall.name, arguments: "" } },
      ],
    });
    for (const piece of jsonPieces(JSON.stringify(reply.toolCall.args))) {
      await sleep(latency);
      if (closed()) return;
      chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
    }
    chunk({}, "tool_calls");
  }
  const streamOptions = request.body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) send({ ...base, object: "chat.completion.chunk", choices: [], usage });
  res.end("data: [DONE]\n\n");
}

async function serveAnthropic(
  res: http.ServerResponse,
  request: WireRequest,
  reply: WireReply,
  inputTokens: number,
  id: number,
  latency: number,
  closed: () => boolean,
  sent: (piece: string) => void = () => {},
) {
  const outputTokens = replyOutputTokens(reply);
  const messageId = `msg_${id}`;
  const toolUseId = `toolu_${id}`;
  const stopReason = "text" in reply ? "end_turn" : "tool_use";
  if (!request.stream) {
    const content =
      "text" in reply
        ? [{ type: "text", text: reply.text }]
        : [{ type: "tool_use", id: toolUseId, name: reply.toolCall.name, input: reply.toolCall.args }];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: messageId,
        type: "message",
        role: "assistant",
        model: request.model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens },
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const send = (event: string, data: Record<string, unknown>) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send("message_start", {
    message: {
      id: messageId,
      type: "message",
      role: "assistant",
      model: request.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  if ("text" in reply) {
    send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    send("ping", {});
    for (const piece of wirePieces(reply.text)) {
      await sleep(latency);
      if (closed()) return;
      send("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } });
      sent(piece);
    }
  } else {
    send("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: toolUseId, name: reply.toolCall.name, input: {} },
    });
    for (const piece of jsonPieces(JSON.stringify(reply.toolCall.args))) {
      await sleep(latency);
      if (closed()) return;
      send("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: piece } });
    }
  }
  send("content_block_stop", { index: 0 });
  send("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  send("message_stop", {});
  res.end();
}

async function serveOllama(
  res: http.ServerResponse,
  request: WireRequest,
  reply: WireReply,
  inputTokens: number,
  latency: number,
  closed: () => boolean,
  sent: (piece: string) => void = () => {},
) {
  const outputTokens = replyOutputTokens(reply);
  const stamp = () => new Date().toISOString();
  const final = {
    model: request.model,
    created_at: stamp(),
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: "stop",
    total_duration: 1000,
    load_duration: 10,
    prompt_eval_count: inputTokens,
    prompt_eval_duration: 100,
    eval_count: outputTokens,
    eval_duration: 500,
  };
  const toolCalls =
    "toolCall" in reply ? [{ function: { name: reply.toolCall.name, arguments: reply.toolCall.args } }] : undefined;
  if (!request.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        ...final,
        message: {
          role: "assistant",
          content: "text" in reply ? reply.text : "",
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  const line = (data: unknown) => res.write(`${JSON.stringify(data)}\n`);
  if ("text" in reply) {
    for (const piece of wirePieces(reply.text)) {
      await sleep(latency);
      if (closed()) return;
      line({ model: request.model, created_at: stamp(), message: { role: "assistant", content: piece }, done: false });
      sent(piece);
    }
  } else {
    await sleep(latency);
    if (closed()) return;
    line({
      model: request.model,
      created_at: stamp(),
      message: { role: "assistant", content: "", tool_calls: toolCalls },
      done: false,
    });
  }
  res.end(`${JSON.stringify(final)}\n`);
}
