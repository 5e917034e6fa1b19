/** GET /api/workflows/:id/export[?version=n] — the workflow as an export file (a download). */
import { z } from "zod";
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { exportWorkflow, workflowNotFound } from "@/lib/services/workflows";
import { jsonDownload } from "../../../_lib/download";
import { idParam } from "../../../_lib/params";
import { readQuery } from "../../../_lib/query";

const exportQuerySchema = z.object({ version: z.coerce.number().int().min(1).max(2_147_483_647).optional() }).strict();

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const id = await idParam(params, "id", workflowNotFound);
  const { version } = readQuery(request, exportQuerySchema);
  const file = await exportWorkflow({ ownerId: user.id, id, ...(version !== undefined ? { version } : {}) });
  return jsonDownload(file, file.workflow.name);
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
