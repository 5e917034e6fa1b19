/**
 * GET /api/executions/:id/events — the run's events as Server-Sent Events: those stored after the client's
 * Last-Event-ID (header, or `?lastEventId=` on a first connection), then live ones from whichever instance
 * runs it; `id:` is the event's sequence number. The stream ends after the run's last event, or at once when
 * the run is over and nothing is left to send. Another user's run is a 404, like a missing one.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { lastEventIdOf } from "@/lib/http/sse";
import { executionEventsResponse } from "@/lib/tracking/sse";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const afterSeq = lastEventIdOf(request) ?? 0;
  return executionEventsResponse({ executionId: id, ownerId: user.id, afterSeq, signal: request.signal });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
