/** DELETE /api/knowledge-bases/:id/documents/:documentId — deletes a document and its chunks. */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, methodNotAllowed, noContent } from "@/lib/http";
import { deleteKnowledgeDocument } from "@/lib/services/knowledge";
import { idParam } from "../../../../_lib/params";

const notFound = () => new AppError("not_found:knowledge_document", "No such document in this knowledge base.");

export const DELETE = apiRoute<{ id: string; documentId: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const knowledgeBaseId = await idParam(
    params,
    "id",
    () => new AppError("not_found:knowledge_base", "No such knowledge base."),
  );
  const documentId = await idParam(params, "documentId", notFound);
  await deleteKnowledgeDocument({ ownerId: user.id, knowledgeBaseId, documentId });
  return noContent();
});

const others = methodNotAllowed(["DELETE"]);
export { others as GET, others as PATCH, others as POST, others as PUT };
