/** GET /api/workflows/:id/versions — every saved version, newest first, with what each changed. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { listVersions, workflowNotFound } from "@/lib/services/workflows";
import { idParam } from "../../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  return json({ versions: await listVersions({ ownerId: user.id, id }) });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
