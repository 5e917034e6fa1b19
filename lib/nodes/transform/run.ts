import "server-only";
import { AIMessage } from "@langchain/core/messages";
import { evaluateExpression } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

/** Computes a value with JSONata and stores it in a variable, or says it as an assistant message. */
export const transformData: NodeRunFunction<"transform"> = async (state, config, runtime) => {
  const value = await evaluateExpression(config.expression, runtime.scope(state));
  if (config.target === "message") {
    const text = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
    return { messages: [new AIMessage(text)] };
  }
  return { variables: { [config.variable]: value ?? null } };
};
