/**
 * Work a run would otherwise repeat for every request on the same workflow: validating the definition,
 * parsing it, and compiling it to a LangGraph graph. All three depend only on the definition (and on what
 * the deployment offers, for validation), so they are done once per distinct definition and shared by every
 * run of it: a chat turn on a saved workflow validates and compiles nothing.
 *
 * A compiled graph holds nothing of a run: each run hands its runtime over in the LangGraph config
 * (lib/graph/compile-workflow.ts, `runConfigurable`). Cached definitions are shared objects: never mutate them.
 */
import "server-only";
import { createHash } from "node:crypto";
import { getGraphCheckpointSaver } from "@/lib/db/checkpointer";
import { compileWorkflow, type CompiledWorkflow } from "@/lib/graph/compile-workflow";
import { validateWorkflow, type ValidationContext, type ValidationResult } from "@/lib/validation";
import { graphSchema, type WorkflowGraph } from "@/lib/workflow/definition";

/** Distinct definitions kept (least recently used go first). */
const MAX_PREPARED = 256;

export interface PreparedWorkflow {
  validation: ValidationResult;
  /** The parsed definition, when it is valid. */
  definition?: WorkflowGraph;
}

const prepared = new Map<string, PreparedWorkflow>();

function keyOf(raw: unknown, context: ValidationContext): string {
  return createHash("sha1")
    .update(JSON.stringify(raw) ?? "")
    .update("\u0000")
    .update(JSON.stringify(context))
    .digest("base64");
}

/**
 * `validateWorkflow` and, when valid, the parsed definition — once per distinct definition and validation
 * context. The validator reads the user only for whether there is one; the engine always has one.
 */
export function prepareWorkflow(raw: unknown, user: { id: string }, context: ValidationContext): PreparedWorkflow {
  const key = keyOf(raw, context);
  const hit = prepared.get(key);
  if (hit) {
    // Most recently used last: the Map's order is the eviction order.
    prepared.delete(key);
    prepared.set(key, hit);
    return hit;
  }
  const validation = validateWorkflow(raw, user, context);
  const entry: PreparedWorkflow = validation.isValid
    ? { validation, definition: graphSchema.parse(raw) }
    : { validation };
  prepared.set(key, entry);
  if (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
  return entry;
}

interface Compiled {
  plain?: CompiledWorkflow;
  checkpointed?: CompiledWorkflow;
}

/** By definition object: prepared definitions are shared, so their graphs are too. */
const compiled = new WeakMap<WorkflowGraph, Compiled>();

/** The definition's graph, compiled once per definition object, with or without the checkpoint saver. */
export function compiledWorkflow(
  definition: WorkflowGraph,
  { checkpoints }: { checkpoints: boolean },
): CompiledWorkflow {
  let entry = compiled.get(definition);
  if (!entry) compiled.set(definition, (entry = {}));
  if (checkpoints)
    return (entry.checkpointed ??= compileWorkflow(definition, { checkpointer: getGraphCheckpointSaver() }));
  return (entry.plain ??= compileWorkflow(definition));
}
