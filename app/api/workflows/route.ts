/**
 * GET /api/workflows — the caller's saved workflows, newest first.
 * POST /api/workflows — saves a new workflow (version 1); an invalid one is kept as a draft.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { saveWorkflowBodySchema } from "@/lib/contracts/workflows";
import { createWorkflow, listWorkflows } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../_lib/limits";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ workflows: await listWorkflows({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const { baseVersion: _ignored, ...doc } = await readJson(request, saveWorkflowBodySchema, {
    maxBytes: BODY_LIMITS.DEFINITION,
  });
  return json(await createWorkflow({ ownerId: user.id, doc }), { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
