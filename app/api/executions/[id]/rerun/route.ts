/**
 * POST /api/executions/:id/rerun — a new run with the same request as this one, linked to it by
 * parentExecutionId (JSON result, or the stream with `Accept: text/event-stream`, or 202 with the new id
 * with `Prefer: respond-async`; in queue mode such a re-run goes to the job queue, 202 with status
 * `pending`). An optional JSON body `{ fromStep: { checkpointId, variables? } }` starts
 * the new run at that step of this one, with edited variables (time travel); `durability` keeps step
 * checkpoints in the new run.
 */
import { rerunExecutionBodySchema, type RerunExecutionBody } from "@/lib/contracts/executions";
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed, readJson } from "@/lib/http";
import { detachedRunResponse, prefersRespondAsync } from "@/lib/monitor/detached-run";
import { queueMode } from "@/lib/queue/boss";
import { queuedRunResponse } from "@/app/api/_lib/queued-run";
import { executionNotFound, queueRerun, rerunExecution } from "@/lib/services/executions";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";
import { runResponse } from "../../../_lib/run-response";
import { wantsEventStream } from "@/lib/http/sse";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", executionNotFound);
  // The body is optional: a bare POST re-runs from the start.
  const body: RerunExecutionBody = (request.headers.get("content-type") ?? "").includes("json")
    ? await readJson(request, rerunExecutionBodySchema, { maxBytes: BODY_LIMITS.DEFINITION })
    : {};
  const detached = prefersRespondAsync(request);
  if (detached && queueMode()) {
    return queuedRunResponse(
      await queueRerun({
        userId: user.id,
        executionId: id,
        ...(body.fromStep ? { fromStep: body.fromStep } : {}),
        ...(body.durability ? { durability: body.durability } : {}),
      }),
    );
  }
  const outcome = await rerunExecution({
    userId: user.id,
    executionId: id,
    stream: detached || wantsEventStream(request),
    ...(body.fromStep ? { fromStep: body.fromStep } : {}),
    ...(body.durability ? { durability: body.durability } : {}),
  });
  return detached ? detachedRunResponse(outcome) : runResponse(outcome);
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
