/**
 * GET /api/keys — the caller's API keys (never their secrets).
 * POST /api/keys — creates a key; the response is the only time its secret is shown.
 */
import { issueApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { authenticate } from "@/lib/auth/authenticate";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { createApiKeyBodySchema } from "@/lib/contracts/account";

export const GET = apiRoute(async (request) => {
  const user = await authenticate(request);
  return json({ keys: await listApiKeys({ ownerId: user.id }) });
});

export const POST = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, createApiKeyBodySchema, { maxBytes: 16 * 1024 });
  const { key, secret } = await issueApiKey({ ownerId: user.id, name: body.name });
  return json({ key, secret }, { status: 201 });
});

const others = methodNotAllowed(["GET", "POST"]);
export { others as DELETE, others as PATCH, others as PUT };
