/** GET /api/analytics/templates — per template the caller's runs came from: outcomes, durations, tokens, cost. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { analyticsQuerySchema } from "@/lib/contracts/analytics";
import { templateAnalytics } from "@/lib/services/analytics";
import { readQuery } from "../../_lib/query";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json(await templateAnalytics({ ownerId: user.id, query: readQuery(request, analyticsQuerySchema) }));
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
