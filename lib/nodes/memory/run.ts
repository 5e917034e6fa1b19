import "server-only";
import { HumanMessage, RemoveMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { countMessageTokens } from "@/lib/models/tokens";
import { messageRole } from "@/lib/workflow/scope";
import type { WorkflowUpdate } from "@/lib/workflow/state";
import { callModel, modelSpec, usageOf } from "../call-model";
import type { NodeRunFunction } from "../runtime";

/** What an empty message list counts (the reply's priming tokens), so one message's own share is known. */
const EMPTY_LIST_TOKENS = countMessageTokens([]);

const SUMMARY_INSTRUCTIONS =
  "Summarize the conversation below in a few sentences for your own later reference. Keep names, facts, " +
  "decisions and open questions. Reply with the summary only.";

/**
 * Keeps the conversation within a window (last N messages) or a token budget, removing older messages
 * from the state; with `summarize`, folds what it removed into the running conversation summary.
 * System messages are instructions, not conversation: they always stay.
 */
export const trimConversation: NodeRunFunction<"memory"> = async (state, config, runtime) => {
  const conversation = state.messages.filter((m) => m.getType() !== "system");
  let keepFrom = conversation.length;
  if (config.strategy === "window") {
    keepFrom = Math.max(0, conversation.length - config.maxMessages);
  } else {
    // Newest first, while the kept messages fit the budget (the latest message always stays). Each message
    // is counted once: the kept messages' count grows by the next older one's (the reply's priming tokens
    // counted once), not recounted from scratch at every step.
    keepFrom = conversation.length - 1;
    let kept = countMessageTokens(conversation.slice(keepFrom));
    while (keepFrom > 0) {
      const withOlder = kept + countMessageTokens([conversation[keepFrom - 1]!]) - EMPTY_LIST_TOKENS;
      if (withOlder > config.maxTokens) break;
      kept = withOlder;
      keepFrom -= 1;
    }
  }
  // A tool result without the call that asked for it confuses every provider: trim it with its call.
  while (keepFrom < conversation.length && conversation[keepFrom]?.getType() === "tool") keepFrom += 1;
  const trimmed = conversation.slice(0, keepFrom);
  if (trimmed.length === 0) return {};

  const update: WorkflowUpdate = {
    messages: trimmed.filter((m) => m.id).map((m) => new RemoveMessage({ id: m.id! })),
    // The engine stores this with the answer, so the next chat turn loads only what is not summarized.
    metadata: { summary_covers_until: trimmed.at(-1)?.id },
  };
  if (config.summarize) {
    const { model, spec } = await runtime.chatModel(modelSpec(config, runtime.rawConfig));
    const reply = await callModel(model, summaryPrompt(state.conversation_summary, trimmed), runtime, {
      stream: false,
    });
    update.conversation_summary = reply.text.trim();
    update.usage_metadata = usageOf(spec, reply);
  }
  return update;
};

function summaryPrompt(previous: string, trimmed: BaseMessage[]): BaseMessage[] {
  const transcript = trimmed.map((m) => `${messageRole(m)}: ${m.text}`).join("\n");
  const body = previous
    ? `Summary so far: ${previous}\n\nConversation:\n${transcript}`
    : `Conversation:\n${transcript}`;
  return [new SystemMessage(SUMMARY_INSTRUCTIONS), new HumanMessage(body)];
}
