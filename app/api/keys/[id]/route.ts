/** DELETE /api/keys/:id — revokes one of the caller's keys; it stops working on the next request. */
import { revokeApiKey } from "@/lib/auth/api-keys";
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, methodNotAllowed, noContent } from "@/lib/http";
import { isId } from "@/lib/contracts/common";

export const DELETE = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const { id } = await params;
  // Unknown ids and other users' keys answer alike, so key ids reveal nothing about other accounts.
  const revoked = isId(id) && (await revokeApiKey({ id, ownerId: user.id }));
  if (!revoked) throw new AppError("not_found:api_key", "No such API key");
  return noContent();
});

const others = methodNotAllowed(["DELETE"]);
export { others as GET, others as PATCH, others as POST, others as PUT };
