/**
 * The expression scope of a node run: one plain-JSON view of the graph state, so `{{input.message}}` in a
 * template and `input.message` in a JSONata condition read the same value (roots listed in
 * lib/expressions/scope.ts).
 */
import "server-only";
import type { BaseMessage } from "@langchain/core/messages";
import type { ExpressionScope } from "@/lib/expressions";
import type { WorkflowState } from "@/lib/workflow/state";

const ROLE_BY_TYPE: Record<string, string> = { human: "user", ai: "assistant", system: "system", tool: "tool" };

export function messageRole(message: BaseMessage): string {
  return ROLE_BY_TYPE[message.getType()] ?? message.getType();
}

/** `loopNodeId`: when the node being run is a loop node, its own loop is the scope's `loop`. */
export function buildExpressionScope(state: WorkflowState, loopNodeId?: string): ExpressionScope {
  const messages = state.messages.map((m) => ({ role: messageRole(m), content: m.text }));
  const { input, output: _output, run: _run, ...metadata } = state.metadata;
  const scope: ExpressionScope = {
    input: { message: input?.message ?? "", variables: input?.variables ?? {} },
    variables: state.variables,
    messages,
    last_message: messages.at(-1)?.content ?? "",
    retrieval_context: state.retrieval_context,
    sources: state.sources,
    conversation_summary: state.conversation_summary,
    metadata: { ...metadata, userId: state.user_id, conversationId: state.conversation_id },
    conditional_results: state.conditional_results,
    tool_call_count: state.tool_call_count,
  };
  const loop = currentLoop(state, loopNodeId);
  if (loop) scope.loop = loop;
  if (state.error_state) {
    const { message, nodeId, nodeType, code, attempts } = state.error_state;
    scope.error = { message, nodeId, nodeType, attempts, ...(code ? { code } : {}) };
  }
  return scope;
}

/**
 * The loop a node runs in. For the loop node itself, `iteration` is the passes completed (what "stop when"
 * checks); for a node in the body, the 0-based index of the pass it belongs to.
 */
function currentLoop(state: WorkflowState, loopNodeId?: string): ExpressionScope["loop"] | undefined {
  if (loopNodeId) {
    const own = state.loop_state[loopNodeId];
    return { nodeId: loopNodeId, iteration: own && !own.done ? own.iteration : 0 };
  }
  const active = state.metadata.active_loop;
  if (typeof active !== "string") return undefined;
  const loop = state.loop_state[active];
  if (!loop || loop.done) return undefined;
  return { nodeId: active, iteration: Math.max(0, loop.iteration - 1) };
}
