/**
 * GET /api/workflows/:id/mcp-tool — whether the workflow is offered as a tool at /api/mcp, and its tool name.
 * PUT /api/workflows/:id/mcp-tool — `{ offered }`: offers it or stops (the same answer twice changes nothing).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { workflowMcpToolBodySchema } from "@/lib/contracts/mcp";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { getWorkflowMcpTool, setWorkflowMcpTool } from "@/lib/services/mcp-servers";
import { workflowNotFound } from "@/lib/services/workflows";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  if (!isId(id)) throw workflowNotFound();
  return json(await getWorkflowMcpTool({ ownerId: user.id, id }));
});

export const PUT = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const body = await readJson(request, workflowMcpToolBodySchema, { maxBytes: 1024 });
  if (!isId(id)) throw workflowNotFound();
  return json(await setWorkflowMcpTool({ ownerId: user.id, id, offered: body.offered }));
});

const others = methodNotAllowed(["GET", "PUT"]);
export { others as DELETE, others as PATCH, others as POST };
