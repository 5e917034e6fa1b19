/**
 * What expressions and templates can read. The engine builds one plain-JSON scope from the run's state
 * before it evaluates a node's expressions or renders its templates, so `{{input.message}}` in a prompt and
 * `input.message` in a conditional mean the same thing. The editor autocompletes these roots.
 */

export interface ExpressionScopeRoot {
  name: string;
  description: string;
}

export const EXPRESSION_SCOPE_ROOTS: readonly ExpressionScopeRoot[] = [
  { name: "input", description: "The run's input: input.message and input.variables." },
  { name: "variables", description: "Workflow variables (start defaults, input.variables and variable nodes)." },
  { name: "messages", description: "The conversation so far: a list of { role, content }." },
  { name: "last_message", description: "The content of the latest message." },
  { name: "retrieval_context", description: "Passages found by the last retrieval node." },
  { name: "sources", description: "The documents those passages came from." },
  { name: "conversation_summary", description: "The running summary kept by the memory node." },
  { name: "metadata", description: "Run metadata (workflow, user, conversation ids)." },
  { name: "loop", description: "The current loop: loop.iteration (0-based) and loop.nodeId." },
  { name: "error", description: "The last failure (error.message, error.nodeId), in an error handler." },
  { name: "conditional_results", description: "The branch each conditional and router node took, by node id." },
  { name: "tool_call_count", description: "Tool calls made so far in this run." },
];

/** The scope's shape. Every field may be missing; expressions treat a missing field as undefined. */
export interface ExpressionScope {
  input?: { message?: string; variables?: Record<string, unknown>; [key: string]: unknown };
  variables?: Record<string, unknown>;
  messages?: Array<{ role: string; content: string }>;
  last_message?: string;
  retrieval_context?: string;
  sources?: unknown[];
  conversation_summary?: string;
  metadata?: Record<string, unknown>;
  loop?: { iteration: number; nodeId?: string };
  error?: { message: string; nodeId?: string; [key: string]: unknown };
  conditional_results?: Record<string, string>;
  tool_call_count?: number;
  [key: string]: unknown;
}
