/**
 * What re-running a past run restores — one wording for the API (POST /api/executions/:id/rerun) and the
 * monitor's "Re-run from a step" dialog. Client-safe.
 *
 * - A run that kept step checkpoints (durability "sync"/"async", or a pause at a human node) can be re-run
 *   from any of its steps: the state there is restored whole (messages, variables, loop and branch state)
 *   and its variables may be edited first.
 * - A run that kept none (the default durability, "exit", and no pause) can be re-run from its start only:
 *   its input is stored, the state between its nodes is not (its events hold summaries of it).
 * - A chat turn re-run from a step is answered again as a new run recorded as a re-run of that turn; its
 *   conversation keeps its messages (the new answer is not added to it, which would fork its history).
 */
import type { WorkflowType } from "./execution-request";

export interface RerunRestore {
  /** Why there is no step to start from. */
  summary: string;
  /** What a re-run can restore: the run's start. */
  restores: string;
  /** What no re-run can restore. */
  cannotRestore: string;
  /** How to get steps for next time. */
  keepSteps: string;
}

/** What can and cannot be restored of a run that kept no step checkpoints. */
export function rerunWithoutSteps(workflowType: WorkflowType): RerunRestore {
  return {
    summary:
      "This run kept no step checkpoints: it ran with the default durability (“exit”) and did not pause, so the state between its nodes was not stored.",
    restores:
      workflowType === "CHAT"
        ? "Its start: the same message, sent to its conversation again as a new turn (answered with the conversation as it is now)."
        : "Its start: the same input (message and variables) on the same workflow.",
    cannotRestore:
      "The state after any of its nodes (messages, variables, loop and branch state): the timeline shows each node's input and output in summary, not the state itself.",
    keepSteps:
      "Re-run it from the start keeping a checkpoint after every step (durability “sync”): the new run can then be re-run from any of its steps, with its variables edited.",
  };
}

/** The API's answer to a re-run from a step of a run that kept no step checkpoints (409). */
export function noStepsMessage(workflowType: WorkflowType): string {
  const text = rerunWithoutSteps(workflowType);
  return `${text.summary} It can be re-run only from its start (POST without fromStep). ${text.restores} Not restorable: ${text.cannotRestore.charAt(0).toLowerCase()}${text.cannotRestore.slice(1)} Add "durability": "sync" to keep every step of the new run.`;
}

/** What a chat turn re-run from a step is (the monitor's dialog and the docs say the same). */
export const CHAT_STEP_RERUN =
  "A chat turn re-run from a step is answered again as a new run, recorded as a re-run of this one, with the conversation as it was at that step. The conversation keeps its messages: the new answer is not added to it.";
