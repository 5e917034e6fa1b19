/**
 * /api/mcp — the caller's workflows offered as MCP tools, over MCP's Streamable HTTP transport: POST carries
 * JSON-RPC messages (initialize opens a session, answered with `Mcp-Session-Id`), GET opens the session's
 * notification stream, DELETE ends the session. Every request needs `Authorization: Bearer <API key>`.
 */
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { handleMcpRequest } from "@/lib/services/mcp-endpoint";

const handle = apiRoute(async (request) => handleMcpRequest(request));

export { handle as DELETE, handle as GET, handle as POST };

const others = methodNotAllowed(["GET", "POST", "DELETE"]);
export { others as PATCH, others as PUT };
