/**
 * PATCH /api/workflows/:id/schedules/:scheduleId — changes a schedule: its timing, input, version, or
 * `enabled` (false pauses it; true resumes it from now, leaving no missed ticks behind).
 * DELETE /api/workflows/:id/schedules/:scheduleId — removes it.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { updateScheduleBodySchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { deleteWorkflowSchedule, scheduleNotFound, updateWorkflowSchedule } from "@/lib/services/triggers";
import { workflowNotFound } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../../../_lib/limits";
import { idParam } from "../../../../_lib/params";

type Params = { id: string; scheduleId: string };

export const PATCH = apiRoute<Params>(async (request, { params }) => {
  const user = await authenticate(request);
  const body = await readJson(request, updateScheduleBodySchema, { maxBytes: BODY_LIMITS.SMALL });
  const workflowId = await idParam(params, "id", workflowNotFound);
  const scheduleId = await idParam(params, "scheduleId", scheduleNotFound);
  return json({ schedule: await updateWorkflowSchedule({ ownerId: user.id, workflowId, scheduleId, body }) });
});

export const DELETE = apiRoute<Params>(async (request, { params }) => {
  const user = await authenticate(request);
  const workflowId = await idParam(params, "id", workflowNotFound);
  const scheduleId = await idParam(params, "scheduleId", scheduleNotFound);
  await deleteWorkflowSchedule({ ownerId: user.id, workflowId, scheduleId });
  return noContent();
});

const others = methodNotAllowed(["PATCH", "DELETE"]);
export { others as GET, others as POST, others as PUT };
