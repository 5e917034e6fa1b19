/**
 * GET /api/templates/:id — a built-in or one of the caller's templates, with its graph.
 * PUT /api/templates/:id — replaces one of the caller's templates (403 forbidden:builtin for a built-in).
 * DELETE /api/templates/:id — deletes one of the caller's templates (403 forbidden:builtin for a built-in).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { saveTemplateBodySchema } from "@/lib/contracts/templates";
import { deleteTemplate, getTemplateDto, templateNotFound, updateTemplate } from "@/lib/services/templates";
import { BODY_LIMITS } from "../../_lib/limits";
import { idParam } from "../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", templateNotFound);
  return json({ template: await getTemplateDto({ ownerId: user.id, id }) });
});

export const PUT = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", templateNotFound);
  const input = await readJson(request, saveTemplateBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json({ template: await updateTemplate({ ownerId: user.id, id, input }) });
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", templateNotFound);
  await deleteTemplate({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["GET", "PUT", "DELETE"]);
export { others as PATCH, others as POST };
