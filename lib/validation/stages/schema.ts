/**
 * Stage 1: is it a workflow at all? The public definition format (graph plus optional name and
 * description). A failure here ends validation: the later stages need well-formed nodes and edges.
 */
import { z } from "zod";
import { DEFINITION_LIMITS, graphSchema, type WorkflowGraph } from "@/lib/workflow/definition";
import type { IssueCollector } from "../analysis";

const validatedDefinitionSchema = graphSchema.extend({
  name: z.string().max(DEFINITION_LIMITS.maxNameLength).optional(),
  description: z.string().max(DEFINITION_LIMITS.maxDescriptionLength).optional(),
});

const MAX_SCHEMA_ISSUES = 50;

export function checkSchema(definition: unknown, issues: IssueCollector): WorkflowGraph | null {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
    issues.add({
      code: "schema.invalid",
      message: "A workflow definition must be a JSON object with “nodes” and “edges” lists.",
    });
    return null;
  }
  // Refuse oversized lists before zod walks every element of them.
  const record = definition as Record<string, unknown>;
  for (const [key, max] of [
    ["nodes", DEFINITION_LIMITS.maxNodes],
    ["edges", DEFINITION_LIMITS.maxEdges],
  ] as const) {
    const list = Object.hasOwn(record, key) ? record[key] : undefined;
    if (Array.isArray(list) && list.length > max) {
      issues.add({
        code: "schema.invalid",
        path: key,
        message: `A workflow may have at most ${max} ${key} (this one has ${list.length}).`,
      });
      return null;
    }
  }

  const parsed = validatedDefinitionSchema.safeParse(definition);
  if (parsed.success) return parsed.data;

  const nodes = Array.isArray(record.nodes) ? (record.nodes as unknown[]) : [];
  const edges = Array.isArray(record.edges) ? (record.edges as unknown[]) : [];
  for (const issue of parsed.error.issues.slice(0, MAX_SCHEMA_ISSUES)) {
    const path = issue.path.map(String).join(".");
    const [head, index] = issue.path;
    const item =
      typeof index === "number"
        ? head === "nodes"
          ? nodes[index]
          : head === "edges"
            ? edges[index]
            : undefined
        : undefined;
    const id = idOf(item);
    const where = describePath(issue.path, id);
    issues.add({
      code: "schema.invalid",
      path: path || undefined,
      message: `${where}: ${issue.message}`,
      ...(head === "nodes" && id ? { nodeId: id } : {}),
      ...(head === "edges" && id ? { edgeId: id } : {}),
    });
  }
  return null;
}

function idOf(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const id = (item as Record<string, unknown>).id;
  return typeof id === "string" && id.length <= DEFINITION_LIMITS.maxIdLength ? id : undefined;
}

function describePath(path: readonly PropertyKey[], id: string | undefined): string {
  const [head, index, ...rest] = path;
  if ((head === "nodes" || head === "edges") && typeof index === "number") {
    const what = head === "nodes" ? "Node" : "Edge";
    const name = id ? `${what} “${id}”` : `${what} ${index + 1}`;
    return rest.length ? `${name}, field ${rest.map(String).join(".")}` : name;
  }
  if (path.length === 0) return "The definition";
  return `Field ${path.map(String).join(".")}`;
}
