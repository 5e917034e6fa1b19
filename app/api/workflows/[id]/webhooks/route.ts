/**
 * GET /api/workflows/:id/webhooks — the workflow's webhooks (their URLs; a signing secret is never shown
 * again after it was made).
 * POST /api/workflows/:id/webhooks — adds one; with `signed: true` its secret is in this answer, once.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { createWebhookBodySchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createWebhook, listWorkflowWebhooks } from "@/lib/services/triggers";
import { workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const workflowId = await idParam(params, "id", workflowNotFound);
  return json({ webhooks: await listWorkflowWebhooks({ ownerId: user.id, workflowId }) });
});

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const body = await readJson(request, createWebhookBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  const workflowId = await idParam(params, "id", workflowNotFound);
  return json(await createWebhook({ ownerId: user.id, workflowId, body }), { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
