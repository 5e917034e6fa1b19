/**
 * POST /api/workflows/:id/webhooks/:webhookId/rotate — `{ "rotate": "url" }` gives the hook a new URL (the
 * old one answers 404 at once); `{ "rotate": "secret" }` a new signing secret, shown in this answer once
 * (a hook that was unsigned requires signatures from then on).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { rotateWebhookBodySchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { rotateWebhook, webhookNotFound } from "@/lib/services/triggers";
import { workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../../../../_lib/limits";
import { idParam } from "../../../../../_lib/params";

export const POST = apiRoute<{ id: string; webhookId: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { rotate } = await readJson(request, rotateWebhookBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  const workflowId = await idParam(params, "id", workflowNotFound);
  const webhookId = await idParam(params, "webhookId", webhookNotFound);
  return json(await rotateWebhook({ ownerId: user.id, workflowId, webhookId, rotate }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
