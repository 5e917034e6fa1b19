/**
 * POST /api/executions — runs an ExecutionRequest (CHAT, DEFINITION, TEMPLATE or CUSTOM) through the engine:
 * the JSON result, or with `Accept: text/event-stream` the run's events as they happen (the last one carries
 * the result), or with `Prefer: respond-async` 202 and the execution id once it has started (it runs on).
 * 429 with Retry-After past the caller's run limits.
 * GET /api/executions — the caller's runs, newest first: filters (status, type, workflowId, templateId,
 * conversationId, from/to) and cursor pagination.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { executionListQuerySchema, runExecutionBodySchema } from "@/lib/api/executions";
import { detachedRunResponse, prefersRespondAsync } from "@/lib/monitor/detached-run";
import { listExecutionsPage, startRun } from "@/lib/services/executions";
import { BODY_LIMITS } from "../_lib/limits";
import { readQuery } from "../_lib/query";
import { runResponse } from "../_lib/run-response";
import { wantsEventStream } from "../_lib/sse";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, runExecutionBodySchema, { maxBytes: BODY_LIMITS.DEFINITION });
  const detached = prefersRespondAsync(request);
  const outcome = await startRun({ userId: user.id, request: body, stream: detached || wantsEventStream(request) });
  return detached ? detachedRunResponse(outcome) : runResponse(outcome);
});

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  const query = readQuery(request, executionListQuerySchema, { arrays: ["status"] });
  return json(await listExecutionsPage({ ownerId: user.id, query }));
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
