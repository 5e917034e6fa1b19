/**
 * What Lattice's own chat models share (the built-in `local` model and the lean OpenAI-compatible client):
 * they produce their answers as a stream of chunks, so a whole answer is the stream put together, the
 * engine can read the chunks without LangChain's callback machinery (`streamDirect`, see
 * lib/nodes/call-model.ts), and tokens are counted offline.
 */
import "server-only";
import { BaseChatModel, type BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessage, type AIMessageChunk, type BaseMessage, type MessageContent } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import { contentText, countTokens } from "./tokens";

export abstract class StreamingChatModel<
  CallOptions extends BaseChatModelCallOptions = BaseChatModelCallOptions,
> extends BaseChatModel<CallOptions, AIMessageChunk> {
  abstract override _streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk>;

  /** Offline token counting (LangChain's default would download a tokenizer). */
  override async getNumTokens(content: MessageContent): Promise<number> {
    return countTokens(contentText(content));
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let aggregated: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      aggregated = aggregated ? aggregated.concat(chunk) : chunk;
    }
    if (!aggregated) throw new Error(`The ${this._llmType()} model answered with an empty stream.`);
    const merged = aggregated.message as AIMessageChunk;
    const message = new AIMessage({
      content: merged.content,
      ...(merged.id ? { id: merged.id } : {}),
      tool_calls: merged.tool_calls ?? [],
      ...(merged.usage_metadata ? { usage_metadata: merged.usage_metadata } : {}),
      response_metadata: merged.response_metadata,
    });
    return { generations: [{ text: aggregated.text, message }] };
  }

  /** The answer's chunks without LangChain's callback machinery (see lib/nodes/call-model.ts). */
  async *streamDirect(messages: BaseMessage[], signal: AbortSignal): AsyncGenerator<AIMessageChunk> {
    for await (const chunk of this._streamResponseChunks(messages, { signal } as this["ParsedCallOptions"]))
      yield chunk.message as AIMessageChunk;
  }
}
