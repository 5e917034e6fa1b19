/**
 * GET /api/mcp-servers — the caller's MCP servers (an auth header's hint, never its value).
 * POST /api/mcp-servers — registers one (its URL passes the HTTP node's SSRF guard; the header is sealed).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { createMcpServerBodySchema } from "@/lib/contracts/mcp";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createMcpServer, listMcpServers } from "@/lib/services/mcp-servers";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ servers: await listMcpServers({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, createMcpServerBodySchema, { maxBytes: 32 * 1024 });
  return json({ server: await createMcpServer({ ownerId: user.id, body }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
