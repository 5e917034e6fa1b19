/**
 * What a node's templates and expressions can read, for autocompletion: the scope every run has (input,
 * messages…) plus what the nodes upstream of it write (a retrieval's context, a variable node's names, an
 * HTTP node's response variable…). Upstream = every node from which there is a path to this one.
 */
import type { EditorEdge, EditorNode } from "./document";

export interface ScopeVariable {
  /** The dotted path, as written inside {{ }} or in JSONata. */
  name: string;
  description: string;
  /** The upstream node that provides it, when it is not part of every run. */
  from?: string;
}

const ALWAYS: ScopeVariable[] = [
  { name: "input.message", description: "The message the run was started with." },
  { name: "input.variables", description: "Variables passed with the run's input." },
  { name: "last_message", description: "The content of the latest message." },
  { name: "messages", description: "The conversation so far: a list of { role, content }." },
  { name: "metadata", description: "Run metadata (workflow, user, conversation ids)." },
  { name: "tool_call_count", description: "Tool calls made so far in this run." },
];

function ancestorsOf(nodeId: string, edges: readonly EditorEdge[]): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const edge of edges) {
    const list = incoming.get(edge.target);
    if (list) list.push(edge.source);
    else incoming.set(edge.target, [edge.source]);
  }
  const seen = new Set<string>();
  const queue = [nodeId];
  for (let i = 0; i < queue.length; i += 1) {
    for (const source of incoming.get(queue[i]!) ?? []) {
      if (seen.has(source)) continue;
      seen.add(source);
      queue.push(source);
    }
  }
  seen.delete(nodeId);
  return seen;
}

function text(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? value : null;
}

/** What one node adds to the scope of the nodes after it. */
function provided(node: EditorNode): ScopeVariable[] {
  const config = node.data.config;
  const from = node.data.label || node.id;
  const variable = (name: string | null, description: string): ScopeVariable[] =>
    name ? [{ name: `variables.${name}`, description, from }] : [];
  switch (node.type) {
    case "start": {
      const variables = config.variables;
      if (typeof variables !== "object" || variables === null || Array.isArray(variables)) return [];
      return Object.keys(variables).flatMap((key) => variable(text(key), "An initial variable of every run."));
    }
    case "retrieval":
      return [
        { name: "retrieval_context", description: "The passages found, numbered [1], [2]…", from },
        { name: "sources", description: "The documents those passages came from.", from },
      ];
    case "memory":
      return [{ name: "conversation_summary", description: "The running summary of trimmed messages.", from }];
    case "variable":
      return Array.isArray(config.assignments)
        ? config.assignments.flatMap((item) =>
            variable(text((item as { name?: unknown } | null)?.name), "Set by a variable node."),
          )
        : [];
    case "transform":
      return config.target === "message" ? [] : variable(text(config.variable ?? "result"), "Computed by a transform.");
    case "http":
      return variable(text(config.responseVariable ?? "http_response"), "The HTTP response.");
    case "human":
      return variable(text(config.variable ?? "human_input"), "The person's answer or decision.");
    case "subworkflow":
      return variable(text(config.outputVariable ?? "subworkflow_result"), "The subworkflow's output.");
    case "loop":
      return [{ name: "loop.iteration", description: "The current pass of the loop (from 0).", from }];
    case "conditional":
    case "router":
      return [{ name: `conditional_results.${node.id}`, description: "The branch this node took.", from }];
    case "error":
      return [{ name: "error.message", description: "The failure being handled.", from }];
    default:
      return [];
  }
}

export function upstreamVariables(
  nodeId: string,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): ScopeVariable[] {
  const ancestors = ancestorsOf(nodeId, edges);
  const result = new Map<string, ScopeVariable>(ALWAYS.map((variable) => [variable.name, variable]));
  for (const node of nodes) {
    if (!ancestors.has(node.id)) continue;
    for (const variable of provided(node)) if (!result.has(variable.name)) result.set(variable.name, variable);
  }
  // A node on an error path sees the failure even when the handler is not upstream by an edge.
  const self = nodes.find((node) => node.id === nodeId);
  if (self?.type === "error" && !result.has("error.message")) {
    result.set("error.message", { name: "error.message", description: "The failure being handled." });
  }
  return [...result.values()];
}

/**
 * The placeholder being typed at `caret` in a template: the text after an unclosed "{{" up to the caret,
 * or null when the caret is not inside one.
 */
export function openPlaceholder(source: string, caret: number): { start: number; query: string } | null {
  const before = source.slice(0, caret);
  const open = before.lastIndexOf("{{");
  if (open === -1 || before.lastIndexOf("}}") > open) return null;
  const query = before.slice(open + 2);
  if (!/^\s*[A-Za-z0-9_.[\]]*$/.test(query)) return null;
  return { start: open + 2, query: query.trim() };
}

/** Inserts `name` for the placeholder opened at `start`, closing it; returns the text and the new caret. */
export function completePlaceholder(
  source: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const after = source.slice(caret);
  const closes = after.startsWith("}}");
  const insert = closes ? name : `${name}}}`;
  const text = source.slice(0, start) + insert + after;
  return { text, caret: start + name.length + 2 };
}
