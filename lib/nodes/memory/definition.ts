import { z } from "zod";
import { modelField, credentialField, providerField } from "../fields";
import { defineNode, field } from "../types";

export const memoryConfigSchema = z.object({
  strategy: z
    .enum(["window", "tokens"])
    .default("window")
    .meta(
      field({
        title: "Strategy",
        description: "Keep the last N messages (window) or as many as fit a token budget (tokens).",
        widget: "select",
      }),
    ),
  maxMessages: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(20)
    .meta(field({ title: "Messages to keep", description: "Used by the window strategy.", widget: "number" })),
  maxTokens: z
    .number()
    .int()
    .min(100)
    .max(1_000_000)
    .default(4000)
    .meta(field({ title: "Token budget", description: "Used by the tokens strategy.", widget: "number" })),
  summarize: z
    .boolean()
    .default(true)
    .meta(
      field({
        title: "Summarize what is trimmed",
        description: "Keep a running conversation summary, written by the model below.",
        widget: "switch",
      }),
    ),
  provider: providerField(),
  model: modelField(),
  credentialId: credentialField(),
});
export type MemoryNodeConfig = z.infer<typeof memoryConfigSchema>;

export const memoryNode = defineNode({
  type: "memory",
  label: "Memory",
  description: "Trims the conversation to a window or token budget and keeps a running summary.",
  category: "ai",
  icon: "Brain",
  color: "#db2777",
  configSchema: memoryConfigSchema,
  uses: (config) => ({
    models: config.summarize
      ? [{ provider: config.provider, model: config.model, field: "provider", credentialId: config.credentialId }]
      : [],
  }),
});
