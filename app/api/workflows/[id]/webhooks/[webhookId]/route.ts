/**
 * PATCH /api/workflows/:id/webhooks/:webhookId — changes a webhook's settings (mapping, response mode,
 * rate, version, enabled).
 * DELETE /api/workflows/:id/webhooks/:webhookId — removes it; its URL answers 404 from then on.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { updateWebhookBodySchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { deleteWorkflowWebhook, updateWorkflowWebhook, webhookNotFound } from "@/lib/services/triggers";
import { workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../../../_lib/limits";
import { idParam } from "../../../../_lib/params";

type Params = { id: string; webhookId: string };

export const PATCH = apiRoute<Params>(async (request, { params }) => {
  const user = await authenticate(request);
  const body = await readJson(request, updateWebhookBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  const workflowId = await idParam(params, "id", workflowNotFound);
  const webhookId = await idParam(params, "webhookId", webhookNotFound);
  return json({ webhook: await updateWorkflowWebhook({ ownerId: user.id, workflowId, webhookId, body }) });
});

export const DELETE = apiRoute<Params>(async (request, { params }) => {
  const user = await authenticate(request);
  const workflowId = await idParam(params, "id", workflowNotFound);
  const webhookId = await idParam(params, "webhookId", webhookNotFound);
  await deleteWorkflowWebhook({ ownerId: user.id, workflowId, webhookId });
  return noContent();
});

const others = methodNotAllowed(["PATCH", "DELETE"]);
export { others as GET, others as POST, others as PUT };
