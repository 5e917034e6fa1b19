/**
 * Remote providers, configured from env. `openai` is our own lean Chat Completions client
 * (./openai-compatible: node:http on keep-alive sockets, SSE parsed by hand — a fraction of ChatOpenAI's CPU
 * per call); Anthropic and Ollama go through LangChain's packages. Every class here counts tokens with the
 * bundled offline tokenizer: LangChain's default `getNumTokens` downloads one from the network and, offline,
 * retries for minutes (STACK-NOTES gotcha 8). Token usage itself comes from the server: OpenAI streams are
 * asked for a final usage chunk (`stream_options.include_usage`), Anthropic reports usage in
 * message_start/message_delta, Ollama in its final NDJSON line.
 */
import "server-only";
import { ChatAnthropic, type ChatAnthropicInput } from "@langchain/anthropic";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { AIMessageChunk, BaseMessage, MessageContent } from "@langchain/core/messages";
import type { ChatGenerationChunk } from "@langchain/core/outputs";
import { ChatOllama, type ChatOllamaInput } from "@langchain/ollama";
import { AppError } from "@/lib/errors";
import type { Env } from "@/lib/env";
import { OpenAICompatibleChatModel } from "./openai-compatible";
import { contentText, countTokens } from "./tokens";

/** Where a provider's server is and how to sign in: a user's credential, or the server's environment. */
export interface ProviderConnection {
  apiKey?: string;
  baseUrl?: string;
}

export interface ProviderModelSpec {
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** A user's credential (resolved for the run); without it, the server's environment. */
  connection?: ProviderConnection;
}

/** Retries inside the SDK stay few: node retry policies and budgets belong to the engine. */
const SDK_MAX_RETRIES = 2;
/** The OpenAI SDK's default request timeout, kept when ChatOpenAI was replaced: a stalled server cannot hang a run. */
const OPENAI_TIMEOUT_MS = 600_000;

async function offlineNumTokens(content: MessageContent): Promise<number> {
  return countTokens(contentText(content));
}

class LatticeChatAnthropic extends ChatAnthropic {
  override getNumTokens = offlineNumTokens;

  /**
   * Anthropic's message_start carries a provisional output count (usually 1) and message_delta the
   * cumulative one; LangChain adds both, over-counting every streamed answer. Report the delta's count
   * minus the provisional one so the sum is the server's final figure.
   */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let provisional = 0;
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      const message = chunk.message as AIMessageChunk;
      const usage = message.usage_metadata;
      if (usage && usage.input_tokens > 0) {
        provisional += usage.output_tokens;
      } else if (usage && usage.input_tokens === 0 && usage.output_tokens > 0 && provisional > 0) {
        const output = Math.max(usage.output_tokens - provisional, 0);
        message.usage_metadata = { ...usage, output_tokens: output, total_tokens: output };
        provisional = 0;
      }
      yield chunk;
    }
  }
}
class LatticeChatOllama extends ChatOllama {
  override getNumTokens = offlineNumTokens;
}

export function isOpenAIConfigured(e: Env): boolean {
  return Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL);
}
export function isAnthropicConfigured(e: Env): boolean {
  return Boolean(e.ANTHROPIC_API_KEY);
}
export function isOllamaConfigured(e: Env): boolean {
  return Boolean(e.OLLAMA_BASE_URL);
}

function notConfigured(provider: string, what: string): AppError {
  return new AppError("unavailable:model_provider", `The ${provider} provider is not configured: set ${what}.`);
}

/**
 * OpenAI-compatible models made, by everything they are made of: a model holds no state of a call (its
 * options come with each call), and constructing one (LangChain's base classes read their environment and
 * set up their serialisation) was a visible share of a chat turn's time to its model request. A user's
 * rotated key is a new entry; the least recently used go first.
 */
const openAIModels = new Map<string, OpenAICompatibleChatModel>();
const MAX_OPENAI_MODELS = 64;

export function createOpenAIModel(spec: ProviderModelSpec, e: Env): OpenAICompatibleChatModel {
  if (!spec.connection && !isOpenAIConfigured(e)) throw notConfigured("openai", "OPENAI_API_KEY or OPENAI_BASE_URL");
  const { apiKey, baseUrl } = spec.connection ?? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL };
  const key = JSON.stringify([spec.model, apiKey, baseUrl, spec.temperature, spec.maxTokens]);
  const made = openAIModels.get(key);
  if (made) {
    openAIModels.delete(key);
    openAIModels.set(key, made);
    return made;
  }
  const model = new OpenAICompatibleChatModel({
    model: spec.model,
    // Local OpenAI-compatible servers (vLLM, LM Studio, Ollama's /v1) take no key: without one, no
    // authorization header is sent (ChatOpenAI's SDK insisted on a placeholder, "not-needed").
    ...(apiKey ? { apiKey } : {}),
    ...(baseUrl ? { baseURL: baseUrl } : {}),
    ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
    ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
    maxRetries: SDK_MAX_RETRIES,
    timeoutMs: OPENAI_TIMEOUT_MS,
  });
  openAIModels.set(key, model);
  if (openAIModels.size > MAX_OPENAI_MODELS) openAIModels.delete(openAIModels.keys().next().value!);
  return model;
}

export function createAnthropicModel(spec: ProviderModelSpec, e: Env): ChatAnthropic {
  if (!spec.connection && !isAnthropicConfigured(e)) throw notConfigured("anthropic", "ANTHROPIC_API_KEY");
  const { apiKey, baseUrl } = spec.connection ?? { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL };
  const fields: ChatAnthropicInput = {
    model: spec.model,
    apiKey,
    ...(baseUrl ? { anthropicApiUrl: baseUrl } : {}),
    ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
    ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
    streamUsage: true,
    maxRetries: SDK_MAX_RETRIES,
  };
  return new LatticeChatAnthropic(fields);
}

export function createOllamaModel(spec: ProviderModelSpec, e: Env): ChatOllama {
  if (!spec.connection && !isOllamaConfigured(e)) throw notConfigured("ollama", "OLLAMA_BASE_URL");
  const fields: ChatOllamaInput = {
    model: spec.model,
    baseUrl: spec.connection ? spec.connection.baseUrl : e.OLLAMA_BASE_URL,
    ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
    ...(spec.maxTokens !== undefined ? { numPredict: spec.maxTokens } : {}),
  };
  return new LatticeChatOllama(fields);
}
