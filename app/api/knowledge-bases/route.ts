/**
 * GET /api/knowledge-bases — the caller's knowledge bases.
 * POST /api/knowledge-bases — creates one (empty; add documents next).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createKnowledgeBaseBodySchema } from "@/lib/contracts/knowledge";
import { createKnowledgeBase, listKnowledgeBases } from "@/lib/services/knowledge";
import { BODY_LIMITS } from "../_lib/limits";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ knowledgeBases: await listKnowledgeBases({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, createKnowledgeBaseBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  return json({ knowledgeBase: await createKnowledgeBase({ ownerId: user.id, ...body }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
