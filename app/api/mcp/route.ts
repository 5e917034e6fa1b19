/**
 * /api/mcp — the caller's workflows offered as MCP tools, over MCP's Streamable HTTP transport: POST carries
 * JSON-RPC messages (initialize opens a session, answered with `Mcp-Session-Id`), GET opens the session's
 * notification stream, DELETE ends the session. Every request needs `Authorization: Bearer <API key>`.
 * A refusal past authentication is a JSON-RPC error (the protocol's shape), not the API's `{ error }`.
 */
import { apiRoute, methodNotAllowed } from "@/lib/http";
import { handleMcpPost, handleMcpRequest } from "@/lib/services/mcp-endpoint";

export const POST = apiRoute(async (request) => handleMcpPost(request));

const handle = apiRoute(async (request) => handleMcpRequest(request));
export { handle as DELETE, handle as GET };

const others = methodNotAllowed(["GET", "POST", "DELETE"]);
export { others as PATCH, others as PUT };
