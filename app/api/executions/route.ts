/**
 * POST /api/executions — runs an ExecutionRequest (CHAT, DEFINITION, TEMPLATE or CUSTOM) through the engine:
 * the JSON result, or with `Accept: text/event-stream` the run's events as they happen (the last one carries
 * the result), or with `Prefer: respond-async` (or `async: true` in the body) 202 and the execution id once
 * it has started (it runs on). In queue mode (LATTICE_RUN_MODE=queue) such a run goes to the job queue
 * instead — 202 at once, status `pending` — and `runAt` schedules it. 429 with Retry-After past the
 * caller's run limits; 503 with Retry-After while this instance shuts down.
 * GET /api/executions — the caller's runs, newest first: filters (status, type, workflowId, templateId,
 * conversationId, from/to) and cursor pagination.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { executionListQuerySchema, runExecutionBodySchema, splitRunExecutionBody } from "@/lib/contracts/executions";
import { AppError } from "@/lib/errors";
import { detachedRunResponse, prefersRespondAsync } from "@/lib/monitor/detached-run";
import { queueMode } from "@/lib/queue/boss";
import { queuedRunResponse } from "@/app/api/_lib/queued-run";
import { listExecutionsPage, queueRun, startRun, withCallerTrigger } from "@/lib/services/executions";
import { BODY_LIMITS } from "../_lib/limits";
import { readQuery } from "../_lib/query";
import { runResponse } from "../_lib/run-response";
import { wantsEventStream } from "@/lib/http/sse";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = splitRunExecutionBody(
    await readJson(request, runExecutionBodySchema, { maxBytes: BODY_LIMITS.DEFINITION }),
  );
  body.request = withCallerTrigger(user, body.request);
  const detached = body.async || body.runAt !== undefined || prefersRespondAsync(request);
  if (detached && queueMode()) {
    return queuedRunResponse(
      await queueRun({ userId: user.id, request: body.request, ...(body.runAt ? { runAt: body.runAt } : {}) }),
    );
  }
  if (body.runAt) {
    throw new AppError("bad_request:run_at", "Scheduled runs need queue mode (LATTICE_RUN_MODE=queue).", {
      issues: [{ path: "runAt", message: "needs queue mode" }],
    });
  }
  const outcome = await startRun({
    userId: user.id,
    request: body.request,
    stream: detached || wantsEventStream(request),
  });
  return detached ? detachedRunResponse(outcome) : runResponse(outcome);
});

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  const query = readQuery(request, executionListQuerySchema, { arrays: ["status"] });
  return json(await listExecutionsPage({ ownerId: user.id, query }));
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
