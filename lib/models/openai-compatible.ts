/**
 * The `openai` provider: a lean LangChain chat model for OpenAI's Chat Completions API and every server
 * that speaks it (vLLM, LM Studio, Ollama's /v1, llama.cpp, proxies). It replaces `ChatOpenAI` on the hot
 * path of every chat turn: that class goes through the OpenAI SDK, fetch and web streams, about 7x the CPU
 * of one `node:http` request on a keep-alive socket with the SSE stream parsed by hand, which is all this is.
 *
 * Every call streams (`stream: true`, with a final usage chunk asked for through
 * `stream_options.include_usage`): usage always comes from the server, never from a local tokenizer
 * (STACK-NOTES gotcha 8). `invoke` aggregates the same stream.
 *
 * Retries follow the OpenAI SDK's policy, narrowed: only when nothing of the answer has been read yet
 * (a connection error before the response, or a 408/409/429/5xx status), never once streaming started,
 * never after an abort.
 */
import "server-only";
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";
import type {
  BaseChatModelCallOptions,
  BaseChatModelParams,
  BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  type AIMessage,
  AIMessageChunk,
  type BaseMessage,
  type ChatMessage,
  type MessageContent,
  type ToolCallChunk,
  type ToolMessage,
  type UsageMetadata,
} from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { StreamingChatModel } from "./streaming-chat-model";
import { contentText } from "./tokens";

const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
const DEFAULT_MAX_RETRIES = 2;
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 8_000;
const MAX_ERROR_BODY_CHARS = 64 * 1024;
/** Shorter "keys" are placeholders ("x", "ollama"): blanking them out would garble messages for nothing. */
const MIN_REDACTED_KEY_LENGTH = 8;
const ERROR_BODY_EXCERPT_CHARS = 500;

/**
 * One keep-alive pool per protocol for the whole process: a chat turn reuses a warm socket instead of
 * paying a TCP (and TLS) handshake. 256 sockets per host is far above any run concurrency we admit.
 */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export interface OpenAICompatibleChatModelFields extends BaseChatModelParams {
  model: string;
  /** Sent as `authorization: Bearer …`; unset, no authorization header is sent (local servers need none). */
  apiKey?: string;
  /** Default https://api.openai.com/v1. */
  baseURL?: string;
  temperature?: number;
  maxTokens?: number;
  /** Retries of a request that failed before any of its answer was read (default 2). */
  maxRetries?: number;
  /** A deadline for the whole call, retries and streaming included. Unset: none. */
  timeoutMs?: number;
  organization?: string;
}

export interface OpenAICompatibleCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** An HTTP failure of the server, with its status (the message quotes the server's own explanation). */
export class OpenAICompatibleError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "OpenAICompatibleError";
  }
}

// ---- The wire format (only the fields used) -------------------------------------------------------------

type WireContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } };
type WireToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };
type WireMessage = {
  role: string;
  content: string | WireContentPart[] | Record<string, unknown>[] | null;
  name?: string;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
};
type WireToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type: "function"; function: { name: string } }
  | Record<string, unknown>;

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}
interface WireChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    } | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
  /** Some servers report a failure inside an already started stream. */
  error?: { message?: string } | string;
}

// ---- The model ------------------------------------------------------------------------------------------

export class OpenAICompatibleChatModel extends StreamingChatModel<OpenAICompatibleCallOptions> {
  readonly model: string;
  readonly baseURL: string;
  readonly temperature: number | undefined;
  readonly maxTokens: number | undefined;
  readonly maxRetries: number;
  readonly timeoutMs: number | undefined;
  /** Private (#) so that the key shows neither in serialization nor in `console.log(model)`. */
  readonly #apiKey: string | undefined;
  readonly #headers: Record<string, string>;
  readonly #request: typeof http.request;
  readonly #target: http.RequestOptions;

  static lc_name() {
    return "OpenAICompatibleChatModel";
  }

