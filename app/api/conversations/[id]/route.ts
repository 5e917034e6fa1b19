/**
 * GET /api/conversations/:id — a conversation with its messages, oldest first.
 * PATCH /api/conversations/:id — renames it.
 * DELETE /api/conversations/:id — deletes it and its messages (its runs stay in the execution history).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { updateConversationBodySchema } from "@/lib/contracts/conversations";
import {
  conversationNotFound,
  deleteConversation,
  getConversationDto,
  renameConversationTitle,
} from "@/lib/services/conversations";
import { BODY_LIMITS } from "../../_lib/limits";
import { idParam } from "../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", conversationNotFound);
  return json({ conversation: await getConversationDto({ ownerId: user.id, id }) });
});

export const PATCH = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", conversationNotFound);
  const { title } = await readJson(request, updateConversationBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  return json({ conversation: await renameConversationTitle({ ownerId: user.id, id, title }) });
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", conversationNotFound);
  await deleteConversation({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export { others as POST, others as PUT };
