/**
 * Time travel: the steps of a past run that can be run again, and the copy of one of them onto a new
 * execution's thread (with the person's edits to its variables), from which `execute` continues.
 *
 * A step is a checkpoint LangGraph wrote between supersteps: its channel values are the state after the
 * nodes before it, and the `branch:to:<node>` channels it holds name the nodes it triggers next. Runs keep
 * those checkpoints only with `options.durability` "sync" or "async" (the default, "exit", writes one only
 * at a pause or the end of a graph that can pause, none otherwise). A run without steps can be re-run from
 * its start only; the API and the monitor say what that restores and what it cannot (lib/contracts/rerun.ts).
 * Any run type has steps when it kept them — a chat turn too (its re-run is not added to its conversation).
 *
 * Reads the saver directly: nothing here compiles or runs a graph (that stays with `execute`).
 */
import "server-only";
import type { BaseMessage } from "@langchain/core/messages";
import type { Checkpoint, CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { getCheckpointSaver } from "@/lib/db/checkpointer";
import { AppError } from "@/lib/errors";

const BRANCH_PREFIX = "branch:to:";
const TEXT_PREVIEW = 500;

export interface RunStep {
  checkpointId: string;
  /** LangGraph's superstep number (0: the first node is about to run). */
  step: number;
  /** Nodes this checkpoint runs next. */
  next: string[];
  createdAt: string;
  /** The state's variables at this point (what a time-travel re-run may edit). */
  variables: Record<string, unknown>;
  messageCount: number;
  lastMessage: { role: string; text: string } | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The nodes a checkpoint triggers: the `branch:to:<node>` channels it holds a value for. */
export function nextNodesOf(checkpoint: Checkpoint): string[] {
  return Object.keys(checkpoint.channel_values ?? {})
    .filter((channel) => channel.startsWith(BRANCH_PREFIX))
    .map((channel) => channel.slice(BRANCH_PREFIX.length))
    .sort();
}

function messagePreview(messages: unknown): RunStep["lastMessage"] {
  if (!Array.isArray(messages) || messages.length === 0) return null;
  const last = messages[messages.length - 1] as Partial<BaseMessage> | undefined;
  if (!last || typeof last.getType !== "function") return null;
  const text = typeof last.text === "string" ? last.text : "";
  return { role: last.getType(), text: text.length > TEXT_PREVIEW ? `${text.slice(0, TEXT_PREVIEW)}…` : text };
}

/** The user's run's checkpointed state (any checkpoint), or a 404 as for a run that is not theirs. */
async function ownedTuples(executionId: string, userId: string): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of getCheckpointSaver().list({
    configurable: { thread_id: executionId, checkpoint_ns: "" },
  })) {
    tuples.push(tuple);
  }
  const owner = tuples
    .map((t) => (t.checkpoint.channel_values as Record<string, unknown>).user_id)
    .find((id) => typeof id === "string");
  if (owner !== undefined && owner !== userId) throw new AppError("not_found:execution", "No such execution.");
  return tuples;
}

/**
 * The steps of the user's run a re-run can start from, first to last: every checkpoint that names nodes to
 * run next. A run that kept only its final checkpoint has none, unless it paused (its pause is a step).
 */
export async function listRunSteps({
  executionId,
  userId,
}: {
  executionId: string;
  userId: string;
}): Promise<RunStep[]> {
  const tuples = await ownedTuples(executionId, userId);
  const steps: RunStep[] = [];
  for (const tuple of tuples) {
    const next = nextNodesOf(tuple.checkpoint);
    if (next.length === 0) continue;
    const values = tuple.checkpoint.channel_values as Record<string, unknown>;
    const messages = values.messages;
    steps.push({
      checkpointId: tuple.checkpoint.id,
      step: typeof tuple.metadata?.step === "number" ? tuple.metadata.step : -1,
      next,
      createdAt: tuple.checkpoint.ts,
      variables: isRecord(values.variables) ? values.variables : {},
      messageCount: Array.isArray(messages) ? messages.length : 0,
      lastMessage: messagePreview(messages),
    });
  }
  return steps.sort((a, b) => a.step - b.step || a.createdAt.localeCompare(b.createdAt));
}

/** Whether the user's run kept a step a re-run can start from (the API's 409 otherwise: see lib/contracts/rerun.ts). */
export async function runHasSteps({ executionId, userId }: { executionId: string; userId: string }): Promise<boolean> {
  const tuples = await ownedTuples(executionId, userId);
  return tuples.some((tuple) => nextNodesOf(tuple.checkpoint).length > 0);
}

/**
 * A run's checkpoint (its latest, or `checkpointId`) and its channel values, when it exists and is `userId`'s;
 * undefined otherwise (a missing checkpoint and another user's look the same).
 */
export async function ownedCheckpoint({
  executionId,
  userId,
  checkpointId,
}: {
  executionId: string;
  userId: string;
  checkpointId?: string | undefined;
}): Promise<{ tuple: CheckpointTuple; values: Record<string, unknown> } | undefined> {
  const tuple = await getCheckpointSaver().getTuple({
    configurable: {
      thread_id: executionId,
      checkpoint_ns: "",
      ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
    },
  });
  const values = tuple?.checkpoint.channel_values as Record<string, unknown> | undefined;
  return tuple && values && values.user_id === userId ? { tuple, values } : undefined;
}

/** The checkpoint a time-travel run starts from, checked: the user's, and naming nodes to run next. */
export async function loadRunStep({
  executionId,
  checkpointId,
  userId,
}: {
  executionId: string;
  checkpointId: string;
  userId: string;
}): Promise<CheckpointTuple> {
  const tuple = (await ownedCheckpoint({ executionId, userId, checkpointId }))?.tuple;
  if (!tuple) throw new AppError("not_found:checkpoint", "This run has no such step to re-run from.");
  if (nextNodesOf(tuple.checkpoint).length === 0) {
    throw new AppError("conflict:checkpoint", "Nothing runs after this step, so there is nothing to re-run from it.");
  }
  return tuple;
}

/**
 * Writes `source` as the first checkpoint of `threadId` (a new execution's thread), with its variables
 * replaced by `variables` when given and its metadata patched, and without the source's pending writes —
 * so the run continues at the nodes the step names, on the edited state.
 */
export async function copyStepToThread({
  source,
  threadId,
  variables,
  metadata,
}: {
  source: CheckpointTuple;
  threadId: string;
  variables?: Record<string, unknown>;
  metadata: (current: Record<string, unknown>) => Record<string, unknown>;
}): Promise<void> {
  const checkpoint: Checkpoint = {
    ...source.checkpoint,
    channel_values: { ...source.checkpoint.channel_values },
    channel_versions: { ...source.checkpoint.channel_versions },
    versions_seen: structuredClone(source.checkpoint.versions_seen),
  };
  const values = checkpoint.channel_values as Record<string, unknown>;
  const versions = checkpoint.channel_versions as Record<string, string | number>;
  const saver = getCheckpointSaver();
  if (variables) {
    values.variables = variables;
    versions.variables ??= saver.getNextVersion(undefined);
  }
  values.metadata = metadata(isRecord(values.metadata) ? values.metadata : {});
  versions.metadata ??= saver.getNextVersion(undefined);
  await saver.put(
    { configurable: { thread_id: threadId, checkpoint_ns: "" } },
    checkpoint,
    { ...source.metadata, source: "fork", step: source.metadata?.step ?? 0, parents: {} },
    // Every channel is new on the new thread.
    checkpoint.channel_versions,
  );
}
