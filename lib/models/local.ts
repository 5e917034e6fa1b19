/**
 * The built-in `local` provider: a deterministic LangChain chat model that needs no key and no network.
 * It is the zero-setup default and the model every test can use, so it behaves like a real provider:
 * streams token by token (cl100k tokens), reports `usage_metadata`, honours AbortSignal, and emits tool
 * calls when tools are bound and the user names one.
 *
 * Models:
 * - `echo`: shows what it received — the last user message, how many earlier (non-system) messages it saw,
 *   whether a conversation summary and a retrieval context were present (quoting the context's first words).
 * - `scripted`: replies with `script[i]` in turn (cycling). A script entry written as a call of a bound tool,
 *   `calculator({"expression":"2+2"})`, is emitted as a tool call.
 * - `slow`: like echo but long, with `latencyMs` (default 20 ms) between tokens — for cancellation tests.
 *
 * How the summary and retrieval context are recognised (so the engine can show them to the model in any
 * natural way): a message named `conversation_summary` / `retrieval_context`, or a line starting with
 * "Conversation summary:" / "Summary:" or "Context:" / "Retrieved context:" / "Relevant context:" /
 * "Sources:" in a system message or the last user message. `formatSummaryMessage` and
 * `formatRetrievalContext` produce the canonical forms.
 */
