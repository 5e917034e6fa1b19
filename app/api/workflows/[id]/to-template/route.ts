/** POST /api/workflows/:id/to-template — a new template of the caller's from the workflow's latest version. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { workflowToTemplateBodySchema } from "@/lib/contracts/workflows";
import { templateFromWorkflow } from "@/lib/services/templates";
import { workflowNotFound } from "@/lib/services/workflows";
import { readOptionalJson } from "../../../_lib/body";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  const body = await readOptionalJson(request, workflowToTemplateBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  return json({ template: await templateFromWorkflow({ ownerId: user.id, workflowId: id, ...body }) }, { status: 201 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
