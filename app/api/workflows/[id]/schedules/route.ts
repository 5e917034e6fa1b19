/**
 * GET /api/workflows/:id/schedules — the workflow's schedules, each with its next five times.
 * POST /api/workflows/:id/schedules — adds one: a cron expression in a time zone, or every N minutes, with
 * the run's input; its runs are the workflow's (pinned or latest version), started by the scheduler.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { createScheduleBodySchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createSchedule, listWorkflowSchedules } from "@/lib/services/triggers";
import { workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const workflowId = await idParam(params, "id", workflowNotFound);
  return json({ schedules: await listWorkflowSchedules({ ownerId: user.id, workflowId }) });
});

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const body = await readJson(request, createScheduleBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  const workflowId = await idParam(params, "id", workflowNotFound);
  return json({ schedule: await createSchedule({ ownerId: user.id, workflowId, body }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
