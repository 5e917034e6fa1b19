/**
 * Stage 5: does the workflow stay within the deployment's bounds? Node count, loop iterations, tool calls,
 * tokens per model call and subworkflow nesting.
 */
import type { Analysis, IssueCollector } from "../analysis";
import type { ValidationContext } from "../types";

export function checkLimits(analysis: Analysis, context: ValidationContext, issues: IssueCollector): void {
  const { limits } = context;
  if (analysis.nodes.length > limits.maxNodes) {
    issues.add({
      code: "limits.nodes",
      path: "nodes",
      message: `The workflow has ${analysis.nodes.length} nodes; the limit here is ${limits.maxNodes}.`,
    });
  }

  for (const node of analysis.nodes) {
    if (!node.definition || !node.configValid) continue;
    const bounds = node.definition.limits(node.config as never);
    if (bounds.loopIterations && bounds.loopIterations.value > limits.maxLoopIterations) {
      issues.add({
        code: "limits.loop_iterations",
        nodeId: node.id,
        path: `${node.configPath}.${bounds.loopIterations.field}`,
        message: `${node.title} allows ${bounds.loopIterations.value} iterations; the limit here is ${limits.maxLoopIterations}.`,
      });
    }
    if (bounds.toolCalls && bounds.toolCalls.value > limits.maxToolCalls) {
      issues.add({
        code: "limits.tool_calls",
        nodeId: node.id,
        path: `${node.configPath}.${bounds.toolCalls.field}`,
        message: `${node.title} allows ${bounds.toolCalls.value} tool calls; the limit here is ${limits.maxToolCalls}.`,
      });
    }
    if (bounds.tokens && bounds.tokens.value > limits.maxTokens) {
      issues.add({
        code: "limits.tokens",
        nodeId: node.id,
        path: `${node.configPath}.${bounds.tokens.field}`,
        message: `${node.title} allows answers of ${bounds.tokens.value} tokens; the limit here is ${limits.maxTokens}.`,
      });
    }
    if (bounds.nestsWorkflow && limits.maxSubworkflowDepth < 1) {
      issues.add({
        code: "limits.subworkflow_depth",
        nodeId: node.id,
        path: node.configPath,
        message: `${node.title} would nest workflows deeper than allowed here; no further subworkflow level is available.`,
      });
    }
  }
}
