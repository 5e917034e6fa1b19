/**
 * Token counting from js-tiktoken's bundled cl100k ranks: fully offline. LangChain's default
 * `getNumTokens` downloads a tokenizer file from the network (and stalls for minutes when offline), so every
 * Lattice model overrides it with `countTokens` (see STACK-NOTES gotcha 8).
 */
import "server-only";
import { Tiktoken } from "js-tiktoken/lite";
import cl100kBase from "js-tiktoken/ranks/cl100k_base";
import type { BaseMessage, MessageContent } from "@langchain/core/messages";

let encoder: Tiktoken | undefined;

/** The shared encoder, built on first use (~200 ms: the ranks table is large). */
export function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(cl100kBase);
  return encoder;
}

/** The text parts of a message's content (images and other blocks carry no countable text here). */
export function contentText(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((block) => {
      if (typeof block === "string") return block;
      if (block.type === "text" && typeof block.text === "string") return block.text;
      return "";
    })
    .join("");
}

export function countTokens(text: string): number {
  if (text === "") return 0;
  return getEncoder().encode(text).length;
}

/**
 * Prompt tokens of a message list, counted like OpenAI's chat format: each message costs its content,
 * its tool-call arguments, and a small fixed overhead for the role framing.
 */
export function countMessageTokens(messages: BaseMessage[]): number {
  const perMessageOverhead = 4;
  let total = 3; // the reply's priming tokens
  for (const message of messages) {
    total += perMessageOverhead + countTokens(contentText(message.content));
    const toolCalls = (message as { tool_calls?: Array<{ name: string; args: unknown }> }).tool_calls;
    for (const call of toolCalls ?? []) total += countTokens(call.name) + countTokens(JSON.stringify(call.args));
  }
  return total;
}
