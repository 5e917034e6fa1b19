import { z } from "zod";
import { maxTokensField, modelField, credentialField, providerField, systemPromptField } from "../fields";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { defineNode, field } from "../types";

/** The built-in tool names (the tool registry in lib/tools implements them). */
export const BUILTIN_TOOL_NAMES = [
  "calculator",
  "current_time",
  "http_get",
  "knowledge_search",
  "run_workflow",
] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

export const toolsConfigSchema = z.object({
  provider: providerField(),
  model: modelField(),
  credentialId: credentialField(),
  systemPrompt: systemPromptField("Use the tools when they help answer the question."),
  tools: z
    .array(z.string().min(1).max(64))
    .min(1, "choose at least one tool")
    .max(20)
    .default(["calculator", "current_time"])
    .refine((names) => new Set(names).size === names.length, { message: "lists a tool twice" })
    .meta(field({ title: "Tools", description: "Tools the model may call.", widget: "tools" })),
  maxCalls: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .meta(field({ title: "Max tool calls", description: "The loop stops after this many calls.", widget: "number" })),
  maxTokens: maxTokensField(),
});
export type ToolsNodeConfig = z.infer<typeof toolsConfigSchema>;

export const toolsNode = defineNode({
  type: "tools",
  label: "Tools",
  description: "Lets a model call tools (calculator, time, HTTP, knowledge search, workflows) in a bounded loop.",
  category: "ai",
  icon: "Wrench",
  color: "#ea580c",
  configSchema: toolsConfigSchema,
  // A node added in the editor answers with its user's default model (an existing one without a provider keeps `local`).
  blankConfig: { provider: DEFAULT_MODEL_PROVIDER, model: "default" },
  uses: (config) => ({
    models: [{ provider: config.provider, model: config.model, field: "provider", credentialId: config.credentialId }],
    tools: config.tools.map((name, index) => ({ name, field: `tools.${index}` })),
    templates: [{ source: config.systemPrompt, field: "systemPrompt" }],
  }),
  limits: (config) => ({
    toolCalls: { value: config.maxCalls, field: "maxCalls" },
    tokens: { value: config.maxTokens, field: "maxTokens" },
  }),
});
