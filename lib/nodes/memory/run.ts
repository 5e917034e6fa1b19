import "server-only";
import { HumanMessage, RemoveMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { countMessageTokens } from "@/lib/models/tokens";
import { messageRole } from "@/lib/workflow/scope";
import type { WorkflowUpdate } from "@/lib/workflow/state";
import { callModel, modelSpec, usageOf } from "../call-model";
import type { NodeRunFunction } from "../runtime";

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
    // Newest first, while the kept messages fit the budget (the latest message always stays).
    keepFrom = conversation.length - 1;
    while (keepFrom > 0 && countMessageTokens(conversation.slice(keepFrom - 1)) <= config.maxTokens) keepFrom -= 1;
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
