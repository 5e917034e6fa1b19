import { z } from "zod";
import { handleKeySchema, MAX_EXPRESSION, uniqueKeys } from "../fields";
import { defineNode, field } from "../types";

export const DEFAULT_BRANCH = "default";

export const conditionalBranchSchema = z.object({
  key: handleKeySchema,
  label: z.string().max(100).optional(),
  /** JSONata over the run's state; the first branch whose expression is true is taken. */
  expression: z.string().min(1, "must not be empty").max(MAX_EXPRESSION),
});
export type ConditionalBranch = z.infer<typeof conditionalBranchSchema>;

export const conditionalConfigSchema = z.object({
  branches: z
    .array(conditionalBranchSchema)
    .min(1, "add at least one branch")
    .max(20)
    .default([{ key: "yes", label: "Yes", expression: "$contains($lowercase(input.message), 'yes')" }])
    .superRefine(uniqueKeys)
    .meta(
      field({
        title: "Branches",
        description: "Checked in order; the first true expression wins, otherwise “default”.",
        widget: "list",
        itemWidgets: { key: "text", label: "text", expression: "expression" },
      }),
    ),
});
export type ConditionalNodeConfig = z.infer<typeof conditionalConfigSchema>;

export const conditionalNode = defineNode({
  type: "conditional",
  label: "Conditional",
  description: "Takes the first branch whose JSONata expression is true, or the default.",
  category: "logic",
  icon: "GitBranch",
  color: "#ca8a04",
  configSchema: conditionalConfigSchema,
  branching: true,
  outputs: (config) => [...config.branches.map((branch) => branch.key), DEFAULT_BRANCH],
  uses: (config) => ({
    expressions: config.branches.map((branch, index) => ({
      source: branch.expression,
      field: `branches.${index}.expression`,
    })),
  }),
});
