/**
 * GET /api/models — the model providers, the server's default model, the caller's own and what "the default
 * model" (a node's provider "default") is for them now.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { getModelSettings } from "@/lib/services/credentials";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json(await getModelSettings({ ownerId: user.id }));
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
