/**
 * POST /api/signup — creates an account with email + password. The answer is the same whether or not the
 * email already had an account (202, no session): the caller signs in next, with the password it chose.
 * When the email was taken, nothing changes and its owner is told by the usual route — Lattice sends no
 * email, so that notice is a line in the server log (never with the password). Every attempt counts against
 * the sign-in throttle (lib/auth/throttle.ts): past its limits, 429 with Retry-After.
 */
import { clientAddress } from "@/lib/auth/client-address";
import { hashPassword } from "@/lib/auth/password";
import { countAttempt, throttledError } from "@/lib/auth/throttle";
import { createUserWithPassword } from "@/lib/db/queries/users";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { SIGNUP_ACCEPTED_MESSAGE, signupBodySchema, type SignupResponse } from "@/lib/contracts/account";

export const POST = apiRoute(async (request) => {
  const body = await readJson(request, signupBodySchema, { maxBytes: 16 * 1024 });
  const address = clientAddress(request.headers);
  const verdict = await countAttempt({ email: body.email, address });
  if (!verdict.allowed) throw throttledError(verdict);
  // Hashed whatever happens next, so a taken email costs the same time as a new one.
  const passwordHash = await hashPassword(body.password);
  const user = await createUserWithPassword({ email: body.email, name: body.name, passwordHash });
  if (!user) {
    // No further query here: both outcomes take the same round trips.
    console.info(
      `[auth] notice for the owner of the account <${body.email}>: someone tried to sign up again with this email${address ? ` from ${address}` : ""}; the account was not changed. (Lattice sends no email: this log line is the notice.)`,
    );
  }
  const response: SignupResponse = { status: "accepted", email: body.email, message: SIGNUP_ACCEPTED_MESSAGE };
  return json(response, { status: 202 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
