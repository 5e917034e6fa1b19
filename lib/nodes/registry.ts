/**
 * The node registry: every node type's definition, in palette order. The editor's palette and inspector,
 * the validator and the graph builder all read it, so a new node type is one new folder plus one line here.
 * Client-safe (definitions only; run functions are registered server-side in lib/graph).
 */
import type { z } from "zod";
import { conditionalNode } from "./conditional/definition";
import { endNode } from "./end/definition";
import { errorNode } from "./error/definition";
import { httpNode } from "./http/definition";
import { humanNode } from "./human/definition";
import { loopNode } from "./loop/definition";
import { memoryNode } from "./memory/definition";
import { modelNode } from "./model/definition";
import { promptNode } from "./prompt/definition";
import { retrievalNode } from "./retrieval/definition";
import { routerNode } from "./router/definition";
import { startNode } from "./start/definition";
import { subworkflowNode } from "./subworkflow/definition";
import { toolsNode } from "./tools/definition";
import { transformNode } from "./transform/definition";
import { variableNode } from "./variable/definition";
import { ERROR_HANDLE, OUTPUT_HANDLE, type AnyNodeDefinition } from "./types";

export const nodeDefinitions = [
  startNode,
  endNode,
  modelNode,
  promptNode,
  memoryNode,
  retrievalNode,
  toolsNode,
  routerNode,
  conditionalNode,
  loopNode,
  variableNode,
  transformNode,
  httpNode,
  subworkflowNode,
  humanNode,
  errorNode,
] as const;

type NodeDefinitions = (typeof nodeDefinitions)[number];
export type NodeType = NodeDefinitions["type"];
export const NODE_TYPES = nodeDefinitions.map((definition) => definition.type) as readonly NodeType[];

/** The definition of one node type, with its precise config types. */
export type NodeDefinitionOf<T extends NodeType> = Extract<NodeDefinitions, { type: T }>;
/** A node type's parsed config (what `run.ts` receives). */
export type NodeConfigOf<T extends NodeType> = z.output<NodeDefinitionOf<T>["configSchema"]>;

const byType = new Map<string, AnyNodeDefinition>(
  nodeDefinitions.map((definition) => [definition.type, definition as unknown as AnyNodeDefinition]),
);

export function isNodeType(value: unknown): value is NodeType {
  return typeof value === "string" && byType.has(value);
}

export function getNodeDefinition<T extends NodeType>(type: T): NodeDefinitionOf<T>;
export function getNodeDefinition(type: string): AnyNodeDefinition | undefined;
export function getNodeDefinition(type: string): AnyNodeDefinition | undefined {
  return byType.get(type);
}

/**
 * Every source handle a node with this config has: its named outputs plus `error`.
 * `config` must already be parsed by the type's configSchema.
 */
export function getSourceHandles(definition: AnyNodeDefinition, config: unknown): string[] {
  return [...definition.outputs(config as never), ERROR_HANDLE];
}

/**
 * The handle an edge leaves from. React Flow leaves `sourceHandle` empty when a node has a single output,
 * so an empty handle means the node's only output; on a node with several outputs it is ambiguous (null).
 */
export function resolveSourceHandle(
  outputs: readonly string[],
  sourceHandle: string | null | undefined,
): string | null {
  if (sourceHandle) return sourceHandle;
  if (outputs.length === 1) return outputs[0] ?? null;
  return outputs.includes(OUTPUT_HANDLE) ? OUTPUT_HANDLE : null;
}
