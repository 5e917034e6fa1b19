/**
 * POST /api/executions/:id/rerun — a new run with the same request as this one, linked to it by
 * parentExecutionId (JSON result, or the stream with `Accept: text/event-stream`).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { executionNotFound, rerunExecution } from "@/lib/services/executions";
import { idParam } from "../../../_lib/params";
import { runResponse } from "../../../_lib/run-response";
import { wantsEventStream } from "../../../_lib/sse";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", executionNotFound);
  return runResponse(await rerunExecution({ userId: user.id, executionId: id, stream: wantsEventStream(request) }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
