import "server-only";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

/** Renders the run's final output when the end node has a template; otherwise the last answer stands. */
export const finishWorkflow: NodeRunFunction<"end"> = async (state, config, runtime) => {
  if (!config.outputTemplate.trim()) return {};
  return { metadata: { output: renderTemplate(config.outputTemplate, runtime.scope(state)) } };
};
