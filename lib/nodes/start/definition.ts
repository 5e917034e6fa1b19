import { z } from "zod";
import { defineNode, field } from "../types";

export const startConfigSchema = z.object({
  variables: z
    .record(z.string(), z.unknown())
    .default({})
    .meta(
      field({
        title: "Initial variables",
        description: "Variables every run starts with; the run's input.variables override them.",
        widget: "json",
      }),
    ),
});
export type StartNodeConfig = z.infer<typeof startConfigSchema>;

export const startNode = defineNode({
  type: "start",
  label: "Start",
  description: "Where every run begins: receives the user's message and input variables.",
  category: "flow",
  icon: "Play",
  color: "#16a34a",
  configSchema: startConfigSchema,
  inputs: [],
  entry: true,
});
