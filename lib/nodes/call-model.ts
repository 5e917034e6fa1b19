/**
 * How node functions talk to a chat model: stream it under the node's LangGraph config, pass each streamed
 * piece of text to the run's event stream (`runtime.emitToken`, LangGraph's "custom" stream mode — cheaper
 * than the "messages" mode, which hooks a callback handler into every runnable of the run), honour the
 * node's AbortSignal, and report the usage as a `usage_metadata` state update keyed "provider:model".
 */
import "server-only";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { AIMessage, AIMessageChunk, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { z } from "zod";
import type { UsageByModel } from "@/lib/engine/result";
import { formatRetrievalContext, formatSummaryMessage, type ChatModelSpec } from "@/lib/models";
import type { WorkflowState } from "@/lib/graph/state";
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
  config: { provider: string; model: string; temperature?: number; maxTokens?: number },
  rawConfig: Record<string, unknown>,
): ChatModelSpec {
  const spec: ChatModelSpec = { provider: config.provider, model: config.model };
  if (config.temperature !== undefined) spec.temperature = config.temperature;
  if (config.maxTokens !== undefined) spec.maxTokens = config.maxTokens;
  if (config.provider === "local") {
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
  let reply: AIMessageChunk | undefined;
  const chunks = await model.stream(messages, { ...runtime.config, signal: runtime.signal });
  for await (const chunk of chunks) {
    reply = reply ? reply.concat(chunk) : chunk;
    if (stream) {
      const text = chunk.text;
      if (text) runtime.emitToken(text);
    }
  }
  runtime.signal.throwIfAborted();
  if (!reply) throw new Error("The model returned no answer.");
  return new AIMessage({
    content: reply.content,
    ...(reply.id ? { id: reply.id } : {}),
    tool_calls: reply.tool_calls ?? [],
    ...(reply.usage_metadata ? { usage_metadata: reply.usage_metadata } : {}),
    response_metadata: reply.response_metadata,
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
    input.push(new SystemMessage({ content: formatSummaryMessage(state.conversation_summary), name: "conversation_summary" }));
  }
  if (state.retrieval_context) {
    input.push(new SystemMessage({ content: formatRetrievalContext(state.retrieval_context), name: "retrieval_context" }));
  }
  return input.concat(state.messages);
}
