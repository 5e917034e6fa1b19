/** GET /api/analytics/workflows — per saved workflow and version the caller ran: outcomes, durations, tokens, cost. */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { workflowAnalyticsQuerySchema } from "@/lib/contracts/analytics";
import { workflowAnalytics } from "@/lib/services/analytics";
import { readQuery } from "../../_lib/query";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json(await workflowAnalytics({ ownerId: user.id, query: readQuery(request, workflowAnalyticsQuerySchema) }));
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
