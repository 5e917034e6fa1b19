/** POST /api/workflows/:id/restore/:version — makes an old version the latest again, as a new version. */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { restoreVersion, workflowNotFound } from "@/lib/services/workflows";
import { idParam, versionParam } from "../../../../_lib/params";

const versionNotFound = () => new AppError("not_found:workflow_version", "No such version.");

export const POST = apiRoute<{ id: string; version: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  const version = await versionParam(params, versionNotFound);
  return json(await restoreVersion({ ownerId: user.id, id, version }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
