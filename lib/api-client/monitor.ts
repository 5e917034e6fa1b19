/**
 * The execution monitor's actions in the browser: cancel, answer a paused run, re-run. Responses are parsed
 * with the API's own zod schemas. The monitor's queries and streams are in components/monitor/queries.ts;
 * the chat and the editor's test runs stop a run with the same cancelExecution.
 */
import {
  cancelExecutionResponseSchema,
  detachedRunResponseSchema,
  type RerunExecutionBody,
  type ResumeExecutionBody,
} from "@/lib/contracts/executions";
import { fetchJson } from "./fetch-json";

/** Asks the run to stop; it ends `cancelled` (its stream says so). A run that already ended answers 409. */
export function cancelExecution(executionId: string) {
  return fetchJson(`/api/executions/${executionId}/cancel`, { method: "POST", schema: cancelExecutionResponseSchema });
}

/** Answers a paused run; the run goes on on the server (202), and its events follow on its stream. */
export function answerExecution(executionId: string, answer: ResumeExecutionBody) {
  return postDetached(`/api/executions/${executionId}/resume`, answer);
}

/** Runs again (from the start, or from a step with edited variables): the new execution's id, once started. */
export function rerunExecution(executionId: string, body: RerunExecutionBody = {}) {
  return postDetached(`/api/executions/${executionId}/rerun`, body);
}

function postDetached(url: string, body: unknown): Promise<{ executionId: string }> {
  return fetchJson(url, {
    method: "POST",
    body,
    headers: { prefer: "respond-async" },
    schema: detachedRunResponseSchema,
  });
}
