/**
 * PATCH /api/credentials/:id — renames one of the caller's credentials, or replaces its key or base URL.
 * DELETE /api/credentials/:id — deletes it; nodes that used it fail with a message that says so.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { isId } from "@/lib/contracts/common";
import { updateCredentialBodySchema } from "@/lib/contracts/credentials";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/http";
import { deleteCredential, updateCredential } from "@/lib/services/credentials";

// Unknown ids and other users' credentials answer alike.
const notFound = () => new AppError("not_found:credential", "No such credential.");

export const PATCH = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  const body = await readJson(request, updateCredentialBodySchema, { maxBytes: 32 * 1024 });
  if (!isId(id)) throw notFound();
  return json({ credential: await updateCredential({ ownerId: user.id, id, body }) });
});

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  if (!isId(id)) throw notFound();
  await deleteCredential({ ownerId: user.id, id });
  return noContent();
});

const others = methodNotAllowed(["PATCH", "DELETE"]);
export { others as GET, others as POST, others as PUT };
