import "server-only";
import type { NodeRunFunction } from "../runtime";

/** Seeds the run's variables: the start node's defaults, overridden by the input's variables. */
export const startWorkflow: NodeRunFunction<"start"> = async (state, config) => {
  const fromInput = state.metadata.input?.variables ?? {};
  return { variables: { ...config.variables, ...fromInput } };
};
