/**
 * GET /api/knowledge-bases/:id — a knowledge base with its documents.
 * DELETE /api/knowledge-bases/:id — deletes it with its documents and their chunks.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, noContent } from "@/lib/http";
import { deleteKnowledgeBase, getKnowledgeBaseWithDocuments } from "@/lib/services/knowledge";
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

const others = methodNotAllowed(["GET", "DELETE"]);
export { others as PATCH, others as POST, others as PUT };
