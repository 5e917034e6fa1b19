import "server-only";
import { renderTemplate } from "@/lib/expressions";
import { callModel, modelInput, modelSpec, usageOf } from "../call-model";
import type { NodeRunFunction } from "../runtime";

/** Answers the conversation with a chat model; its tokens stream to the run's events as they come. */
export const answerWithModel: NodeRunFunction<"model"> = async (state, config, runtime) => {
  const { model, spec } = await runtime.chatModel(modelSpec(config, runtime.rawConfig));
  const systemPrompt = renderTemplate(config.systemPrompt, runtime.scope(state));
  const reply = await callModel(model, modelInput(systemPrompt, state), runtime);
  return { messages: [reply], usage_metadata: usageOf(spec, reply) };
};
