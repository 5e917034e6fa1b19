import "server-only";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

const messageByRole = { user: HumanMessage, system: SystemMessage, assistant: AIMessage } as const;

/** Adds one message built from a template over the state (e.g. a question wrapped with retrieved context). */
export const composePrompt: NodeRunFunction<"prompt"> = async (state, config, runtime) => {
  const text = renderTemplate(config.template, runtime.scope(state));
  const Message = messageByRole[config.role];
  return { messages: [new Message(text)] };
};
