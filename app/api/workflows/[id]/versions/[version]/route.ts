/** GET /api/workflows/:id/versions/:version — one immutable version with its graph. */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { getVersion, workflowNotFound } from "@/lib/services/workflows";
import { idParam, versionParam } from "../../../../_lib/params";

const versionNotFound = () => new AppError("not_found:workflow_version", "No such version.");

export const GET = apiRoute<{ id: string; version: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  const version = await versionParam(params, versionNotFound);
  return json({ version: await getVersion({ ownerId: user.id, id, version }) });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
