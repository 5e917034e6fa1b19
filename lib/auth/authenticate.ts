/**
 * Who is calling a route handler. An `Authorization: Bearer <API key>` header wins; without one, the
 * session cookie. A presented credential that does not check out is a 401 on its own — a bad key never
 * falls back to the cookie, so a script with a revoked key fails loudly instead of acting as a browser user.
 *
 * Works on any `Request` (no Next request scope needed): the cookie is decoded with next-auth's own JWT
 * functions, the same way `auth()` does.
 */
import "server-only";
import { AppError } from "@/lib/errors";
import { getUserById } from "@/lib/db/queries/users";
import { verifyApiKey } from "./api-keys";
import { readSessionUserId } from "./session-token";
import type { AuthUser } from "./types";

export type { AuthUser } from "./types";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function invalidKey(message: string): AppError {
  return new AppError("unauthorized:api_key", message);
}

async function fromAuthorizationHeader(header: string): Promise<AuthUser> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1]) throw invalidKey("The Authorization header must be `Bearer <API key>`");
  const user = await verifyApiKey(match[1]);
  if (!user) throw invalidKey("The API key is invalid or has been revoked");
  return user;
}

/**
 * Cookies ride along on cross-site requests a page elsewhere makes; SameSite=Lax already keeps them off
 * cross-site POSTs, and this refuses any state-changing cookie request a browser marks as cross-origin.
 */
function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  if (request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden:origin", "Cross-site requests cannot use the session cookie");
  }
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host =
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ??
    request.headers.get("host") ??
    new URL(request.url).host;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // "null" or garbage: not same-origin
  }
  if (originHost !== host) throw new AppError("forbidden:origin", "Cross-site requests cannot use the session cookie");
}

async function fromSessionCookie(request: Request): Promise<AuthUser | null> {
  const userId = await readSessionUserId(request);
  if (!userId) return null;
  // A session JWT outlives its account; looking the user up makes a deletion take effect at once.
  const user = await getUserById({ id: userId });
  if (!user) return null;
  assertSameOrigin(request);
  return { ...user, via: "session" };
}

/** The caller, or null when no credential was presented. A presented but bad API key is still a 401. */
export async function authenticateOptional(request: Request): Promise<AuthUser | null> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) return fromAuthorizationHeader(authorization);
  return fromSessionCookie(request);
}

/** The caller; 401 `unauthorized:auth` when nothing was presented, `unauthorized:api_key` for a bad key. */
export async function authenticate(request: Request): Promise<AuthUser> {
  const user = await authenticateOptional(request);
  if (!user) throw new AppError("unauthorized:auth", "Sign in or pass an API key as `Authorization: Bearer <key>`");
  return user;
}
