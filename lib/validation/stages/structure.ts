/**
 * Stage 2: is it a graph the engine can run? Known node types with valid configs, unique ids, edges between
 * existing nodes on handles those nodes have, one start, an end reachable from it, every node reachable,
 * cycles only through a loop's body, and expressions and templates that parse.
 */
import { parseExpression, parseTemplate } from "@/lib/expressions";
import { LOOP_BODY_HANDLE } from "@/lib/nodes/loop/definition";
import { getNodeDefinition, resolveSourceHandle } from "@/lib/nodes/registry";
import { ERROR_HANDLE, getFieldMeta } from "@/lib/nodes/types";
import type { WorkflowGraph } from "@/lib/workflow/definition";
import {
  edgeTitle,
  listNames,
  nodeTitle,
  quote,
  sharedNodeLabels,
  type AnalyzedEdge,
  type AnalyzedNode,
  type Analysis,
  type IssueCollector,
} from "../analysis";

export function checkStructure(graph: WorkflowGraph, issues: IssueCollector): Analysis {
  const sharedLabels = sharedNodeLabels(graph.nodes);
  const nodes = graph.nodes.map((node, index) => analyzeNode(node, index, sharedLabels, issues));

  const byId = new Map<string, AnalyzedNode>();
  for (const node of nodes) {
    const first = byId.get(node.id);
    if (first) {
      node.canonical = false;
      issues.add({
        code: "node.duplicate_id",
        nodeId: node.id,
        path: `nodes.${node.index}.id`,
        message: `${node.title} has the id ${quote(node.id)}, which ${first.title} already uses. Node ids must be unique.`,
      });
    } else {
      byId.set(node.id, node);
    }
  }

  const edges = checkEdges(graph, byId, issues);
  const outgoing = new Map<AnalyzedNode, AnalyzedEdge[]>();
  const incoming = new Map<AnalyzedNode, AnalyzedEdge[]>();
  for (const node of nodes) {
    outgoing.set(node, []);
    incoming.set(node, []);
  }
  for (const edge of edges) {
    if (!edge.source || !edge.target) continue;
    outgoing.get(edge.source)?.push(edge);
    incoming.get(edge.target)?.push(edge);
  }
  const analysis: Analysis = { nodes, byId, edges, outgoing, incoming };

  checkEntryAndExit(analysis, issues);
  checkCycles(analysis, issues);
  checkOutputs(analysis, issues);
  checkExpressions(analysis, issues);
  return analysis;
}

function analyzeNode(
  node: WorkflowGraph["nodes"][number],
  index: number,
  sharedLabels: ReadonlySet<string>,
  issues: IssueCollector,
): AnalyzedNode {
  const definition = getNodeDefinition(node.type);
  const analyzed: AnalyzedNode = {
    index,
    id: node.id,
    type: node.type,
    node,
    definition,
    config: undefined,
    configValid: false,
    outputs: undefined,
    title: nodeTitle(node, definition, sharedLabels),
    configPath: `nodes.${index}.data.config`,
    canonical: true,
  };
  if (!definition) {
    issues.add({
      code: "node.unknown_type",
      nodeId: node.id,
      path: `nodes.${index}.type`,
      message: `Node ${quote(node.id)} has the type ${quote(node.type)}, which Lattice does not know.`,
    });
    return analyzed;
  }

  const rawConfig = node.data.config;
  const shape = definition.configSchema.shape as Record<string, unknown>;
  for (const key of Object.keys(rawConfig)) {
    if (!Object.hasOwn(shape, key)) {
      issues.add({
        code: "node.unknown_config_field",
        nodeId: node.id,
        path: `${analyzed.configPath}.${key}`,
        message: `${analyzed.title} has a setting ${quote(key)} that ${definition.label} nodes do not use; it is ignored.`,
      });
    }
  }

  const parsed = definition.configSchema.safeParse(rawConfig);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      const fieldPath = issue.path.map(String).join(".");
      const [top] = issue.path;
      const fieldSchema = typeof top === "string" && Object.hasOwn(shape, top) ? shape[top] : undefined;
      const title = fieldSchema ? getFieldMeta(fieldSchema as never)?.title : undefined;
      const where = title ? (issue.path.length > 1 ? `${title} (${fieldPath})` : title) : fieldPath || "settings";
      issues.add({
        code: "node.invalid_config",
        nodeId: node.id,
        path: fieldPath ? `${analyzed.configPath}.${fieldPath}` : analyzed.configPath,
        message: `${analyzed.title}: ${where} — ${issue.message}.`,
      });
    }
    return analyzed;
  }
  analyzed.config = parsed.data;
  analyzed.configValid = true;
  analyzed.outputs = definition.outputs(parsed.data as never);
  return analyzed;
}

