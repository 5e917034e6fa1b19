import { z } from "zod";
import { MAX_EXPRESSION } from "../fields";
import { defineNode, field } from "../types";

export const LOOP_BODY_HANDLE = "body";
export const LOOP_DONE_HANDLE = "done";

export const loopConfigSchema = z.object({
  until: z
    .string()
    .max(MAX_EXPRESSION)
    .default("")
    .meta(
      field({
        title: "Stop when",
        description:
          "JSONata over the state, checked before each pass (loop.iteration counts passes). Empty: run all iterations.",
        widget: "expression",
      }),
    ),
  maxIterations: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .meta(
      field({
        title: "Max iterations",
        description: "The loop always stops after this many passes.",
        widget: "number",
      }),
    ),
});
export type LoopNodeConfig = z.infer<typeof loopConfigSchema>;

export const loopNode = defineNode({
  type: "loop",
  label: "Loop",
  description: "Runs its body until a condition holds or the iteration limit is reached.",
  category: "logic",
  icon: "Repeat",
  color: "#0d9488",
  configSchema: loopConfigSchema,
  branching: true,
  loops: true,
  outputs: () => [LOOP_BODY_HANDLE, LOOP_DONE_HANDLE],
  uses: (config) => ({ expressions: config.until.trim() ? [{ source: config.until, field: "until" }] : [] }),
  limits: (config) => ({ loopIterations: { value: config.maxIterations, field: "maxIterations" } }),
});
