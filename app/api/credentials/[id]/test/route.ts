/**
 * POST /api/credentials/:id/test — one real, minimal request to the provider with this credential: 200 with
 * `ok` and the model's answer, or `ok: false` and the provider's own error (the key blanked out).
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { testCredentialBodySchema } from "@/lib/contracts/credentials";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { readOptionalJson } from "../../../_lib/body";
import { testCredential } from "@/lib/services/credentials";

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const body = await readOptionalJson(request, testCredentialBodySchema, { maxBytes: 4 * 1024 });
  if (!isId(id)) throw new AppError("not_found:credential", "No such credential.");
  return json(await testCredential({ ownerId: user.id, id, ...(body?.model ? { model: body.model } : {}) }));
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
