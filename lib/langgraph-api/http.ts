/**
 * The LangGraph Platform API's HTTP conventions, as its clients expect them: errors are `{ "detail": "…" }`
 * with LangGraph's statuses (404 for anything not the caller's, 409 for a busy thread, 422 for a body
 * that does not validate), the caller proves who they are with `x-api-key` (as the SDK sends it) or
 * `Authorization: Bearer`, or the app's session cookie (a page of the app itself), and answers carry CORS
 * headers so a chat UI served elsewhere (Agent Chat UI) may call it with a key (never with a cookie).
 */
import "server-only";
import type { z } from "zod";
import { authenticate, type AuthUser } from "@/lib/auth/authenticate";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { AppError, isAppError, issuesFromZod } from "@/lib/errors";
import { readJsonValue } from "@/lib/http/read-json";

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "content-type, x-api-key, authorization, last-event-id, x-request-id",
  "access-control-expose-headers": "content-location, location, x-pagination-next, x-pagination-total",
  "access-control-max-age": "600",
};

/** A JSON answer with the API's headers. */
export function lgJson(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  for (const [name, value] of Object.entries(CORS_HEADERS)) headers.set(name, value);
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function lgNoContent(status = 204): Response {
  return new Response(null, { status, headers: { ...CORS_HEADERS, "cache-control": "no-store" } });
}

/** The error answer: `{ detail }` with the error's status; never a stack or SQL. */
export function lgErrorResponse(error: unknown, requestId: string): Response {
  if (isAppError(error)) {
    const headers: Record<string, string> = { "x-request-id": requestId };
    if (error.options.retryAfterSeconds !== undefined)
      headers["retry-after"] = String(Math.max(0, Math.ceil(error.options.retryAfterSeconds)));
    if (error.status === 401) headers["www-authenticate"] = 'Bearer realm="lattice"';
    if (error.status >= 500) console.error(`[langgraph-api] ${requestId}`, error);
    return lgJson({ detail: error.message }, { status: error.status, headers });
  }
  console.error(`[langgraph-api] ${requestId} failed`, error);
  return lgJson(
    { detail: `Internal server error (request id ${requestId})` },
    { status: 500, headers: { "x-request-id": requestId } },
  );
}

/** The caller: an `x-api-key` wins, then `Authorization: Bearer`, then the session cookie. 401 without one. */
export async function lgAuthenticate(request: Request): Promise<AuthUser> {
  const key = request.headers.get("x-api-key");
  if (key !== null) {
    const user = await verifyApiKey(key.trim());
    if (!user) throw new AppError("unauthorized:api_key", "The API key is invalid or has been revoked");
    return user;
  }
  try {
    return await authenticate(request);
  } catch (error) {
    if (isAppError(error) && error.code === "unauthorized:auth")
      throw new AppError("unauthorized:auth", "Pass an API key in the x-api-key header (or as Authorization: Bearer)");
    throw error;
  }
}

/** A body validated by `schema`: 400 for unreadable JSON, 422 naming the first bad field (path: message). */
export async function lgBody<S extends z.ZodType>(request: Request, schema: S, { optional = false } = {}) {
  const text = request.headers.get("content-length") === "0" ? "" : null;
  let value: unknown = {};
  if (text === null) {
    try {
      value = await readJsonValue(request, { maxBytes: MAX_BODY_BYTES });
    } catch (error) {
      if (!(optional && isAppError(error) && /empty/.test(error.message))) throw error;
      value = {};
    }
  }
  return lgParse(schema, value ?? {}, "body");
}

/** A value validated by `schema`, or a 422 whose detail says where and what. */
export function lgParse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues);
  const detail = issues
    .slice(0, 5)
    .map((issue) => `${issue.path === "(body)" ? where : issue.path}: ${issue.message}`)
    .join("; ");
  throw new AppError(`validation:${where === "query" ? "query" : "body"}`, `Invalid ${where}: ${detail}`, { issues });
}

export function notFound(what: string): AppError {
  return new AppError("not_found:langgraph", `${what} not found`);
}
