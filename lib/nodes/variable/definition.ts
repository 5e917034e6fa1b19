import { z } from "zod";
import { MAX_EXPRESSION, variableNameSchema } from "../fields";
import { defineNode, field } from "../types";

/** One assignment: a literal `value`, or an `expression` (JSONata over the state) — exactly one. */
export const variableAssignmentSchema = z
  .object({
    name: variableNameSchema,
    value: z.unknown().optional(),
    expression: z.string().min(1, "must not be empty").max(MAX_EXPRESSION).optional(),
  })
  .refine((item) => (item.value === undefined) !== (item.expression === undefined), {
    message: "give either a value or an expression",
  });
export type VariableAssignment = z.infer<typeof variableAssignmentSchema>;

export const variableConfigSchema = z.object({
  assignments: z
    .array(variableAssignmentSchema)
    .min(1, "add at least one variable")
    .max(50)
    .default([{ name: "topic", expression: "input.message" }])
    .meta(
      field({
        title: "Variables",
        description: "Set in order; a later assignment sees the earlier ones.",
        widget: "list",
        itemWidgets: { name: "text", value: "json", expression: "expression" },
      }),
    ),
});
export type VariableNodeConfig = z.infer<typeof variableConfigSchema>;

export const variableNode = defineNode({
  type: "variable",
  label: "Variable",
  description: "Sets variables to values or computed expressions.",
  category: "data",
  icon: "Variable",
  color: "#4f46e5",
  configSchema: variableConfigSchema,
  uses: (config) => ({
    expressions: config.assignments.flatMap((item, index) =>
      item.expression === undefined ? [] : [{ source: item.expression, field: `assignments.${index}.expression` }],
    ),
  }),
});
