/** GET /api/conversations — the caller's conversations, most recently active first, cursor-paginated; `q` searches titles and messages. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { conversationListQuerySchema } from "@/lib/contracts/conversations";
import { listConversationsPage } from "@/lib/services/conversations";
import { readQuery } from "../_lib/query";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  const { cursor, limit, q } = readQuery(request, conversationListQuerySchema);
  return json(
    await listConversationsPage({ ownerId: user.id, limit, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) }),
  );
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
