/**
 * callModel streams the built-in providers' models directly (no LangChain runnable wrapper) when no
 * callback handler listens, and through `stream()` when one does — with the same answer, tokens and usage.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it, vi } from "vitest";
import { LocalChatModel } from "@/lib/models";
import { callModel } from "@/lib/nodes/call-model";
import type { NodeRuntime } from "@/lib/nodes/runtime";

function runtimeWith(callbacks: unknown, tokens: string[]): NodeRuntime {
  return {
    signal: new AbortController().signal,
    config: { callbacks } as NodeRuntime["config"],
    emitToken: (text: string) => tokens.push(text),
  } as unknown as NodeRuntime;
}

class Recorder extends BaseCallbackHandler {
  name = "recorder";
  tokens: string[] = [];
  override handleLLMNewToken(token: string) {
    this.tokens.push(token);
  }
}

describe("callModel", () => {
  it("streams directly without callback handlers, and through stream() with one, alike", async () => {
    const direct = new LocalChatModel({ model: "echo" });
    const viaStream = vi.spyOn(direct, "stream");
    const directTokens: string[] = [];
    const answer = await callModel(direct, [new HumanMessage("hello there")], runtimeWith(undefined, directTokens));
    expect(viaStream).not.toHaveBeenCalled();

    const wrapped = new LocalChatModel({ model: "echo" });
    const streamed = vi.spyOn(wrapped, "stream");
    const recorder = new Recorder();
    const wrappedTokens: string[] = [];
    const again = await callModel(wrapped, [new HumanMessage("hello there")], runtimeWith([recorder], wrappedTokens));
    expect(streamed).toHaveBeenCalledTimes(1);
    expect(recorder.tokens.join("")).toBe(again.text);

    expect(again.text).toBe(answer.text);
    expect(directTokens.join("")).toBe(answer.text);
    expect(wrappedTokens).toEqual(directTokens);
    expect(again.usage_metadata).toEqual(answer.usage_metadata);
  });

  it("lets the event loop turn once after the first token, before the rest of the same read", async () => {
    // A provider's first read holds several tokens at once: a model that yields them without waiting.
    const model = {
      streamDirect: async function* () {
        for (const text of ["Hello", " there", ", friend"]) yield new AIMessageChunk({ content: text });
      },
    } as unknown as Parameters<typeof callModel>[0];
    const seen: string[] = [];
    const runtime = {
      signal: new AbortController().signal,
      config: {},
      emitToken: (text: string) => {
        seen.push(text);
        // What the first token's write waits for (the socket is uncorked after the work queued with it).
        if (seen.length === 1) setImmediate(() => seen.push("<turn>"));
      },
    } as unknown as NodeRuntime;
    const answer = await callModel(model, [new HumanMessage("hi")], runtime);
    expect(seen).toEqual(["Hello", "<turn>", " there", ", friend"]);
    expect(answer.text).toBe("Hello there, friend");
  });
});