function checkEdges(graph: WorkflowGraph, byId: Map<string, AnalyzedNode>, issues: IssueCollector): AnalyzedEdge[] {
  const seen = new Set<string>();
  return graph.edges.map((edge, index) => {
    const path = `edges.${index}`;
    if (seen.has(edge.id)) {
      issues.add({
        code: "edge.duplicate_id",
        edgeId: edge.id,
        path: `${path}.id`,
        message: `${edgeTitle(edge)} appears more than once. Edge ids must be unique.`,
      });
    }
    seen.add(edge.id);

    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source) {
      issues.add({
        code: "edge.dangling_source",
        edgeId: edge.id,
        path: `${path}.source`,
        message: `${edgeTitle(edge)} starts at node ${quote(edge.source)}, which does not exist.`,
      });
    }
    if (!target) {
      issues.add({
        code: "edge.dangling_target",
        edgeId: edge.id,
        path: `${path}.target`,
        message: `${edgeTitle(edge)} leads to node ${quote(edge.target)}, which does not exist.`,
      });
    }
    if (target?.definition) {
      if (target.definition.inputs.length === 0) {
        issues.add({
          code: "edge.invalid_target",
          edgeId: edge.id,
          nodeId: target.id,
          path: `${path}.target`,
          message: `${edgeTitle(edge)} leads into ${target.title}, which cannot have incoming connections.`,
        });
      } else if (edge.targetHandle && !target.definition.inputs.includes(edge.targetHandle)) {
        issues.add({
          code: "edge.invalid_target",
          edgeId: edge.id,
          nodeId: target.id,
          path: `${path}.targetHandle`,
          message: `${edgeTitle(edge)} enters ${target.title} on ${quote(edge.targetHandle)}, an input it does not have.`,
        });
      }
    }

    let handle: string | null = edge.sourceHandle ?? null;
    if (source?.outputs) {
      const outputs = source.outputs;
      if (edge.sourceHandle && edge.sourceHandle !== ERROR_HANDLE && !outputs.includes(edge.sourceHandle)) {
        issues.add({
          code: "edge.unknown_handle",
          edgeId: edge.id,
          nodeId: source.id,
          path: `${path}.sourceHandle`,
          message:
            outputs.length === 0
              ? `${edgeTitle(edge)} leaves ${source.title} from ${quote(edge.sourceHandle)}, but that node has no outputs.`
              : `${edgeTitle(edge)} leaves ${source.title} from ${quote(edge.sourceHandle)}, an output it does not have (it has ${listNames(outputs.map(quote), 10)}).`,
        });
      } else if (!edge.sourceHandle) {
        handle = resolveSourceHandle(outputs, null);
        if (handle === null) {
          issues.add(
            outputs.length === 0
              ? {
                  code: "edge.unknown_handle",
                  edgeId: edge.id,
                  nodeId: source.id,
                  path: `${path}.source`,
                  message: `${edgeTitle(edge)} leaves ${source.title}, which ends the run and has no outputs.`,
                }
              : {
                  code: "edge.missing_handle",
                  edgeId: edge.id,
                  nodeId: source.id,
                  path: `${path}.sourceHandle`,
                  message: `${edgeTitle(edge)} leaves ${source.title} without saying which output it uses (${listNames(outputs.map(quote), 10)}).`,
                },
          );
        }
      }
    }
    return { index, edge, source, target, handle };
  });
}

