/**
 * GET /api/knowledge-bases/:id — a knowledge base with its documents.
 * PATCH /api/knowledge-bases/:id — JSON `{ embeddingModel: { provider, model } | null }`: chooses (or clears)
 *   its embeddings model; existing passages are re-embedded by POST …/embeddings, not here.
 * DELETE /api/knowledge-bases/:id — deletes it with its documents and their chunks.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { updateKnowledgeBaseBodySchema } from "@/lib/contracts/knowledge";
import { deleteKnowledgeBase, getKnowledgeBaseWithDocuments, updateKnowledgeBase } from "@/lib/services/knowledge";
import { BODY_LIMITS } from "../../_lib/limits";
import { idParam } from "../../_lib/params";

const notFound = () => new AppError("not_found:knowledge_base", "No such knowledge base.");

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", notFound);
  return json(await getKnowledgeBaseWithDocuments({ ownerId: user.id, id }));
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", notFound);
  await deleteKnowledgeBase({ ownerId: user.id, id });
  return noContent();
});

export const PATCH = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", notFound);
  const { embeddingModel } = await readJson(request, updateKnowledgeBaseBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  return json({ knowledgeBase: await updateKnowledgeBase({ ownerId: user.id, id, embeddingModel }) });
});

const others = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export { others as POST, others as PUT };
