/**
 * GET /api/analytics/summary — the caller's runs over a time range: totals (outcomes, success rate,
 * average/p50/p95 duration, tokens, cost), a series over time, per-model usage and the top failing workflows.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { analyticsQuerySchema } from "@/lib/contracts/analytics";
import { analyticsSummary } from "@/lib/services/analytics";
import { readQuery } from "../../_lib/query";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json(await analyticsSummary({ ownerId: user.id, query: readQuery(request, analyticsQuerySchema) }));
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