import "server-only";
import type {
  BaseChatModelCallOptions,
  BaseChatModelParams,
  BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { StreamingChatModel } from "./streaming-chat-model";
import { contentText, countMessageTokens, countTokens, getEncoder } from "./tokens";

export const LOCAL_MODELS = ["echo", "scripted", "slow"] as const;
export type LocalModelName = (typeof LOCAL_MODELS)[number];

export function isLocalModelName(name: string): name is LocalModelName {
  return (LOCAL_MODELS as readonly string[]).includes(name);
}

type Stats = { requests: number };
const g = globalThis as typeof globalThis & { __latticeLocalModelStats?: Stats };
/**
 * Every generation request the local provider starts (counted before the first token). Tests read deltas
 * to prove, e.g., that no model request starts after a cancel. Kept on globalThis so that every copy of this
 * module in one process (Next bundles, test workers' re-imports) counts into one place.
 */
export const localModelStats: Stats = (g.__latticeLocalModelStats ??= { requests: 0 });

/** Names the echo model recognises on messages carrying memory or retrieval. */
export const SUMMARY_MESSAGE_NAME = "conversation_summary";
export const RETRIEVAL_MESSAGE_NAME = "retrieval_context";

/** Canonical text for a summary system message. */
export function formatSummaryMessage(summary: string): string {
  return `Conversation summary: ${summary}`;
}
/** Canonical text for a retrieval system message. */
export function formatRetrievalContext(context: string): string {
  return `Context: ${context}`;
}

const SUMMARY_LINE =
  /^[ \t]*(?:conversation summary|summary of (?:the )?(?:earlier |previous )?conversation|summary)[^:\n]{0,40}:[ \t]*/im;
const CONTEXT_LINE =
  /^[ \t]*(?:retrieved context|retrieval context|relevant context|context|sources|knowledge)[^:\n]{0,40}:[ \t]*/im;
const DEFAULT_SLOW_LATENCY_MS = 20;
const CONTEXT_QUOTE_WORDS = 8;

export interface LocalChatModelFields extends BaseChatModelParams {
  model: LocalModelName;
  script?: string[];
  /** Delay between streamed tokens; `slow` defaults to 20 ms, the others to none. */
  latencyMs?: number;
  /** Cuts the answer after this many output tokens (finish_reason "length"). */
  maxTokens?: number;
  /** Accepted for interface parity; the local model is deterministic and ignores it. */
  temperature?: number;
}

export interface LocalChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

interface ToolSpec {
  name: string;
  /** The argument a free-text mention fills ("use calculator on 2+2" → { expression: "2+2" }). */
  primaryArg?: { name: string; type: string };
}

type PlannedReply =
  | { kind: "text"; text: string }
  | { kind: "tool_call"; name: string; args: Record<string, unknown>; id: string };

export class LocalChatModel extends StreamingChatModel<LocalChatModelCallOptions> {
  readonly model: LocalModelName;
  readonly script: string[];
  readonly latencyMs: number;
  readonly maxTokens: number | undefined;
  private scriptIndex = 0;

  static lc_name() {
    return "LocalChatModel";
  }

  constructor(fields: LocalChatModelFields) {
    super(fields);
    this.model = fields.model;
    this.script = fields.script ?? [];
    this.latencyMs = fields.latencyMs ?? (fields.model === "slow" ? DEFAULT_SLOW_LATENCY_MS : 0);
    this.maxTokens = fields.maxTokens;
  }

  _llmType(): string {
    return "local";
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<LocalChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, LocalChatModelCallOptions> {
    return this.withConfig({ tools, ...kwargs } as Partial<LocalChatModelCallOptions>);
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    // A cancelled run must not start a new request: check before counting it.
    signal?.throwIfAborted();
    localModelStats.requests += 1;

    const tools = (options.tools ?? []).map(toToolSpec);
    const reply = this.planReply(messages, tools, options.tool_choice);
    const inputTokens = countMessageTokens(messages);
    const responseMetadata = { model_provider: "local", model_name: this.model };

    if (reply.kind === "tool_call") {
      const argsJson = JSON.stringify(reply.args);
      const chunk = new ChatGenerationChunk({
        text: "",
        message: new AIMessageChunk({
          content: "",
          tool_call_chunks: [{ type: "tool_call_chunk", name: reply.name, args: argsJson, id: reply.id, index: 0 }],
        }),
      });
      await this.pause(signal);
      yield chunk;
      await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk });
      const outputTokens = countTokens(reply.name) + countTokens(argsJson);
      yield this.finalChunk(inputTokens, outputTokens, "tool_calls", responseMetadata);
      return;
    }

    const encoder = getEncoder();
    const tokens = encoder.encode(reply.text);
    const limit = this.maxTokens !== undefined ? Math.min(this.maxTokens, tokens.length) : tokens.length;
    let pending: number[] = [];
    let emitted = 0;
    for (let i = 0; i < limit; i++) {
      pending.push(tokens[i]!);
      const piece = encoder.decode(pending);
      // A token may end inside a multi-byte character: hold it until the character is complete.
      if (piece.endsWith("\uFFFD") && i < limit - 1) continue;
      await this.pause(signal);
      emitted += pending.length;
      pending = [];
      const chunk = new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece }) });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, { chunk });
    }
    signal?.throwIfAborted();
    yield this.finalChunk(inputTokens, emitted, limit < tokens.length ? "length" : "stop", responseMetadata);
  }

  private finalChunk(
    inputTokens: number,
    outputTokens: number,
    finishReason: string,
    responseMetadata: Record<string, unknown>,
  ): ChatGenerationChunk {
    return new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        usage_metadata: {
          input_tokens: inputTokens,
          output_tokens: outputTokens,
          total_tokens: inputTokens + outputTokens,
        },
        response_metadata: { ...responseMetadata, finish_reason: finishReason },
      }),
      generationInfo: { finish_reason: finishReason },
    });
  }

  /** Waits `latencyMs` (abortable) and throws at once when the signal is aborted. */
  private async pause(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.latencyMs <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, this.latencyMs);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private planReply(messages: BaseMessage[], tools: ToolSpec[], toolChoice: unknown): PlannedReply {
    const lastHumanIndex = findLastIndex(messages, (m) => m.getType() === "human");
    const lastHuman = lastHumanIndex >= 0 ? contentText(messages[lastHumanIndex]!.content) : "";
    const afterHuman = lastHumanIndex >= 0 ? messages.slice(lastHumanIndex + 1) : messages;
    const toolResults = afterHuman.filter((m) => m.getType() === "tool");
    const callId = `call_${messages.filter((m) => m.getType() === "ai").length + 1}`;

    if (this.model === "scripted") {
      const entry = this.script.length ? this.script[this.scriptIndex % this.script.length]! : "";
      this.scriptIndex += 1;
      const call = tools.length ? parseCallSyntax(entry.trim(), tools, true) : undefined;
      return call ? { kind: "tool_call", ...call, id: `${callId}_${call.name}` } : { kind: "text", text: entry };
    }

    // After tool results, answer with them (one tool round per user turn keeps agent loops finite).
    if (toolResults.length > 0) {
      const text = toolResults
        .map((m) => `${toolMessageName(m, messages)} returned: ${contentText(m.content)}`)
        .join("\n");
      return { kind: "text", text };
    }

    if (tools.length > 0) {
      const forced = forcedToolName(toolChoice, tools);
      const call =
        parseCallSyntax(lastHuman, tools, false) ??
        parseMention(lastHuman, tools) ??
        (forced ? { name: forced.name, args: primaryArgs(forced, lastHuman) } : undefined);
      if (call) return { kind: "tool_call", ...call, id: `${callId}_${call.name}` };
    }

    const text = describeInput(messages, lastHumanIndex, lastHuman);
    if (this.model === "slow") {
      const counting = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(" ");
      return { kind: "text", text: `${text} Counting slowly: ${counting}.` };
    }
    return { kind: "text", text };
  }
}

