/**
 * Browser-side JSON calls to Lattice's own API. The response is parsed with the caller's zod schema (the
 * contract, not a cast), and an error response is rebuilt into the same AppError the server threw, so UI code
 * handles one error type whichever side it came from. Client-safe: no server imports.
 */
import type { z } from "zod";
import { errorBodySchema } from "@/lib/contracts/common";
import { AppError, type ErrorCode, type FieldIssue } from "@/lib/errors";

/** Status → error type, for failures whose body is not our error JSON (a proxy's 502 page, a crash). */
function fallbackCode(status: number): ErrorCode {
  if (status === 401) return "unauthorized:api";
  if (status === 403) return "forbidden:api";
  if (status === 404) return "not_found:api";
  if (status === 429) return "rate_limit:api";
  if (status === 502 || status === 503 || status === 504) return "unavailable:api";
  if (status >= 400 && status < 500) return "bad_request:api";
  return "internal:api";
}

/** The AppError an error body carries (our error JSON), or one that names the status. */
export function errorFromBody(status: number, body: unknown): AppError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new AppError(code as ErrorCode, message, { issues: issues as FieldIssue[] | undefined });
  }
  return new AppError(fallbackCode(status), `The request failed (HTTP ${status}).`);
}

/** The AppError an error response carries. */
export async function errorFrom(response: Response): Promise<AppError> {
  return errorFromBody(response.status, await response.json().catch(() => undefined));
}

/** An error as one line for the UI: its message and the first few field issues ("path: message"). */
export function errorText(error: unknown): string {
  if (!(error instanceof AppError)) return error instanceof Error ? error.message : "Something went wrong.";
  const issues = error.issues?.slice(0, 3).map((issue) => `${issue.path}: ${issue.message}`);
  return issues?.length ? `${error.message} (${issues.join("; ")})` : error.message;
}

/**
 * Calls `url` and returns the body parsed by `schema`. Pass `schema: null` for responses without a body
 * (204). Throws AppError on a network failure, an error status, or a body that breaks the contract.
 */
export async function fetchJson<T>(
  url: string,
  {
    schema,
    method = "GET",
    body,
    signal,
    headers,
  }: {
    schema: z.ZodType<T> | null;
    method?: string;
    body?: unknown;
    signal?: AbortSignal;
    headers?: Record<string, string>;
  },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new AppError("unavailable:network", "Could not reach the server. Check your connection and try again.", {
      cause,
    });
  }
  if (!response.ok) throw await errorFrom(response);
  if (schema === null) return undefined as T;
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new AppError("internal:api", "The server sent a response this page does not understand.", {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