function reachableFrom(
  starts: readonly AnalyzedNode[],
  analysis: Analysis,
  skip?: (edge: AnalyzedEdge) => boolean,
): Set<AnalyzedNode> {
  const seen = new Set<AnalyzedNode>(starts);
  const queue = [...starts];
  for (let i = 0; i < queue.length; i += 1) {
    const node = queue[i]!;
    for (const edge of analysis.outgoing.get(node) ?? []) {
      if (skip?.(edge) || !edge.target || seen.has(edge.target)) continue;
      seen.add(edge.target);
      queue.push(edge.target);
    }
  }
  return seen;
}

function checkEntryAndExit(analysis: Analysis, issues: IssueCollector): void {
  const canonical = analysis.nodes.filter((node) => node.canonical);
  const starts = canonical.filter((node) => node.definition?.entry);
  if (starts.length === 0) {
    issues.add({
      code: "graph.no_start",
      message: "The workflow has no Start node, so a run has nowhere to begin. Add one.",
    });
    return;
  }
  if (starts.length > 1) {
    for (const extra of starts.slice(1)) {
      issues.add({
        code: "graph.multiple_starts",
        nodeId: extra.id,
        path: `nodes.${extra.index}`,
        message: `The workflow has ${starts.length} Start nodes (${listNames(starts.map((node) => node.title))}); it needs exactly one.`,
      });
    }
  }

  const reachable = reachableFrom(starts, analysis);
  const ends = canonical.filter((node) => node.definition?.terminal);
  if (!ends.some((node) => reachable.has(node))) {
    issues.add({
      code: "graph.no_reachable_end",
      message:
        ends.length === 0
          ? "The workflow has no End node. Add one so runs can finish and return an answer."
          : `No End node can be reached from the Start node. Connect the steps to ${listNames(ends.map((node) => node.title))}.`,
    });
  }
  for (const node of canonical) {
    if (reachable.has(node) || node.definition?.entry) continue;
    issues.add({
      code: "node.unreachable",
      nodeId: node.id,
      path: `nodes.${node.index}`,
      message: `${node.title} cannot be reached from the Start node. Connect it, or delete it.`,
    });
  }
}

/**
 * Every cycle must pass through a loop node's `body` handle — that is what bounds it. So drop the body
 * edges of loop nodes: any cycle left (found as a strongly connected component) could run forever.
 */
function checkCycles(analysis: Analysis, issues: IssueCollector): void {
  const isBoundingEdge = (edge: AnalyzedEdge) =>
    Boolean(edge.source?.definition?.loops) && edge.handle === LOOP_BODY_HANDLE;
  for (const component of stronglyConnectedComponents(analysis, isBoundingEdge)) {
    const first = component.reduce((a, b) => (a.index <= b.index ? a : b));
    const names = component.sort((a, b) => a.index - b.index).map((node) => node.title);
    issues.add({
      code: "graph.cycle_without_loop",
      nodeId: first.id,
      path: `nodes.${first.index}`,
      message:
        component.length === 1
          ? `${first.title} is connected to itself, which could repeat forever. Use a Loop node to repeat steps.`
          : `${listNames(names)} form a cycle that does not go through a Loop node's body, so it could repeat forever. Use a Loop node to repeat steps.`,
    });
  }
}

