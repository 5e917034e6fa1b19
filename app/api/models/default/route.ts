/**
 * PUT /api/models/default — sets the caller's default model ({ defaultModel: { provider, model,
 * credentialId? } }), or goes back to the server's ({ defaultModel: null }). Answers the model settings.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { setDefaultModelBodySchema } from "@/lib/contracts/credentials";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { setDefaultModel } from "@/lib/services/credentials";

export const PUT = apiRoute(async (request) => {
  const user = await authenticate(request);
  const body = await readJson(request, setDefaultModelBodySchema, { maxBytes: 4 * 1024 });
  return json(await setDefaultModel({ ownerId: user.id, choice: body.defaultModel }));
});

const others = methodNotAllowed(["PUT"]);
export { others as DELETE, others as GET, others as PATCH, others as POST };
