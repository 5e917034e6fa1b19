/**
 * How node functions talk to a chat model: stream it under the node's LangGraph config, pass each streamed
 * piece of text to the run's event stream (`runtime.emitToken`, LangGraph's "custom" stream mode — cheaper
 * than the "messages" mode, which hooks a callback handler into every runnable of the run), honour the
 * node's AbortSignal, and report the usage as a `usage_metadata` state update keyed "provider:model".
 */
import "server-only";
import { setImmediate as eventLoopTurn } from "node:timers/promises";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import {
  AIMessage,
  mergeResponseMetadata,
  mergeUsageMetadata,
  SystemMessage,
  type AIMessageChunk,
  type BaseMessage,
  type UsageMetadata,
} from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { z } from "zod";
import type { UsageByModel } from "@/lib/contracts/execution-result";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { formatRetrievalContext, formatSummaryMessage, type ChatModelSpec } from "@/lib/models";
import type { WorkflowState } from "@/lib/workflow/state";
import type { NodeRuntime } from "./runtime";

export type ChatRunnable = Runnable<BaseLanguageModelInput, AIMessageChunk>;

/**
 * Options of the built-in local provider that are not part of a node's public config: a canned `script`
 * (the `scripted` model) and `latencyMs` (the `slow` model). Read from the stored node config, so test and
 * demo workflows can pin the local model's behaviour.
 */
const localModelOptionsSchema = z.object({
  script: z.array(z.string().max(20_000)).max(100).optional(),
  latencyMs: z.number().int().min(0).max(10_000).optional(),
});

export function modelSpec(
  config: { provider: string; model: string; temperature?: number; maxTokens?: number; credentialId?: string },
  rawConfig: Record<string, unknown>,
): ChatModelSpec {
  const spec: ChatModelSpec = { provider: config.provider, model: config.model };
  if (config.temperature !== undefined) spec.temperature = config.temperature;
  if (config.maxTokens !== undefined) spec.maxTokens = config.maxTokens;
  if (config.credentialId && config.provider !== DEFAULT_MODEL_PROVIDER) spec.credentialId = config.credentialId;
  // "The default model" may resolve to the local one, which reads them then.
  if (config.provider === "local" || config.provider === DEFAULT_MODEL_PROVIDER) {
    const local = localModelOptionsSchema.safeParse(rawConfig);
    if (local.success) {
      if (local.data.script) spec.script = local.data.script;
      if (local.data.latencyMs !== undefined) spec.latencyMs = local.data.latencyMs;
    }
  }
  return spec;
}

export function usageKey(spec: { provider: string; model: string }): string {
  return `${spec.provider}:${spec.model}`;
}

export function usageOf(spec: { provider: string; model: string }, message: AIMessage | AIMessageChunk): UsageByModel {
  const usage = message.usage_metadata;
  if (!usage) return {};
  return { [usageKey(spec)]: { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 } };
}

/**
 * Calls the model, streaming. With `stream: false` its tokens stay out of the run's token events (a
 * router's classification or a memory summary is not the answer). Returns the whole reply as an AIMessage.
 */
export async function callModel(
  model: ChatRunnable,
  messages: BaseMessage[],
  runtime: NodeRuntime,
  { stream = true }: { stream?: boolean } = {},
): Promise<AIMessage> {
  const chunks: AIMessageChunk[] = [];
  if (!runtime.modelCallsBeforeStart) await runtime.started;
  runtime.signal.throwIfAborted();
  const streamed = streamsDirectly(model, runtime)
    ? model.streamDirect(messages, runtime.signal)
    : await model.stream(messages, { ...runtime.config, signal: runtime.signal });
  const reply = streamed[Symbol.asyncIterator]();
  // The request is on its way (a generator's body runs up to its first await); its answer waits for the start.
  let next = reply.next();
  let read = false;
  try {
    // Refused, the run is stopped: its signal aborts the request.
    if (runtime.modelCallsBeforeStart) await runtime.started;
    let firstTokenOut = false;
    for (let step = await next; !step.done; step = await next) {
      const chunk = step.value;
      chunks.push(chunk);
      if (stream) {
        const text = chunk.text;
        if (text) runtime.emitToken(text);
        // The first token leaves before the rest of its read is handled: a response's writes wait (Node corks
        // the socket) until the work queued with them is done, and a provider's first read holds several
        // tokens, each a turn through the engine. One turn of the event loop lets it go out at once.
        if (text && !firstTokenOut) {
          firstTokenOut = true;
          await eventLoopTurn();
        }
      }
      next = reply.next();
    }
    read = true;
  } finally {
    if (!read) {
      next.catch(() => {});
      void reply.return?.()?.catch(() => {});
    }
  }
  runtime.signal.throwIfAborted();
  if (chunks.length === 0) throw new Error("The model returned no answer.");
  return joinReply(chunks);
}

