/**
 * POST /api/signup — creates an account with email + password and signs it in: the response carries the
 * same session cookie next-auth would set, so the browser is signed in without a second request.
 */
import { hashPassword } from "@/lib/auth/password";
import { createSessionCookie } from "@/lib/auth/session-token";
import { createUserWithPassword } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { signupBodySchema, type SignupResponse } from "./schema";

export const POST = apiRoute(async (request) => {
  const body = await readJson(request, signupBodySchema, { maxBytes: 16 * 1024 });
  const user = await createUserWithPassword({
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password),
  });
  if (!user) {
    throw new AppError("conflict:email", "An account with this email already exists", {
      issues: [{ path: "email", message: "An account with this email already exists" }],
    });
  }
  const cookie = await createSessionCookie(request, { sub: user.id, email: user.email, name: user.name });
  const response: SignupResponse = { user: { id: user.id, email: user.email, name: user.name } };
  return json(response, { status: 201, headers: { "set-cookie": cookie } });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
