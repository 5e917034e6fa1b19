import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { countMessageTokens } from "@/lib/models/tokens";
import { trimConversation } from "@/lib/nodes/memory/run";
import { memoryConfigSchema } from "@/lib/nodes/memory/definition";
import type { NodeRuntime } from "@/lib/nodes/runtime";

/** A conversation of alternating turns whose messages differ in length (1 to 40 words). */
function conversation(count: number): BaseMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const text = Array.from({ length: 1 + ((i * 7) % 40) }, (_, w) => `word${(i + w) % 13}`).join(" ");
    return i % 2 === 0
      ? new HumanMessage({ id: `m${i}`, content: text })
      : new AIMessage({ id: `m${i}`, content: text });
  });
}

/** The oldest index kept, as the budget defines it: the longest suffix whose whole count fits (at least one). */
function expectedKeepFrom(messages: BaseMessage[], maxTokens: number): number {
  let keepFrom = messages.length - 1;
  while (keepFrom > 0 && countMessageTokens(messages.slice(keepFrom - 1)) <= maxTokens) keepFrom -= 1;
  return keepFrom;
}

/** The node's update: the ids of the messages it removes, and its metadata. */
async function trim(messages: BaseMessage[], maxTokens: number) {
  const config = memoryConfigSchema.parse({ strategy: "tokens", maxTokens, summarize: false });
  const state = { messages, conversation_summary: "" } as unknown as Parameters<typeof trimConversation>[0];
  const update = await trimConversation(state, config, {} as NodeRuntime);
  const removed = ((update.messages ?? []) as Array<{ id?: string }>).map((m) => m.id);
  return { removed, metadata: update.metadata };
}

describe("memory node, token budget", () => {
  it("keeps the longest run of newest messages whose count fits the budget, for every budget", async () => {
    const messages = conversation(60);
    for (const maxTokens of [100, 137, 250, 512, 999, 2000, 100_000]) {
      const { removed } = await trim(messages, maxTokens);
      const keepFrom = expectedKeepFrom(messages, maxTokens);
      expect(removed, `budget ${maxTokens}`).toEqual(messages.slice(0, keepFrom).map((m) => m.id));
    }
  });

  it("keeps system messages, and the latest message even when it alone is over the budget", async () => {
    const long = new HumanMessage({ id: "latest", content: "lorem ipsum ".repeat(200) });
    const messages = [new SystemMessage({ id: "sys", content: "Be brief." }), ...conversation(6), long];
    const { removed, metadata } = await trim(messages, 100);
    expect(removed).toEqual(conversation(6).map((m) => m.id));
    expect(metadata).toEqual({ summary_covers_until: "m5" });
  });

  it("counts each message once: a long history is trimmed with as many counts as it has messages", async () => {
    const messages = conversation(400);
    let counted = 0;
    const spied = messages.map((m) => {
      const original = m.content;
      Object.defineProperty(m, "content", {
        get: () => {
          counted += 1;
          return original;
        },
      });
      return m;
    });
    await trim(spied, 1_000_000);
    // Every message is read once for the count (plus at most a few reads elsewhere), not once per step.
    expect(counted).toBeLessThan(messages.length * 3);
  });
});