  constructor(fields: OpenAICompatibleChatModelFields) {
    // The key stays out of `lc_kwargs`, which LangChain keeps for serialization.
    const { apiKey, ...rest } = fields;
    super(rest);
    this.model = fields.model;
    this.baseURL = (fields.baseURL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.temperature = fields.temperature;
    this.maxTokens = fields.maxTokens;
    this.maxRetries = fields.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.timeoutMs = fields.timeoutMs;
    this.#apiKey = apiKey || undefined;
    this.#headers = {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {}),
      ...(fields.organization ? { "OpenAI-Organization": fields.organization } : {}),
    };
    // Parsed once: every call reuses these request options.
    const url = new URL(`${this.baseURL}/chat/completions`);
    const isHttps = url.protocol === "https:";
    if (!isHttps && url.protocol !== "http:")
      throw new Error(`The OpenAI base URL must be http(s), not ${url.protocol}`);
    this.#request = isHttps ? https.request : http.request;
    this.#target = { ...urlToHttpOptions(url), method: "POST", agent: isHttps ? agents.https : agents.http };
  }

  _llmType(): string {
    return "openai";
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<OpenAICompatibleCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, OpenAICompatibleCallOptions> {
    // Converted once here rather than on every call of an agent loop (an OpenAI tool converts to itself).
    return this.withConfig({ tools: tools.map(toOpenAITool), ...kwargs } as Partial<OpenAICompatibleCallOptions>);
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    options.signal?.throwIfAborted();
    const body = JSON.stringify(this.requestBody(messages, options));
    const call = new CallControl(options.signal, this.timeoutMs);
    try {
      const res = await this.openStream(body, call);
      yield* this.readStream(res, call, runManager);
    } finally {
      call.dispose();
    }
  }

  private requestBody(messages: BaseMessage[], options: this["ParsedCallOptions"]): Record<string, unknown> {
    const reasoning = isReasoningModel(this.model);
    const tools = options.tools?.length ? options.tools.map(toOpenAITool) : undefined;
    const toolChoice = tools ? toWireToolChoice(options.tool_choice) : undefined;
    return {
      model: this.model,
      messages: messages.map((m) => toWireMessage(m, reasoning)),
      stream: true,
      stream_options: { include_usage: true },
      ...(this.temperature !== undefined ? { temperature: this.temperature } : {}),
      // OpenAI's reasoning models refuse `max_tokens` and want `max_completion_tokens`.
      ...(this.maxTokens !== undefined ? { [reasoning ? "max_completion_tokens" : "max_tokens"]: this.maxTokens } : {}),
      ...(options.stop?.length ? { stop: options.stop } : {}),
      ...(tools ? { tools } : {}),
      ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    };
  }

  /** Sends the request until a 2xx answer starts, retrying what is safe to retry. */
  private async openStream(body: string, call: CallControl): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      let res: IncomingMessage;
      try {
        res = await this.send(body, call);
      } catch (error) {
        if (call.stopped) throw call.reason;
        // Nothing was read: a refused connection, or a pooled socket the server had closed meanwhile.
        if (attempt >= this.maxRetries) throw this.unreachable(error);
        await call.sleep(backoffMs(attempt));
        continue;
      }
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      // A 2xx JSON answer means the server ignored `stream: true` (or a proxy put an error there): say so
      // rather than let it pass for an empty stream.
      if (ok && !res.headers["content-type"]?.includes("application/json")) return res;
      const failure = await this.readFailure(res, call);
      if (ok || !isRetryableStatus(status) || attempt >= this.maxRetries) throw failure;
      await call.sleep(Math.min(retryAfterMs(res.headers) ?? backoffMs(attempt), MAX_RETRY_DELAY_MS));
    }
  }

  /** One attempt: resolves once the response's headers arrived, rejects on a connection error before that. */
  private send(body: string, call: CallControl): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req: ClientRequest = this.#request(
        { ...this.#target, headers: { ...this.#headers, "content-length": Buffer.byteLength(body) } },
        resolve,
      );
      // Stays attached for the request's life: a socket error after the response is surfaced by the response.
      req.on("error", reject);
      call.track(req);
      req.end(body);
    });
  }

  /** Reads the stream's events into chunks: text, tool-call pieces, then one usage chunk at the end. */
  private async *readStream(
    res: IncomingMessage,
    call: CallControl,
    runManager: CallbackManagerForLLMRun | undefined,
  ): AsyncGenerator<ChatGenerationChunk> {
    call.track(res);
    res.setEncoding("utf8"); // decodes UTF-8 sequences split between network chunks
    // destroyOnReturn off: when the consumer leaves after the response is complete, the socket can still be reused.
    const texts: AsyncIterator<string> = res.iterator({ destroyOnReturn: false });
    const reader = new SseDataReader();
    const state: StreamState = { id: undefined, modelName: undefined, usage: undefined, named: false };
    let done = false;
    let ended = false;
    try {
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await texts.next();
        } catch (error) {
          throw call.stopped
            ? call.reason
            : new OpenAICompatibleError(`The OpenAI-compatible server's stream broke off: ${errorMessage(error)}`);
        }
        // After [DONE], read on to the end of the response so that its socket goes back to the pool.
        const events = done ? [] : next.done ? reader.end() : reader.push(next.value);
        for (const data of events) {
          if (data === "[DONE]") {
            done = true;
            break;
          }
          const chunk = this.toChunk(parseChunk(data), state);
          if (!chunk) continue;
          yield chunk;
          await runManager?.handleLLMNewToken(
            chunk.text,
            { prompt: 0, completion: 0 },
            undefined,
            undefined,
            undefined,
            { chunk },
          );
        }
        if (next.done) {
          ended = true;
          break;
        }
      }
      if (call.stopped) throw call.reason;
      // Usage last, once: servers that repeat it on every chunk (vLLM's continuous usage) report running totals.
      if (state.usage) {
        const chunk = new ChatGenerationChunk({
          text: "",
          message: new AIMessageChunk({
            content: "",
            ...(state.id ? { id: state.id } : {}),
            usage_metadata: toUsageMetadata(state.usage),
            response_metadata: this.responseMetadata(state),
          }),
        });
        yield chunk;
        await runManager?.handleLLMNewToken("", { prompt: 0, completion: 0 }, undefined, undefined, undefined, {
          chunk,
        });
      }
    } finally {
      if (!ended) {
        await texts.return?.();
        // A complete response is drained so that its socket goes back to the pool; a partial one (the consumer
        // left, an error, an abort) leaves its socket in an unknown state: close it.
        if (res.complete) res.resume();
        else res.destroy();
      }
    }
  }

  /** One stream event as a chunk, or nothing when it carries no text, tool call or finish reason. */
  private toChunk(event: WireChunk, state: StreamState): ChatGenerationChunk | undefined {
    if (event.error) {
      const message =
        typeof event.error === "string" ? event.error : (event.error.message ?? JSON.stringify(event.error));
      throw new OpenAICompatibleError(`The OpenAI-compatible server failed mid-stream: ${this.redact(message)}`);
    }
    state.id ??= event.id;
    state.modelName ??= event.model;
    if (event.usage) state.usage = event.usage;
    const choice = event.choices?.[0];
    if (!choice) return undefined;
    const text = choice.delta?.content ?? "";
    const toolCalls = choice.delta?.tool_calls;
    const finishReason = choice.finish_reason ?? undefined;
    if (text === "" && !toolCalls?.length && !finishReason) return undefined;

    const toolCallChunks: ToolCallChunk[] | undefined = toolCalls?.map((call, i) => ({
      type: "tool_call_chunk",
      index: call.index ?? i,
      ...(call.id ? { id: call.id } : {}),
      ...(call.function?.name ? { name: call.function.name } : {}),
      args: call.function?.arguments ?? "",
    }));
    const responseMetadata = this.responseMetadata(state);
    if (finishReason) responseMetadata.finish_reason = finishReason;
    return new ChatGenerationChunk({
      text,
      message: new AIMessageChunk({
        content: text,
        ...(state.id ? { id: state.id } : {}),
        ...(toolCallChunks ? { tool_call_chunks: toolCallChunks } : {}),
        response_metadata: responseMetadata,
      }),
      ...(finishReason ? { generationInfo: { finish_reason: finishReason } } : {}),
    });
  }

  /**
   * `model_provider` on every chunk; `model_name` on the first only, since LangChain concatenates string
   * metadata when it merges chunks ("gpt-4o" + "gpt-4o" …) except for a few keys like model_provider.
   */
  private responseMetadata(state: StreamState): Record<string, unknown> {
    if (state.named) return { model_provider: "openai" };
    state.named = true;
    return { model_provider: "openai", model_name: state.modelName ?? this.model };
  }

  /** The error of a non-2xx (or unstreamed) answer: its status and the server's own message, key blanked out. */
  private async readFailure(res: IncomingMessage, call: CallControl): Promise<OpenAICompatibleError> {
    call.track(res);
    const status = res.statusCode ?? 0;
    let body = "";
    try {
      res.setEncoding("utf8");
      for await (const text of res as AsyncIterable<string>) {
        body += text;
        if (body.length > MAX_ERROR_BODY_CHARS) {
          res.destroy();
          break;
        }
      }
    } catch {
      // The body is only the explanation: answer with the status alone.
    }
    if (call.stopped) throw call.reason;
    const explanation =
      providerMessage(body) ??
      (body.trim().slice(0, ERROR_BODY_EXCERPT_CHARS) || res.statusMessage || "no explanation");
    const what = status >= 200 && status < 300 ? `${status} without a stream` : String(status);
    return new OpenAICompatibleError(`OpenAI-compatible server answered ${what}: ${this.redact(explanation)}`, status);
  }

  private unreachable(error: unknown): OpenAICompatibleError {
    const url = new URL(this.baseURL);
    return new OpenAICompatibleError(
      `Could not reach the OpenAI-compatible server at ${url.host}: ${this.redact(errorMessage(error))}`,
    );
  }

  /** A server may echo the authorization header back; the key must never reach a message or a log. */
  private redact(text: string): string {
    const key = this.#apiKey;
    return key && key.length >= MIN_REDACTED_KEY_LENGTH ? text.split(key).join("[redacted]") : text;
  }
}

