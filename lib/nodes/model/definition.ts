import { z } from "zod";
import {
  maxTokensField,
  modelField,
  credentialField,
  providerField,
  systemPromptField,
  temperatureField,
} from "../fields";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { defineNode } from "../types";

export const modelConfigSchema = z.object({
  provider: providerField(),
  model: modelField(),
  credentialId: credentialField(),
  systemPrompt: systemPromptField("You are a helpful assistant."),
  temperature: temperatureField(),
  maxTokens: maxTokensField(),
});
export type ModelNodeConfig = z.infer<typeof modelConfigSchema>;

export const modelNode = defineNode({
  type: "model",
  label: "Model",
  description: "Answers the conversation with a chat model, streaming tokens.",
  category: "ai",
  icon: "Bot",
  color: "#7c3aed",
  configSchema: modelConfigSchema,
  // A node added in the editor answers with its user's default model (an existing one without a provider keeps `local`).
  blankConfig: { provider: DEFAULT_MODEL_PROVIDER, model: "default" },
  uses: (config) => ({
    models: [{ provider: config.provider, model: config.model, field: "provider", credentialId: config.credentialId }],
    templates: [{ source: config.systemPrompt, field: "systemPrompt" }],
  }),
  limits: (config) => ({ tokens: { value: config.maxTokens, field: "maxTokens" } }),
});