/** The echo answer: what the model received, in one deterministic sentence. */
function describeInput(messages: BaseMessage[], lastHumanIndex: number, lastHuman: string): string {
  const earlier = messages.slice(0, Math.max(lastHumanIndex, 0)).filter((m) => m.getType() !== "system").length;
  const inspected = messages.filter((m, i) => m.getType() === "system" || i === lastHumanIndex);
  const hasSummary = inspected.some(
    (m) => m.name === SUMMARY_MESSAGE_NAME || SUMMARY_LINE.test(contentText(m.content)),
  );
  let context: string | undefined;
  for (const m of inspected) {
    const text = contentText(m.content);
    if (m.name === RETRIEVAL_MESSAGE_NAME) {
      context = text.replace(CONTEXT_LINE, "");
      break;
    }
    const match = CONTEXT_LINE.exec(text);
    if (match) {
      context = text.slice(match.index + match[0].length);
      break;
    }
  }
  const quote = context?.split(/\s+/).filter(Boolean).slice(0, CONTEXT_QUOTE_WORDS).join(" ");
  return (
    `You said: "${lastHuman}". ` +
    `Earlier messages: ${earlier}. ` +
    `Summary: ${hasSummary ? "yes" : "none"}. ` +
    `Context: ${quote !== undefined ? `"${quote}"` : "none"}.`
  );
}

function toToolSpec(tool: BindToolsInput): ToolSpec {
  const fn = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]).function;
  const parameters = (fn.parameters ?? {}) as { properties?: Record<string, { type?: string }>; required?: string[] };
  const properties = parameters.properties ?? {};
  const names = Object.keys(properties);
  const primary = parameters.required?.find((n) => n in properties) ?? names[0];
  return {
    name: fn.name,
    ...(primary ? { primaryArg: { name: primary, type: properties[primary]?.type ?? "string" } } : {}),
  };
}

function primaryArgs(tool: ToolSpec, text: string): Record<string, unknown> {
  const value = text
    .trim()
    .replace(/[?.!]+$/, "")
    .trim();
  if (!tool.primaryArg || value === "") return {};
  if (tool.primaryArg.type === "number" || tool.primaryArg.type === "integer") {
    const n = Number(value);
    return Number.isFinite(n) ? { [tool.primaryArg.name]: n } : { [tool.primaryArg.name]: value };
  }
  return { [tool.primaryArg.name]: value };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `calculator({"expression":"2+2"})` or `calculator(2+2)`; `whole` requires the text to be only the call. */
function parseCallSyntax(
  text: string,
  tools: ToolSpec[],
  whole: boolean,
): { name: string; args: Record<string, unknown> } | undefined {
  for (const tool of tools) {
    const pattern = new RegExp(
      `${whole ? "^" : "\\b"}${escapeRegExp(tool.name)}\\s*\\(([\\s\\S]*)\\)${whole ? "$" : ""}`,
    );
    const match = pattern.exec(text);
    if (!match) continue;
    const inner = match[1]!.trim();
    if (inner.startsWith("{")) {
      try {
        const parsed: unknown = JSON.parse(inner);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
          return { name: tool.name, args: parsed as Record<string, unknown> };
        }
      } catch {
        // Not JSON: treat as free text below.
      }
    }
    return { name: tool.name, args: primaryArgs(tool, inner) };
  }
  return undefined;
}

/** "use calculator on 2+2", "what time is it? current_time in Europe/Paris": the earliest named tool wins. */
function parseMention(text: string, tools: ToolSpec[]): { name: string; args: Record<string, unknown> } | undefined {
  let best: { index: number; tool: ToolSpec; end: number } | undefined;
  for (const tool of tools) {
    const match = new RegExp(`(?<![\\w-])${escapeRegExp(tool.name)}(?![\\w-])`, "i").exec(text);
    if (match && (!best || match.index < best.index))
      best = { index: match.index, tool, end: match.index + match[0].length };
  }
  if (!best) return undefined;
  const rest = text.slice(best.end).replace(/^\s*(?:tool\s+)?(?:on|with|for|to|in|:)?\s*/i, "");
  return { name: best.tool.name, args: primaryArgs(best.tool, rest) };
}

/** A tool the caller forces through `tool_choice` (a name or `{ function: { name } }`; "any"/"required": the first). */
function forcedToolName(toolChoice: unknown, tools: ToolSpec[]): ToolSpec | undefined {
  if (toolChoice === undefined || toolChoice === "auto" || toolChoice === "none") return undefined;
  if (toolChoice === "any" || toolChoice === "required") return tools[0];
  const name =
    typeof toolChoice === "string"
      ? toolChoice
      : ((toolChoice as { function?: { name?: string }; name?: string }).function?.name ??
        (toolChoice as { name?: string }).name);
  return tools.find((t) => t.name === name);
}

function toolMessageName(message: BaseMessage, all: BaseMessage[]): string {
  if (message.name) return message.name;
  const callId = (message as { tool_call_id?: string }).tool_call_id;
  for (const m of all) {
    const call = (m as { tool_calls?: Array<{ id?: string; name: string }> }).tool_calls?.find((c) => c.id === callId);
    if (call) return call.name;
  }
  return "tool";
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}