interface StreamState {
  id: string | undefined;
  modelName: string | undefined;
  usage: WireUsage | undefined;
  /** Whether `model_name` was sent already. */
  named: boolean;
}

// ---- One call's stop conditions --------------------------------------------------------------------------

/**
 * The caller's AbortSignal and the timeout as one stop condition: stopping destroys the request or
 * response in flight (so a pending read fails at once) and wakes a retry delay.
 */
class CallControl {
  reason: unknown;
  stopped = false;
  private active: { destroy(error?: Error): void } | undefined;
  private wake: (() => void) | undefined;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(
        () =>
          this.stop(
            new OpenAICompatibleError(`The OpenAI-compatible server did not finish answering within ${timeoutMs} ms.`),
          ),
        timeoutMs,
      );
    }
  }

  private readonly onAbort = () => {
    this.stop(this.signal?.reason ?? new DOMException("This operation was aborted", "AbortError"));
  };

  private stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reason = reason;
    this.active?.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    this.wake?.();
  }

  /** The request or response that stopping must destroy. */
  track(stream: { destroy(error?: Error): void }): void {
    this.active = stream;
  }

  /** Waits before a retry; throws the stop reason if the call stops meanwhile. */
  async sleep(ms: number): Promise<void> {
    if (this.stopped) throw this.reason;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    if (this.stopped) throw this.reason;
  }

  dispose(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
    if (this.timer) clearTimeout(this.timer);
  }
}

