/**
 * The next-auth session cookie, read and written outside next-auth's request scope: the same cookie names,
 * salt (= cookie name), secret and JWE encoding next-auth uses, so a cookie written here is accepted by
 * `auth()` and a cookie written by next-auth is read here. This lets `authenticate(request)` work on any
 * `Request` (route handlers, tests) and lets signup start a session in its own response.
 */
import "server-only";
import { encode, getToken } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/config/local-secrets";

/** Sessions last 30 days (next-auth's default; it re-issues the cookie on use). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

const PLAIN_COOKIE = "authjs.session-token";
const SECURE_COOKIE = "__Secure-authjs.session-token";

/**
 * Whether next-auth uses `__Secure-` cookies for this request: it decides by the protocol of AUTH_URL when
 * set, else of the forwarded/request URL.
 */
export function usesSecureCookies(request: Request): boolean {
  const configured = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      return new URL(configured).protocol === "https:";
    } catch {
      // unparseable: fall through to the request
    }
  }
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded.replace(/:$/, "") === "https";
  return new URL(request.url).protocol === "https:";
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : PLAIN_COOKIE;
}

export interface SessionClaims {
  sub: string;
  email: string;
  name: string | null;
}

/** A `Set-Cookie` value that signs `user` in (the token next-auth's credentials callback would issue). */
export async function createSessionCookie(request: Request, user: SessionClaims): Promise<string> {
  const secure = usesSecureCookies(request);
  const name = sessionCookieName(secure);
  const token = await encode({
    token: { sub: user.sub, email: user.email, name: user.name, picture: null },
    secret: getAuthSecret(),
    salt: name,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  return [
    `${name}=${token}`,
    "Path=/",
    `Expires=${expires.toUTCString()}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/**
 * The user id in the request's session cookie, or null (no cookie, tampered, expired, or signed with
 * another secret). Whichever of the two cookie names is present is read, with its own salt.
 */
export async function readSessionUserId(request: Request): Promise<string | null> {
  const cookieHeader = request.headers.get("cookie");
  if (!cookieHeader) return null;
  const secure = cookieHeader.includes(SECURE_COOKIE);
  if (!secure && !cookieHeader.includes(PLAIN_COOKIE)) return null;
  // Only the cookie header is passed: getToken would otherwise treat a Bearer header as a session token.
  const token = await getToken({
    req: { headers: new Headers({ cookie: cookieHeader }) },
    secret: getAuthSecret(),
    secureCookie: secure,
  });
  return typeof token?.sub === "string" && token.sub.length > 0 ? token.sub : null;
}
