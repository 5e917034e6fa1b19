/**
 * POST /api/workflows/validate — a definition in, the validator's result out. 200 even when the definition
 * is invalid: the answer is the list of problems (4xx only when the request itself is malformed).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { validateWorkflowBodySchema } from "@/lib/contracts/workflows";
import { validateForUser } from "@/lib/services/validation-context";
import { BODY_LIMITS } from "../../_lib/limits";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, validateWorkflowBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  const validation = await validateForUser({
    ownerId: user.id,
    definition: body.definition,
    ...(body.definitionId ? { definitionId: body.definitionId } : {}),
  });
  return json({ validation });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
