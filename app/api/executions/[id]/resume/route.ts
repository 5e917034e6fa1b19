/**
 * POST /api/executions/:id/resume — answers the human node a paused run waits at (or, with an empty body,
 * continues a run paused at a breakpoint), and continues the run (JSON result, or the stream with
 * `Accept: text/event-stream`, or 202 with `Prefer: respond-async`). 409 when the run is not paused. A streamed chat run goes on when its client leaves (as every chat answer does); other
 * streamed runs stop with their reader.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed, readJson } from "@/lib/http";
import { resumeExecutionBodySchema } from "@/lib/contracts/executions";
import { detachedRunResponse, prefersRespondAsync } from "@/lib/monitor/detached-run";
import { executionNotFound, resumeRun } from "@/lib/services/executions";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";
import { runResponse } from "../../../_lib/run-response";
import { wantsEventStream } from "@/lib/http/sse";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", executionNotFound);
  const body = await readJson(request, resumeExecutionBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  const detached = prefersRespondAsync(request);
  const outcome = await resumeRun({
    userId: user.id,
    executionId: id,
    // No answer: a breakpoint continues (a human node answers 422: it needs one).
    answer: body.approved === undefined && body.text === undefined ? undefined : body,
    stream: detached || wantsEventStream(request),
  });
  return detached ? detachedRunResponse(outcome) : runResponse(outcome);
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
