/**
 * GET /api/mcp-servers/:id/tools — connects to one of the caller's MCP servers and lists its tools (name,
 * description, JSON Schema of the arguments); 503 `unavailable:mcp_server` with the reason when it cannot.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { mcpServerNotFound } from "@/lib/mcp/servers";
import { listMcpServerTools } from "@/lib/services/mcp-servers";

export const GET = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  if (!isId(id)) throw mcpServerNotFound(id);
  return json({ tools: await listMcpServerTools({ ownerId: user.id, id }) });
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
