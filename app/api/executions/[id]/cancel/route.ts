/**
 * POST /api/executions/:id/cancel — stops a running (or paused) run from any instance; it ends `cancelled`
 * with the usage spent so far. 409 when the run has already ended.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { cancelRun, executionNotFound } from "@/lib/services/executions";
import { idParam } from "../../../_lib/params";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", executionNotFound);
  return json(await cancelRun({ userId: user.id, executionId: id }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
