/**
 * GET /api/workflows/:id — one saved workflow with its graph (latest version).
 * PUT /api/workflows/:id — saves the body as the next version (409 when `baseVersion` is stale).
 * DELETE /api/workflows/:id — deletes it with its versions; its past runs stay.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { saveWorkflowBodySchema } from "@/lib/contracts/workflows";
import { deleteWorkflow, getWorkflowDto, updateWorkflow, workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../_lib/limits";
import { idParam } from "../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  return json({ workflow: await getWorkflowDto({ ownerId: user.id, id }) });
});

export const PUT = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  const { baseVersion, ...doc } = await readJson(request, saveWorkflowBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json(
    await updateWorkflow({ ownerId: user.id, id, doc, ...(baseVersion !== undefined ? { baseVersion } : {}) }),
  );
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  await deleteWorkflow({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["GET", "PUT", "DELETE"]);
export { others as PATCH, others as POST };
