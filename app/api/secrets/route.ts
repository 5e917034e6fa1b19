/**
 * GET /api/secrets — the caller's secrets, by name (a masked hint, never the value).
 * POST /api/secrets — stores one, sealed. HTTP nodes use it as {{secrets.NAME}} in their URL and headers.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { createSecretBodySchema } from "@/lib/contracts/credentials";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createSecret, listSecrets } from "@/lib/services/credentials";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ secrets: await listSecrets({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, createSecretBodySchema, { maxBytes: 32 * 1024 });
  return json({ secret: await createSecret({ ownerId: user.id, ...body }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
