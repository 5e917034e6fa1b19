/**
 * The one way route handlers are written. `apiRoute` turns every thrown AppError into its status and JSON
 * body, and every other error into a generic 500 that names a request id: the real error (stack, SQL text,
 * driver messages) is logged on the server only, never sent to a client.
 */
import "server-only";
import { AppError, isAppError } from "@/lib/errors";

/** Next passes dynamic segments as a promise; routes without segments get an empty object. */
export interface RouteContext<P extends Record<string, string | string[]> = Record<string, string | string[]>> {
  params: Promise<P>;
}

export type RouteHandler<P extends Record<string, string | string[]> = Record<string, string | string[]>> = (
  request: Request,
  context: RouteContext<P>,
) => Promise<Response>;

const REQUEST_ID_HEADER = "x-request-id";
// A caller-supplied id is echoed only if it is short and plain (it ends up in logs and headers).
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(request: Request): string {
  const given = request.headers.get(REQUEST_ID_HEADER);
  return given && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/**
 * Answers smaller than this go out uncompressed: `no-transform` tells Next's gzip step (and proxies) to
 * leave them alone. Compressing a run's result cost more CPU than the rest of Next's handling of the request
 * (measured: ~1.3 ms of a 3 ms route), to save a few hundred bytes.
 */
const COMPRESS_FROM_BYTES = 16 * 1024;

/** JSON response with the API's headers (no caching: API answers are per user). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(body);
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (!headers.has("cache-control"))
    headers.set("cache-control", text.length < COMPRESS_FROM_BYTES ? "no-store, no-transform" : "no-store");
  return new Response(text, { ...init, headers });
}

/** 204 with no body. */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

/** The response for an AppError: its status, its JSON body and the headers its type implies. */
export function errorResponse(error: AppError, requestId?: string): Response {
  const headers = new Headers();
  if (requestId) headers.set(REQUEST_ID_HEADER, requestId);
  if (error.status === 401) headers.set("www-authenticate", 'Bearer realm="lattice"');
  if (error.options.retryAfterSeconds !== undefined) {
    headers.set("retry-after", String(Math.max(0, Math.ceil(error.options.retryAfterSeconds))));
  }
  return json(error.toJSON(), { status: error.status, headers });
}

function internalErrorResponse(requestId: string): Response {
  return json(
    { error: { code: "internal:server", message: "Internal server error", requestId } },
    { status: 500, headers: { [REQUEST_ID_HEADER]: requestId } },
  );
}

/** Next signals redirect()/notFound() by throwing objects with a `digest`; those must pass through. */
function isNextControlFlow(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("digest" in error)) return false;
  const digest = (error as { digest: unknown }).digest;
  return (
    typeof digest === "string" &&
    /^(NEXT_REDIRECT|NEXT_NOT_FOUND|NEXT_HTTP_ERROR_FALLBACK|DYNAMIC_SERVER_USAGE)/.test(digest)
  );
}

export function apiRoute<P extends Record<string, string | string[]> = Record<string, string | string[]>>(
  handler: RouteHandler<P>,
): RouteHandler<P> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (error) {
      if (isNextControlFlow(error)) throw error;
      if (isAppError(error)) {
        // 5xx AppErrors are our own failures: worth a log line, with the cause the client never sees.
        if (error.status >= 500) console.error(`[api] ${requestId} ${request.method} ${pathOf(request)}`, error);
        return errorResponse(error, requestId);
      }
      console.error(`[api] ${requestId} ${request.method} ${pathOf(request)} failed`, error);
      return internalErrorResponse(requestId);
    }
    try {
      response.headers.set(REQUEST_ID_HEADER, requestId);
    } catch {
      // Some responses (redirects, proxied fetches) have immutable headers; the id is only a convenience.
    }
    return response;
  };
}

function pathOf(request: Request): string {
  try {
    return new URL(request.url).pathname;
  } catch {
    return request.url;
  }
}

const KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof KNOWN_METHODS)[number];

/**
 * A handler that answers 405 with an `Allow` header, for the methods a route does not implement
 * (Next's own 405 has an empty body; API clients get our JSON error shape instead).
 */
export function methodNotAllowed(allow: readonly HttpMethod[]): RouteHandler {
  return apiRoute(async (request) => {
    const response = errorResponse(
      new AppError("method_not_allowed:route", `Method ${request.method} is not allowed here; use ${allow.join(", ")}`),
    );
    response.headers.set("allow", allow.join(", "));
    return response;
  });
}
