/** POST /api/schedules/preview — the next five times of a timing not saved yet (the form's preview). */
import { authenticate } from "@/lib/auth/authenticate";
import { scheduleTimingSchema } from "@/lib/contracts/triggers";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { previewSchedule } from "@/lib/services/triggers";
import { BODY_LIMITS } from "../../_lib/limits";

export const POST = apiRoute(async (request) => {
  await authenticate(request);
  return json(previewSchedule(await readJson(request, scheduleTimingSchema, { maxBytes: BODY_LIMITS.SMALL })));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
