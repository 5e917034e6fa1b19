import "server-only";
import { evaluateExpression } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

/** Sets variables in order; each expression sees the assignments before it. */
export const assignVariables: NodeRunFunction<"variable"> = async (state, config, runtime) => {
  const assigned: Record<string, unknown> = {};
  for (const item of config.assignments) {
    if (item.expression === undefined) {
      assigned[item.name] = item.value;
      continue;
    }
    const scope = runtime.scope({ ...state, variables: { ...state.variables, ...assigned } });
    assigned[item.name] = await evaluateExpression(item.expression, scope);
  }
  return { variables: assigned };
};
