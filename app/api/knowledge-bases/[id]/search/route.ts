/**
 * POST /api/knowledge-bases/:id/search — "Test retrieval": JSON `{ query, topK? }` → the passages a
 * retrieval node (or the knowledge-search tool) would get for the query, best first, with the time taken.
 * Reads only; another user's base is a 404 like a missing one.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { knowledgeSearchBodySchema } from "@/lib/contracts/knowledge";
import { testRetrieval } from "@/lib/services/knowledge";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

const notFound = () => new AppError("not_found:knowledge_base", "No such knowledge base.");

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const knowledgeBaseId = await idParam(params, "id", notFound);
  const { query, topK } = await readJson(request, knowledgeSearchBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  return json(await testRetrieval({ ownerId: user.id, knowledgeBaseId, query, topK }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
