/**
 * Browser-side JSON calls to Lattice's own API. The response is parsed with the caller's zod schema (the
 * contract, not a cast), and an error response is rebuilt into the same AppError the server threw, so UI code
 * handles one error type whichever side it came from. Client-safe: no server imports.
 */
import { z } from "zod";
import { AppError, type ErrorCode, type FieldIssue } from "@/lib/errors";

const errorBodySchema = z.object({
  error: z.object({
    code: z.string().regex(/^[a-z_]+:.+$/),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  }),
});

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

async function errorFrom(response: Response): Promise<AppError> {
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new AppError(code as ErrorCode, message, { issues: issues as FieldIssue[] | undefined });
  }
  return new AppError(fallbackCode(response.status), `The request failed (HTTP ${response.status}).`);
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
  }: { schema: z.ZodType<T> | null; method?: string; body?: unknown; signal?: AbortSignal },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal,
      credentials: "same-origin",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
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
