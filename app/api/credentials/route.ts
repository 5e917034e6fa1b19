/**
 * GET /api/credentials — the caller's model provider credentials (a masked hint, never the key).
 * POST /api/credentials — stores one, sealed; the answer does not carry the key either.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { createCredentialBodySchema } from "@/lib/contracts/credentials";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createCredential, listCredentials } from "@/lib/services/credentials";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ credentials: await listCredentials({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, createCredentialBodySchema, { maxBytes: 32 * 1024 });
  return json({ credential: await createCredential({ ownerId: user.id, body }) }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
