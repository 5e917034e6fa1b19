/**
 * GET /api/knowledge-bases/:id/embeddings — the base's embeddings model, the providers this server has
 * configured, and progress: passages embedded with the current model of all, a re-embedding under way, and
 * documents whose embedding failed.
 * POST /api/knowledge-bases/:id/embeddings — (re-)embeds, in the background, every passage the current model
 * has not embedded (after a model change, or to retry failures); 202 with the status, then poll GET.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { getEmbeddingStatus, startReembedding } from "@/lib/services/knowledge-embeddings";
import { idParam } from "../../../_lib/params";

const notFound = () => new AppError("not_found:knowledge_base", "No such knowledge base.");

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", notFound);
  return json(await getEmbeddingStatus({ ownerId: user.id, id }));
});

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", notFound);
  return json(await startReembedding({ ownerId: user.id, id }), { status: 202 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
