/**
 * GET /api/executions/feed — the caller's run status changes as Server-Sent Events (`event: run_status`), for
 * the dashboard: runs starting, pausing, finishing, on any instance. `id:` is the change time in epoch ms; a
 * client reconnecting with it as Last-Event-ID (or `?lastEventId=`) first gets the current state of every run
 * that changed since. Open until the client goes away.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { lastEventIdOf } from "@/lib/http/sse";
import { runFeedResponse } from "@/lib/tracking/sse";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  const since = lastEventIdOf(request);
  return runFeedResponse({ ownerId: user.id, ...(since !== undefined ? { since } : {}), signal: request.signal });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
