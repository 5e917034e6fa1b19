import { z } from "zod";
import {
  handleKeySchema,
  inputTemplateField,
  modelField,
  credentialField,
  providerField,
  systemPromptField,
  uniqueKeys,
} from "../fields";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { defineNode, field } from "../types";

export const DEFAULT_ROUTE = "default";

export const routeSchema = z.object({
  key: handleKeySchema,
  /** What the model reads to decide whether the input belongs here. */
  description: z.string().min(1, "describe the route").max(1000),
});
export type Route = z.infer<typeof routeSchema>;

export const routerConfigSchema = z.object({
  provider: providerField(),
  model: modelField(),
  credentialId: credentialField(),
  instructions: systemPromptField("Classify the user's message into exactly one of the routes."),
  input: inputTemplateField("Text to classify"),
  routes: z
    .array(routeSchema)
    .min(1, "add at least one route")
    .max(20)
    .default([
      { key: "question", description: "The user asks a question." },
      { key: "task", description: "The user asks for something to be done." },
    ])
    .superRefine(uniqueKeys)
    .meta(
      field({
        title: "Routes",
        description: "The model picks one; anything else goes to “default”.",
        widget: "list",
        itemWidgets: { key: "text", description: "textarea" },
      }),
    ),
});
export type RouterNodeConfig = z.infer<typeof routerConfigSchema>;

export const routerNode = defineNode({
  type: "router",
  label: "Router",
  description: "A model classifies the input into one of the named routes.",
  category: "logic",
  icon: "Split",
  color: "#9333ea",
  configSchema: routerConfigSchema,
  // A node added in the editor answers with its user's default model (an existing one without a provider keeps `local`).
  blankConfig: { provider: DEFAULT_MODEL_PROVIDER, model: "default" },
  branching: true,
  outputs: (config) => [...config.routes.map((route) => route.key), DEFAULT_ROUTE],
  uses: (config) => ({
    models: [{ provider: config.provider, model: config.model, field: "provider", credentialId: config.credentialId }],
    templates: [
      { source: config.instructions, field: "instructions" },
      { source: config.input, field: "input" },
    ],
  }),
});