// ---- Server-sent events ---------------------------------------------------------------------------------

/**
 * Incremental `text/event-stream` reader: fed decoded text in pieces split anywhere, it returns each
 * complete event's data. Comments (`: keep-alive`) and fields other than `data` are skipped. Lines end in
 * LF or CRLF (a lone CR, legal but unseen from these servers, is not treated as a line end).
 */
export class SseDataReader {
  private buffer = "";
  private data: string | undefined;

  push(text: string): string[] {
    const events: string[] = [];
    const buffer = this.buffer === "" ? text : this.buffer + text;
    let start = 0;
    for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n", start)) {
      const line =
        buffer.charCodeAt(end - 1) === 13 && end > start ? buffer.slice(start, end - 1) : buffer.slice(start, end);
      start = end + 1;
      this.readLine(line, events);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return events;
  }

  /** The end of the stream: an event the server did not close with a blank line still counts. */
  end(): string[] {
    const events: string[] = [];
    if (this.buffer !== "") this.readLine(this.buffer, events);
    this.buffer = "";
    this.readLine("", events);
    return events;
  }

  private readLine(line: string, events: string[]): void {
    if (line === "") {
      if (this.data !== undefined) events.push(this.data);
      this.data = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" starts a comment
    const colon = line.indexOf(":");
    if ((colon === -1 ? line : line.slice(0, colon)) !== "data") return;
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}

function parseChunk(data: string): WireChunk {
  try {
    return JSON.parse(data) as WireChunk;
  } catch {
    throw new OpenAICompatibleError(
      `The OpenAI-compatible server sent an event that is not JSON: ${data.slice(0, 200)}`,
    );
  }
}

// ---- Messages and tools to the wire format ---------------------------------------------------------------

/** Models that take a `developer` message instead of `system` and `max_completion_tokens` (as ChatOpenAI decides). */
function isReasoningModel(model: string): boolean {
  return (
    /^o\d/.test(model) || ((model.startsWith("gpt-5") || model.startsWith("gpt-6")) && !/^gpt-\d-chat/.test(model))
  );
}

export function toWireMessage(message: BaseMessage, reasoningModel = false): WireMessage {
  const name = message.name ? { name: message.name } : {};
  switch (message.getType()) {
    case "system":
      return { role: reasoningModel ? "developer" : "system", content: contentText(message.content), ...name };
    case "human":
      return { role: "user", content: toWireContent(message.content), ...name };
    case "ai": {
      const toolCalls = (message as AIMessage).tool_calls ?? [];
      return {
        role: "assistant",
        content: contentText(message.content),
        ...name,
        ...(toolCalls.length
          ? {
              tool_calls: toolCalls.map((call, i) => ({
                id: call.id ?? `call_${i}`,
                type: "function" as const,
                function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
              })),
            }
          : {}),
      };
    }
    case "tool":
      return {
        role: "tool",
        content: contentText(message.content),
        tool_call_id: (message as ToolMessage).tool_call_id,
        ...name,
      };
    case "generic":
      return { role: (message as ChatMessage).role, content: toWireContent(message.content), ...name };
    default:
      throw new Error(`The openai provider cannot send a "${message.getType()}" message.`);
  }
}

/** User content: a string as is; blocks as text and image_url parts; other blocks passed through for the server to judge. */
function toWireContent(content: MessageContent): string | Record<string, unknown>[] {
  if (typeof content === "string") return content;
  return content.map((block): Record<string, unknown> => {
    if (typeof block === "string") return { type: "text", text: block };
    const b = block as Record<string, unknown>;
    if (b.type === "text") return { type: "text", text: typeof b.text === "string" ? b.text : "" };
    if (b.type === "image_url") {
      const image = b.image_url;
      return { type: "image_url", image_url: typeof image === "string" ? { url: image } : image };
    }
    if (b.type === "image") return { type: "image_url", image_url: { url: imageUrl(b) } };
    return b;
  });
}

/** A standard image block's URL: its `url`, or its base64 `data` as a data URL. */
function imageUrl(block: Record<string, unknown>): string {
  if (typeof block.url === "string") return block.url;
  const mimeType = block.mimeType ?? block.mime_type ?? "image/png";
  const data = block.data instanceof Uint8Array ? Buffer.from(block.data).toString("base64") : block.data;
  if (typeof data === "string" && typeof mimeType === "string") return `data:${mimeType};base64,${data}`;
  throw new Error("The openai provider can send an image only by URL or as base64 data.");
}

function toOpenAITool(tool: BindToolsInput): ReturnType<typeof convertToOpenAITool> {
  return convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
}

/** LangChain's tool choice: "auto" | "none" | "required" | "any" (= required) | a tool's name | an OpenAI object. */
function toWireToolChoice(choice: unknown): WireToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (choice === "any") return "required";
  if (typeof choice === "string") return { type: "function", function: { name: choice } };
  return choice as Record<string, unknown>;
}

function toUsageMetadata(usage: WireUsage): UsageMetadata {
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: usage.total_tokens ?? input + output,
    ...(typeof cached === "number" ? { input_token_details: { cache_read: cached } } : {}),
    ...(typeof reasoning === "number" ? { output_token_details: { reasoning } } : {}),
  };
}

// ---- Failures and retries -------------------------------------------------------------------------------

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** 250 ms, 500 ms, 1 s, … with up to 25 % jitter so that many runs hit by one outage don't retry in step. */
function backoffMs(attempt: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt, MAX_RETRY_DELAY_MS) * (1 - Math.random() * 0.25);
}

/** The server's own wait hint: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const ms = headerValue(headers["retry-after-ms"]);
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(Number(ms), 0);
  const after = headerValue(headers["retry-after"]);
  if (after === undefined) return undefined;
  if (Number.isFinite(Number(after))) return Math.max(Number(after) * 1000, 0);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(date - Date.now(), 0);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() ? first.trim() : undefined;
}

/** `{ error: { message } }` (OpenAI, vLLM) or `{ error: "…" }` (Ollama), when the body is such JSON. */
function providerMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.error?.message === "string") return parsed.error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: the caller quotes the body.
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
