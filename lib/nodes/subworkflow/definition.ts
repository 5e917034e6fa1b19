import { z } from "zod";
import { MAX_EXPRESSION, variableNameSchema } from "../fields";
import { defineNode, field } from "../types";

export const subworkflowConfigSchema = z.object({
  definitionId: z
    .string()
    .min(1, "choose a workflow")
    .max(100)
    .meta(field({ title: "Workflow", description: "The saved workflow to run.", widget: "text" })),
  version: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta(field({ title: "Version", description: "Empty: the latest version.", widget: "number", advanced: true })),
  input: z
    .record(z.string().min(1).max(64), z.string().min(1).max(MAX_EXPRESSION))
    .default({ message: "input.message" })
    .meta(
      field({
        title: "Input mapping",
        description: "Each field of the child's input (message, variables…) as JSONata over this run's state.",
        widget: "json",
      }),
    ),
  outputVariable: variableNameSchema
    .default("subworkflow_result")
    .meta(
      field({ title: "Store result in", description: "The child's output message and variables.", widget: "text" }),
    ),
});
export type SubworkflowNodeConfig = z.infer<typeof subworkflowConfigSchema>;

export const subworkflowNode = defineNode({
  type: "subworkflow",
  label: "Subworkflow",
  description: "Runs another saved workflow and stores its result (nesting is depth-limited).",
  category: "flow",
  icon: "Workflow",
  color: "#57534e",
  configSchema: subworkflowConfigSchema,
  blankConfig: { definitionId: "" },
  uses: (config) => ({
    references: [{ kind: "workflow", id: config.definitionId, field: "definitionId" }],
    expressions: Object.entries(config.input).map(([name, source]) => ({ source, field: `input.${name}` })),
  }),
  limits: () => ({ nestsWorkflow: true }),
});
