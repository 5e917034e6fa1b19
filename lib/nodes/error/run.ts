import "server-only";
import { AIMessage } from "@langchain/core/messages";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

/**
 * Sits on a node's error handle: records the failure in `variables.last_error` and, when configured,
 * answers with a fallback message (which may quote {{error.message}}).
 */
export const handleFailure: NodeRunFunction<"error"> = async (state, config, runtime) => {
  const failure = state.error_state;
  const recorded = failure ? { nodeId: failure.nodeId, nodeType: failure.nodeType, message: failure.message } : null;
  if (!config.fallbackMessage.trim()) return { variables: { last_error: recorded } };
  const fallback = renderTemplate(config.fallbackMessage, runtime.scope(state));
  return { variables: { last_error: recorded }, messages: [new AIMessage(fallback)] };
};
