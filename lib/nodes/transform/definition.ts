import { z } from "zod";
import { MAX_EXPRESSION, variableNameSchema } from "../fields";
import { defineNode, field } from "../types";

export const transformConfigSchema = z.object({
  expression: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_EXPRESSION)
    .default("$uppercase(input.message)")
    .meta(field({ title: "Expression", description: "JSONata over the run's state.", widget: "expression" })),
  target: z
    .enum(["variable", "message"])
    .default("variable")
    .meta(field({ title: "Write to", description: "A variable, or a new assistant message.", widget: "select" })),
  variable: variableNameSchema
    .default("result")
    .meta(field({ title: "Variable", description: "Used when writing to a variable.", widget: "text" })),
});
export type TransformNodeConfig = z.infer<typeof transformConfigSchema>;

export const transformNode = defineNode({
  type: "transform",
  label: "Transform",
  description: "Computes a value with JSONata and stores it in a variable or as a message.",
  category: "data",
  icon: "Braces",
  color: "#0284c7",
  configSchema: transformConfigSchema,
  uses: (config) => ({ expressions: [{ source: config.expression, field: "expression" }] }),
});
