/** GET /api/templates/:id/export — the template as an export file (a download). */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { exportTemplate, templateNotFound } from "@/lib/services/templates";
import { jsonDownload } from "../../../_lib/download";
import { idParam } from "../../../_lib/params";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", templateNotFound);
  const file = await exportTemplate({ ownerId: user.id, id });
  return jsonDownload(file, file.workflow.name);
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
