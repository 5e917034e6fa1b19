/** GET /api/openapi.json — the OpenAPI 3.1 document of this API, generated from the routes' zod schemas. Public. */
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { createOpenApiDocument } from "@/lib/http/openapi";

export const GET = apiRoute(async () => json(createOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } }));

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
