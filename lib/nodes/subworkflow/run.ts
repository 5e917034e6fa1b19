import "server-only";
import { evaluateExpression } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

/**
 * Runs another saved workflow through the engine (a child execution linked to this one, one level deeper)
 * and stores its answer and variables. The child's usage is on the child's own row, not this run's (each
 * token is counted once); the engine counts it against this run's budgets.
 */
export const runSubworkflow: NodeRunFunction<"subworkflow"> = async (state, config, runtime) => {
  const scope = runtime.scope(state);
  const mapped: Record<string, unknown> = {};
  for (const [field, expression] of Object.entries(config.input)) {
    mapped[field] = await evaluateExpression(expression, scope);
  }
  const { message, variables, ...rest } = mapped;
  const childVariables = {
    ...(variables && typeof variables === "object" && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : {}),
    ...rest,
  };
  const result = await runtime.runWorkflow({
    definitionId: config.definitionId,
    ...(config.version !== undefined ? { version: config.version } : {}),
    input: {
      ...(message !== undefined && message !== null
        ? { message: typeof message === "string" ? message : JSON.stringify(message) }
        : {}),
      ...(Object.keys(childVariables).length ? { variables: childVariables } : {}),
    },
  });
  if (result.status !== "completed") {
    const reason =
      result.error?.message ??
      (result.status === "paused" ? "it waits for a person, which a subworkflow cannot do" : result.status);
    throw new Error(`The subworkflow ${config.definitionId} did not complete: ${reason}`);
  }
  return {
    variables: { [config.outputVariable]: { message: result.output.message, variables: result.output.variables } },
  };
};
