/** The answer to a request that starts or continues a run: the JSON result, or its event stream. */
import "server-only";
import { json } from "@/lib/http";
import type { RunOutcome } from "@/lib/services/executions";
import { runEventsResponse } from "@/lib/http/sse";

export function runResponse(outcome: RunOutcome): Response {
  if (outcome.kind === "stream") return runEventsResponse(outcome.events);
  return json(outcome.result);
}
