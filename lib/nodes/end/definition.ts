import { z } from "zod";
import { MAX_TEXT } from "../fields";
import { defineNode, field } from "../types";

export const endConfigSchema = z.object({
  outputTemplate: z
    .string()
    .max(MAX_TEXT)
    .default("")
    .meta(
      field({
        title: "Output",
        description: "The run's final message as a template, e.g. {{last_message}}. Empty: the last message.",
        widget: "prompt",
      }),
    ),
});
export type EndNodeConfig = z.infer<typeof endConfigSchema>;

export const endNode = defineNode({
  type: "end",
  label: "End",
  description: "Finishes the run and returns its output.",
  category: "flow",
  icon: "Flag",
  color: "#dc2626",
  configSchema: endConfigSchema,
  outputs: () => [],
  terminal: true,
  uses: (config) => ({
    templates: config.outputTemplate ? [{ source: config.outputTemplate, field: "outputTemplate" }] : [],
  }),
});
