/**
 * Writing a run's state as a node (LangGraph's `updateState`): the human-in-the-loop "edit the state, then
 * continue". The values are checked against the workflow state (`parseStateUpdate`: only the channels a
 * client may write, each of its shape) and `asNode` against the run's workflow; LangGraph then applies them
 * through the state's reducers on the run's compiled, checkpointed graph and writes a new checkpoint (source
 * "update") after the run's latest one, or after `checkpointId` (a fork). The nodes it triggers are what a
 * continued run (resumeExecution) or a re-run from that checkpoint (rerunFromStep) runs next. No node runs
 * here, so nothing is tracked: the checkpoint is the record.
 */
import "server-only";
import { InvalidUpdateError } from "@langchain/langgraph";
import { AppError } from "@/lib/errors";
import { parseStateUpdate } from "@/lib/workflow/state";
import { checkNodeIds } from "./breakpoints";
import { compiledWorkflow } from "./compiled-workflows";
import { snapshotOf, validDefinition } from "./prepared";
import { ownedCheckpoint } from "./time-travel";

export async function updateRunState({
  userId,
  executionId,
  checkpointId,
  values,
  asNode,
}: {
  userId: string;
  executionId: string;
  checkpointId?: string | undefined;
  values: unknown;
  asNode?: string | undefined;
}): Promise<{ checkpointId: string }> {
  const at = { thread_id: executionId, checkpoint_ns: "", ...(checkpointId ? { checkpoint_id: checkpointId } : {}) };
  const owned = await ownedCheckpoint({ executionId, userId, checkpointId });
  if (!owned)
    throw new AppError(
      "not_found:checkpoint",
      checkpointId ? `No checkpoint '${checkpointId}' in this run.` : "This run kept no state to update.",
    );
  const snapshot = snapshotOf(owned.values);
  const definition = validDefinition(snapshot.definition, userId, snapshot.depth, snapshot.sourceDefinitionId);
  const update = parseStateUpdate(values, "values");
  if (asNode !== undefined) checkNodeIds(definition, asNode, "as_node");
  const graph = compiledWorkflow(definition, { checkpoints: true });
  try {
    const written = await graph.updateState({ configurable: at }, update, asNode);
    return { checkpointId: String(written.configurable?.checkpoint_id) };
  } catch (error) {
    // LangGraph cannot tell which node wrote last (several did): the caller must name one.
    if (error instanceof InvalidUpdateError)
      throw new AppError("validation:as_node", `Invalid state update: as_node: ${error.message}`, {
        issues: [{ path: "as_node", message: error.message }],
      });
    throw error;
  }
}
