import { z } from "zod";
import { MAX_TEXT } from "../fields";
import { defineNode, field } from "../types";

export const promptConfigSchema = z.object({
  template: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_TEXT)
    .default("{{input.message}}")
    .meta(
      field({
        title: "Template",
        description: "The message to add, e.g. “Answer using {{retrieval_context}}: {{input.message}}”.",
        widget: "prompt",
      }),
    ),
  role: z
    .enum(["user", "system", "assistant"])
    .default("user")
    .meta(field({ title: "Role", description: "Who the message is from.", widget: "select" })),
});
export type PromptNodeConfig = z.infer<typeof promptConfigSchema>;

export const promptNode = defineNode({
  type: "prompt",
  label: "Prompt",
  description: "Builds a message from a template over the run's state and variables.",
  category: "ai",
  icon: "MessageSquareText",
  color: "#2563eb",
  configSchema: promptConfigSchema,
  uses: (config) => ({ templates: [{ source: config.template, field: "template" }] }),
});
