/**
 * Definitions for the validator's tests: one workflow that uses every node type and is entirely valid
 * (no errors, no warnings), and small helpers to break it one way at a time.
 */
import type { WorkflowDefinitionInput } from "@/lib/workflow/definition";

type Node = WorkflowDefinitionInput["nodes"][number];
type Edge = WorkflowDefinitionInput["edges"][number];

export const node = (id: string, type: string, config: Record<string, unknown> = {}, label?: string): Node => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { label: label ?? id, config },
});

export const edge = (source: string, target: string, sourceHandle?: string): Edge => ({
  id: `${source}-${sourceHandle ?? "out"}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

/** Every node type, every branch connected, every expression and template valid. */
export function fullWorkflow() {
  return {
    name: "Everything",
    description: "One of each node type.",
    nodes: [
      node("start", "start", { variables: { tone: "friendly" } }, "Start"),
      node("memory", "memory", { strategy: "window", maxMessages: 10, summarize: true }, "Memory"),
      node(
        "router",
        "router",
        {
          routes: [
            { key: "question", description: "A question about the docs." },
            { key: "task", description: "Something to do." },
          ],
        },
        "Route",
      ),
      node("retrieval", "retrieval", { knowledgeBaseId: "kb-docs", topK: 3 }, "Search docs"),
      node("prompt", "prompt", { template: "Answer using {{retrieval_context}}: {{input.message}}" }, "Build prompt"),
      node("model", "model", { provider: "local", model: "echo", systemPrompt: "Be {{variables.tone}}." }, "Answer"),
      node("fallback", "error", { fallbackMessage: "Sorry: {{error.message}}" }, "Fallback"),
      node("tools", "tools", { tools: ["calculator", "current_time"], maxCalls: 4 }, "Use tools"),
      node(
        "check",
        "conditional",
        {
          branches: [{ key: "short", label: "Short", expression: "$length(input.message) < 20" }],
        },
        "Is it short?",
      ),
      node("shout", "transform", { expression: "$uppercase(input.message)", target: "message" }, "Shout"),
      node("loop", "loop", { until: "variables.count >= 3", maxIterations: 5 }, "Repeat"),
      node(
        "count",
        "variable",
        {
          assignments: [
            { name: "count", expression: "$exists(variables.count) ? variables.count + 1 : 1" },
            { name: "label", value: "counting" },
          ],
        },
        "Count",
      ),
      node("child", "subworkflow", { definitionId: "wf-child", input: { message: "input.message" } }, "Child"),
      node("approve", "human", { mode: "approval", question: "Send {{variables.count}} results?" }, "Approve"),
      node(
        "call",
        "http",
        {
          method: "POST",
          url: "https://api.example.com/items/{{variables.label}}",
          headers: { "x-run": "{{metadata.executionId}}" },
          body: '{"count": {{variables.count}}}',
        },
        "Post results",
      ),
      node("end", "end", {}, "End"),
    ],
    edges: [
      edge("start", "memory"),
      edge("memory", "router"),
      edge("router", "retrieval", "question"),
      edge("retrieval", "prompt"),
      edge("prompt", "model"),
      edge("model", "end"),
      edge("model", "fallback", "error"),
      edge("fallback", "end"),
      edge("router", "tools", "task"),
      edge("tools", "end"),
      edge("router", "check", "default"),
      edge("check", "shout", "short"),
      edge("shout", "end"),
      edge("check", "loop", "default"),
      edge("loop", "count", "body"),
      edge("count", "child"),
      edge("child", "loop"),
      edge("loop", "approve", "done"),
      edge("approve", "call", "approved"),
      edge("approve", "end", "rejected"),
      edge("call", "end"),
    ],
    metadata: {},
  };
}

export type TestDefinition = ReturnType<typeof fullWorkflow>;

/** A copy of the full workflow with one node's config fields replaced. */
export function withConfig(id: string, patch: Record<string, unknown>): TestDefinition {
  const definition = fullWorkflow();
  const target = definition.nodes.find((n) => n.id === id);
  if (!target?.data) throw new Error(`no node ${id}`);
  target.data.config = { ...target.data.config, ...patch };
  return definition;
}

/** The smallest valid workflow: start → model → end. */
export function minimalWorkflow() {
  return {
    nodes: [node("start", "start"), node("model", "model", {}, "Answer"), node("end", "end")],
    edges: [edge("start", "model"), edge("model", "end")],
  };
}
