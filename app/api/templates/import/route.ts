/** POST /api/templates/import — an export file in (of a template or a workflow), a new template of the caller's out. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { workflowExportFileSchema } from "@/lib/contracts/workflows";
import { importTemplate } from "@/lib/services/templates";
import { BODY_LIMITS } from "../../_lib/limits";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const file = await readJson(request, workflowExportFileSchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json(await importTemplate({ ownerId: user.id, file }), { status: 201 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