/** A model of ours that can stream its answer without LangChain's runnable wrapper. */
interface DirectStreamingModel {
  streamDirect(messages: BaseMessage[], signal: AbortSignal): AsyncIterable<AIMessageChunk>;
}

/**
 * Whether the call can skip LangChain's `stream()` (its callback manager, run ids and web-stream wrapping
 * cost ~0.4 ms a call, a visible part of a chat turn's time to first token): for the built-in providers'
 * own models (not a tools binding), when no callback handler listens — the engine's events come from
 * `emitToken`, and nothing traces unless a tracer is configured.
 */
function streamsDirectly(model: ChatRunnable, runtime: NodeRuntime): model is ChatRunnable & DirectStreamingModel {
  if (typeof (model as Partial<DirectStreamingModel>).streamDirect !== "function") return false;
  if ((model as { callbacks?: unknown }).callbacks) return false;
  const callbacks = runtime.config.callbacks as unknown;
  if (!callbacks) return true;
  if (Array.isArray(callbacks)) return callbacks.length === 0;
  const manager = callbacks as { handlers?: unknown[]; inheritableHandlers?: unknown[] };
  return (manager.handlers?.length ?? 0) === 0 && (manager.inheritableHandlers?.length ?? 0) === 0;
}

/** A chunk that is only text (no tool call pieces, structured content or provider extras). */
function isPlainText(chunk: AIMessageChunk): boolean {
  if (typeof chunk.content !== "string" || chunk.tool_call_chunks?.length || chunk.tool_calls?.length) return false;
  for (const _key in chunk.additional_kwargs) return false;
  return true;
}

/**
 * The streamed chunks as one reply. Plain text chunks — nearly every answer — are joined directly (one
 * message instead of one concatenated chunk per token); anything else goes through LangChain's concat.
 */
function joinReply(chunks: AIMessageChunk[]): AIMessage {
  if (!chunks.every(isPlainText)) {
    const reply = chunks.reduce((joined, chunk) => joined.concat(chunk));
    return new AIMessage({
      content: reply.content,
      ...(reply.id ? { id: reply.id } : {}),
      tool_calls: reply.tool_calls ?? [],
      ...(reply.usage_metadata ? { usage_metadata: reply.usage_metadata } : {}),
      response_metadata: reply.response_metadata,
    });
  }
  let id: string | undefined;
  let usage: UsageMetadata | undefined;
  let metadata: Record<string, unknown> = {};
  for (const chunk of chunks) {
    id ??= chunk.id;
    if (chunk.usage_metadata) usage = usage ? mergeUsageMetadata(usage, chunk.usage_metadata) : chunk.usage_metadata;
    if (chunk.response_metadata) metadata = mergeResponseMetadata(metadata, chunk.response_metadata);
  }
  return new AIMessage({
    content: chunks.map((chunk) => chunk.content as string).join(""),
    ...(id ? { id } : {}),
    tool_calls: [],
    ...(usage ? { usage_metadata: usage } : {}),
    response_metadata: metadata,
  });
}

/**
 * What a model sees: the node's system prompt, then the running summary and retrieved passages as system
 * messages (in the canonical forms every provider reads naturally), then the conversation.
 */
export function modelInput(systemPrompt: string, state: WorkflowState): BaseMessage[] {
  const input: BaseMessage[] = [];
  if (systemPrompt.trim()) input.push(new SystemMessage(systemPrompt));
  if (state.conversation_summary) {
    input.push(
      new SystemMessage({ content: formatSummaryMessage(state.conversation_summary), name: "conversation_summary" }),
    );
  }
  if (state.retrieval_context) {
    input.push(
      new SystemMessage({ content: formatRetrievalContext(state.retrieval_context), name: "retrieval_context" }),
    );
  }
  return input.concat(state.messages);
}
