/**
 * Helpers for engine and graph tests: concise graph building, saving definitions for a user, and
 * collecting a streamed run.
 */
import { workflowDefinitions, workflowDefinitionVersions } from "@/lib/db/schema";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { testDb } from "../helpers/db";

export interface TestNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: { label?: string; config: Record<string, unknown>; retry?: Record<string, unknown> };
}

export function node(
  id: string,
  type: string,
  config: Record<string, unknown> = {},
  extra: { retry?: Record<string, unknown>; label?: string } = {},
): TestNode {
  return { id, type, position: { x: 0, y: 0 }, data: { config, ...extra } };
}

export function edge(source: string, target: string, sourceHandle?: string) {
  return {
    id: `${source}-${sourceHandle ?? "out"}-${target}`,
    source,
    target,
    ...(sourceHandle ? { sourceHandle } : {}),
  };
}

/** Edges through the given node ids, in order. */
export function chain(...ids: string[]) {
  return ids.slice(1).map((id, i) => edge(ids[i]!, id));
}

export function graph(nodes: TestNode[], edges: ReturnType<typeof edge>[]) {
  return { nodes, edges, metadata: {} };
}

/** start → model(echo, or the given config) → end */
export function echoGraph(modelConfig: Record<string, unknown> = { provider: "local", model: "echo" }) {
  return graph(
    [node("start", "start"), node("model", "model", modelConfig), node("end", "end")],
    chain("start", "model", "end"),
  );
}

/** Saves a definition (and its version-1 snapshot) for a user, as the definitions service would. */
export async function saveDefinition(
  ownerId: string,
  g: ReturnType<typeof graph>,
  name = "Test workflow",
): Promise<string> {
  const { db } = await testDb();
  const [row] = await db
    .insert(workflowDefinitions)
    .values({ ownerId, name, nodes: g.nodes, edges: g.edges, metadata: g.metadata, version: 1, isValid: true })
    .returning({ id: workflowDefinitions.id });
  await db.insert(workflowDefinitionVersions).values({
    definitionId: row!.id,
    ownerId,
    version: 1,
    name,
    nodes: g.nodes,
    edges: g.edges,
    metadata: g.metadata,
  });
  return row!.id;
}

export async function collect(events: AsyncIterable<ExecutionEvent>): Promise<ExecutionEvent[]> {
  const all: ExecutionEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function tokensOf(events: ExecutionEvent[]): string {
  return events.flatMap((e) => (e.type === "token" ? [e.data.text] : [])).join("");
}
