/**
 * POST /api/hooks/:token — a webhook's public URL: starts a run of its workflow with the JSON body (and the
 * headers the hook lists) mapped into the run's input. No session or API key: the unguessable token is the
 * credential, and a signed hook also requires `X-Lattice-Signature` (lib/services/hook-calls.ts). 202 with
 * the execution id, or the run's outcome for a hook that waits. Nothing runs on any 4xx.
 */
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { assertAcceptingRuns } from "@/lib/queue/lifecycle";
import { callHook } from "@/lib/services/hook-calls";

export const POST = apiRoute<{ token: string }>(async (request, { params }) => {
  assertAcceptingRuns();
  const { token } = await params;
  const outcome = await callHook({ token, request });
  if (outcome.ended) return json(outcome.body, { status: 200 });
  return json(outcome.body, { status: 202, headers: { location: `/api/executions/${outcome.body.executionId}` } });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
