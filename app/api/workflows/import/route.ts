/**
 * POST /api/workflows/import — an export file in, a new saved workflow out. The file is validated like any
 * save: a workflow with errors is imported as a draft and the answer names each error by node and field.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { workflowExportFileSchema } from "@/lib/contracts/workflows";
import { importWorkflow } from "@/lib/services/workflows";
import { BODY_LIMITS } from "../../_lib/limits";

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const file = await readJson(request, workflowExportFileSchema, { maxBytes: BODY_LIMITS.DEFINITION });
  return json(await importWorkflow({ ownerId: user.id, file }), { status: 201 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
