import { z } from "zod";
import { MAX_TEXT, variableNameSchema } from "../fields";
import { defineNode, field, OUTPUT_HANDLE } from "../types";

export const HUMAN_APPROVED_HANDLE = "approved";
export const HUMAN_REJECTED_HANDLE = "rejected";

export const humanConfigSchema = z.object({
  mode: z
    .enum(["approval", "input"])
    .default("approval")
    .meta(
      field({
        title: "Ask for",
        description: "Approval branches to approved/rejected; input stores the person's answer and continues.",
        widget: "select",
      }),
    ),
  question: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_TEXT)
    .default("Do you approve?")
    .meta(field({ title: "Question", description: "Shown to the person; may use {{variables}}.", widget: "prompt" })),
  variable: variableNameSchema.default("human_input").meta(
    field({
      title: "Store answer in",
      description: "The variable that receives the answer or decision.",
      widget: "text",
    }),
  ),
});
export type HumanNodeConfig = z.infer<typeof humanConfigSchema>;

export const humanNode = defineNode({
  type: "human",
  label: "Human",
  description: "Pauses the run until a person approves, rejects or answers.",
  category: "human",
  icon: "UserCheck",
  color: "#65a30d",
  configSchema: humanConfigSchema,
  branching: true,
  pauses: true,
  outputs: (config) => (config.mode === "approval" ? [HUMAN_APPROVED_HANDLE, HUMAN_REJECTED_HANDLE] : [OUTPUT_HANDLE]),
  uses: (config) => ({ templates: [{ source: config.question, field: "question" }] }),
});
