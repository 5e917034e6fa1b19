/**
 * PATCH /api/secrets/:id — renames one of the caller's secrets or replaces its value.
 * DELETE /api/secrets/:id — deletes it; HTTP nodes that reference it fail with a message that names it.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { updateSecretBodySchema } from "@/lib/contracts/credentials";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { deleteSecret, updateSecret } from "@/lib/services/credentials";

const notFound = () => new AppError("not_found:secret", "No such secret.");

export const PATCH = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const body = await readJson(request, updateSecretBodySchema, { maxBytes: 32 * 1024 });
  if (!isId(id)) throw notFound();
  return json({ secret: await updateSecret({ ownerId: user.id, id, ...body }) });
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  if (!isId(id)) throw notFound();
  await deleteSecret({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["PATCH", "DELETE"]);
export { others as GET, others as POST, others as PUT };
