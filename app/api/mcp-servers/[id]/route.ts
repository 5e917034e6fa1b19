/**
 * PATCH /api/mcp-servers/:id — renames one of the caller's MCP servers, or changes its URL, auth header
 * (null: none) or timeout.
 * DELETE /api/mcp-servers/:id — removes it; Tools nodes that use it fail validation with a message naming it.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { updateMcpServerBodySchema } from "@/lib/contracts/mcp";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { mcpServerNotFound } from "@/lib/mcp/servers";
import { deleteMcpServer, updateMcpServer } from "@/lib/services/mcp-servers";

export const PATCH = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const body = await readJson(request, updateMcpServerBodySchema, { maxBytes: 32 * 1024 });
  if (!isId(id)) throw mcpServerNotFound(id);
  return json({ server: await updateMcpServer({ ownerId: user.id, id, body }) });
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  if (!isId(id)) throw mcpServerNotFound(id);
  await deleteMcpServer({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["PATCH", "DELETE"]);
export { others as GET, others as POST, others as PUT };
