/**
 * Where to go after signing in. Only same-site relative paths are honoured: anything else (absolute URLs,
 * protocol-relative "//host", backslash tricks, control characters) falls back, so `callbackUrl` can never
 * send a user to another site. Shared by server and client code.
 */
export const DEFAULT_AFTER_SIGN_IN = "/workflows";

const PROBE_ORIGIN = "http://lattice.invalid";
const AUTH_PAGES = new Set(["/signin", "/signup"]);

export function safeCallbackUrl(value: unknown, fallback: string = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  // Browsers read "\" as "/" and drop tabs/newlines, turning "/\evil.com" or "/\t/evil.com" into "//evil.com".
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  // Back to a sign-in page after signing in would be a loop.
  if (AUTH_PAGES.has(url.pathname)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
