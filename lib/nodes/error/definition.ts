import { z } from "zod";
import { MAX_TEXT } from "../fields";
import { defineNode, field } from "../types";

export const errorConfigSchema = z.object({
  fallbackMessage: z
    .string()
    .max(MAX_TEXT)
    .default("")
    .meta(
      field({
        title: "Fallback answer",
        description: "Sent to the user instead of the failed step's answer; may use {{error.message}}. Empty: none.",
        widget: "prompt",
      }),
    ),
});
export type ErrorNodeConfig = z.infer<typeof errorConfigSchema>;

export const errorNode = defineNode({
  type: "error",
  label: "Error handler",
  description: "Connect it to a node's error handle: records the failure and may answer with a fallback.",
  category: "flow",
  icon: "TriangleAlert",
  color: "#e11d48",
  configSchema: errorConfigSchema,
  uses: (config) => ({
    templates: config.fallbackMessage ? [{ source: config.fallbackMessage, field: "fallbackMessage" }] : [],
  }),
});
