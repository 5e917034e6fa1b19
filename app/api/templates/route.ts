/**
 * GET /api/templates — the built-in templates and the caller's own.
 * POST /api/templates — saves a new template of the caller's (it must be a runnable workflow).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { saveTemplateBodySchema } from "@/lib/contracts/templates";
import { createTemplate, listTemplates } from "@/lib/services/templates";
import { BODY_LIMITS } from "../_lib/limits";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ templates: await listTemplates({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const input = await readJson(request, saveTemplateBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json({ template: await createTemplate({ ownerId: user.id, input }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
