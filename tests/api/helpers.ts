/**
 * Calling route handlers directly with real Request objects, and checking what a client would see.
 */
import { expect } from "vitest";
import { ulid } from "ulid";
import { POST as signupPost } from "@/app/api/signup/route";
import { createSessionCookie } from "@/lib/auth/session-token";
import { getUserByEmail } from "@/lib/db/queries/users";

export const BASE_URL = "http://localhost:3000";

export interface RequestOptions {
  method?: string;
  /** JSON-encoded unless it is a string, bytes or a stream. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Session cookie ("name=value") to send. */
  cookie?: string;
  /** API key to send as `Authorization: Bearer`. */
  apiKey?: string;
}

export function apiRequest(
  path: string,
  { method = "GET", body, headers = {}, cookie, apiKey }: RequestOptions = {},
): Request {
  const h = new Headers(headers);
  if (cookie) h.set("cookie", cookie);
  if (apiKey !== undefined) h.set("authorization", `Bearer ${apiKey}`);
  let payload: BodyInit | undefined;
  if (body instanceof ReadableStream || body instanceof Uint8Array || typeof body === "string") {
    payload = body as BodyInit;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!h.has("content-type")) h.set("content-type", "application/json");
  }
  return new Request(`${BASE_URL}${path}`, {
    method,
    headers: h,
    body: payload,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** Route context for handlers with dynamic segments. */
export function routeContext<P extends Record<string, string | string[]>>(params: P = {} as P) {
  return { params: Promise.resolve(params) };
}

const LEAK_PATTERNS: RegExp[] = [
  /\bstack\b/i,
  /\n\s+at\s/,
  /\bat\s+[\w$.<>]+\s+\(/, // "at fn (file:line)" frames
  /\bselect\b[\s\S]*\bfrom\b/i,
  /\binsert\s+into\b/i,
  /\bupdate\s+"?\w+"?\s+set\b/i,
  /duplicate key|violates|syntax error at|relation "/i,
  /node_modules|\.ts:\d+/,
];

/** Asserts a response body says nothing about the server's internals. */
export function expectNoLeak(text: string): void {
  for (const pattern of LEAK_PATTERNS) expect(text, `response leaks ${pattern}`).not.toMatch(pattern);
}

export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** The response's status and body; every body is checked for leaks, every 4xx/5xx for the error shape. */
export async function read(response: Response): Promise<ReadResponse> {
  const text = await response.text();
  expectNoLeak(text);
  let json: unknown = null;
  if (text) {
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    json = JSON.parse(text);
  }
  if (response.status >= 400) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    expect(error?.code, "error responses carry a code").toMatch(/^[a-z_]+:[a-z_]+$/);
    expect(typeof error?.message).toBe("string");
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function uniqueEmail(tag = "user"): string {
  return `${tag}-${ulid().toLowerCase()}@example.test`;
}

/** The "name=value" pair of a Set-Cookie header. */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error("no Set-Cookie header");
  return setCookie.split(";")[0]!;
}

/**
 * Signs up a fresh user through the real endpoint (202, no session), then makes the session cookie a
 * sign-in would set; returns the user, password and session cookie.
 */
export async function signUp(overrides: { email?: string; password?: string; name?: string } = {}) {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? "correct horse battery";
  const request = apiRequest("/api/signup", {
    method: "POST",
    body: { email, password, name: overrides.name ?? "Ada" },
  });
  const { status } = await read(await signupPost(request, routeContext()));
  expect(status).toBe(202);
  const stored = await getUserByEmail({ email });
  if (!stored) throw new Error(`sign-up created no account for ${email}`);
  const user = { id: stored.id, email: stored.email, name: stored.name };
  const setCookie = await createSessionCookie(request, { sub: user.id, email: user.email, name: user.name });
  return { user, password, cookie: cookiePair(setCookie) };
}
