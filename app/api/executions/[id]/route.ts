/** GET /api/executions/:id — one run: its record, node history, the graph it used and a summary of its events. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { executionNotFound, getExecutionDetail } from "@/lib/services/executions";
import { idParam } from "../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", executionNotFound);
  return json({ execution: await getExecutionDetail({ ownerId: user.id, id }) });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
