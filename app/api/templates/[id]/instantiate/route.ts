/** POST /api/templates/:id/instantiate — a new saved workflow from the template, its parameters filled in. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { instantiateTemplateBodySchema } from "@/lib/contracts/templates";
import { instantiateTemplate, templateNotFound } from "@/lib/services/templates";
import { readOptionalJson } from "../../../_lib/body";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", templateNotFound);
  const body = await readOptionalJson(request, instantiateTemplateBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json(await instantiateTemplate({ ownerId: user.id, id, ...body }), { status: 201 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