/** Tarjan's algorithm, iterative (a 500-node chain must not overflow the stack). Returns only cyclic components. */
function stronglyConnectedComponents(analysis: Analysis, skip: (edge: AnalyzedEdge) => boolean): AnalyzedNode[][] {
  const index = new Map<AnalyzedNode, number>();
  const low = new Map<AnalyzedNode, number>();
  const onStack = new Set<AnalyzedNode>();
  const stack: AnalyzedNode[] = [];
  const result: AnalyzedNode[][] = [];
  let counter = 0;
  const successors = (node: AnalyzedNode) =>
    (analysis.outgoing.get(node) ?? []).filter((edge) => !skip(edge) && edge.target).map((edge) => edge.target!);

  for (const root of analysis.nodes) {
    if (!root.canonical || index.has(root)) continue;
    const work: Array<{ node: AnalyzedNode; next: AnalyzedNode[]; position: number }> = [];
    const visit = (node: AnalyzedNode) => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: successors(node), position: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.position < frame.next.length) {
        const successor = frame.next[frame.position]!;
        frame.position += 1;
        if (!index.has(successor)) visit(successor);
        else if (onStack.has(successor)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(successor)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: AnalyzedNode[] = [];
        let member: AnalyzedNode | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = frame.next.includes(frame.node);
        if (component.length > 1 || selfLoop) result.push(component);
      }
    }
  }
  return result;
}

/** Outputs that lead nowhere, loop bodies that never come back, error handlers wired as ordinary steps. */
function checkOutputs(analysis: Analysis, issues: IssueCollector): void {
  for (const node of analysis.nodes) {
    if (!node.canonical || !node.definition || !node.outputs) continue;
    const edges = analysis.outgoing.get(node) ?? [];
    const used = new Set(edges.map((edge) => edge.handle).filter((handle) => handle !== ERROR_HANDLE));

    if (!node.definition.terminal && node.outputs.length > 0 && used.size === 0) {
      issues.add({
        code: "node.no_outgoing",
        nodeId: node.id,
        path: `nodes.${node.index}`,
        message: `${node.title} is not connected to a next step, so the run stops there without reaching an End node.`,
      });
    } else if (node.outputs.length > 1) {
      for (const handle of node.outputs) {
        if (used.has(handle)) continue;
        issues.add({
          code: "branch.unconnected",
          nodeId: node.id,
          path: `nodes.${node.index}`,
          message: `The ${quote(handle)} output of ${node.title} is not connected; a run that takes it stops there.`,
        });
      }
    }

    if (node.definition.loops) {
      const bodyTargets = edges
        .filter((edge) => edge.handle === LOOP_BODY_HANDLE && edge.target)
        .map((edge) => edge.target!);
      if (bodyTargets.length > 0 && !reachableFrom(bodyTargets, analysis).has(node)) {
        issues.add({
          code: "loop.body_not_closed",
          nodeId: node.id,
          path: `nodes.${node.index}`,
          message: `The body of ${node.title} never leads back to it, so it runs only once. Connect the body's last step to the loop.`,
        });
      }
    }

    if (node.type === "error") {
      const incoming = analysis.incoming.get(node) ?? [];
      if (incoming.length > 0 && !incoming.some((edge) => edge.handle === ERROR_HANDLE)) {
        issues.add({
          code: "error_handler.not_on_error_handle",
          nodeId: node.id,
          path: `nodes.${node.index}`,
          message: `${node.title} is not connected to any node's ${quote("error")} output, so it never sees a failure.`,
        });
      }
    }
  }
}

function checkExpressions(analysis: Analysis, issues: IssueCollector): void {
  for (const node of analysis.nodes) {
    if (!node.definition || !node.configValid) continue;
    const usage = node.definition.uses(node.config as never);
    for (const { source, field } of usage.expressions) {
      const parsed = parseExpression(source);
      if (parsed.ok) continue;
      issues.add({
        code: "expression.invalid",
        nodeId: node.id,
        path: `${node.configPath}.${field}`,
        position: parsed.position,
        message: `${node.title} has an invalid expression in ${field}: ${parsed.message} (at character ${parsed.position}).`,
      });
    }
    for (const { source, field } of usage.templates) {
      const parsed = parseTemplate(source);
      if (parsed.ok) continue;
      issues.add({
        code: "template.invalid",
        nodeId: node.id,
        path: `${node.configPath}.${field}`,
        position: parsed.position,
        message: `${node.title} has an invalid template in ${field}: ${parsed.message} (at character ${parsed.position}).`,
      });
    }
  }
}
