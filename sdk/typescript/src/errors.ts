/**
 * The one error type the SDK throws for a refused or failed request: the server's error body
 * (`{ error: { code, message, issues?, requestId? } }`) with the HTTP status, or a network failure
 * (`status` 0, code `unavailable:network`). An aborted call rejects with the signal's reason instead
 * (an `AbortError` DOMException by default), as `fetch` does.
 */

/** A field the server found at fault: a dotted path into the body or query, and what is wrong there. */
export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
}

export interface LatticeErrorOptions {
  status: number;
  issues?: FieldIssue[];
  requestId?: string;
  /** Seconds the server asked to wait (a 429's or 503's Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class LatticeError extends Error {
  override readonly name = "LatticeError";
  /** A stable code, "type:surface" — e.g. `validation:body`, `not_found:execution`, `rate_limit:runs`. */
  readonly code: string;
  /** The HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** The fields at fault, when the server named them (422s). */
  readonly issues: FieldIssue[];
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: LatticeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.issues = options.issues ?? [];
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The code's type, before the colon: `validation`, `not_found`, `rate_limit`, `conflict`… */
  get type(): string {
    return this.code.split(":")[0] ?? this.code;
  }
}

/** Status → code, for failures whose body is not the API's error JSON (a proxy's 502 page, a crash). */
function fallbackCode(status: number): string {
  if (status === 401) return "unauthorized:api";
  if (status === 403) return "forbidden:api";
  if (status === 404) return "not_found:api";
  if (status === 429) return "rate_limit:api";
  if (status === 502 || status === 503 || status === 504) return "unavailable:api";
  if (status >= 400 && status < 500) return "bad_request:api";
  return "internal:api";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function issuesOf(value: unknown): FieldIssue[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((issue): issue is Record<string, unknown> => isRecord(issue))
    .map((issue) => ({
      path: String(issue.path ?? ""),
      message: String(issue.message ?? ""),
      ...(typeof issue.code === "string" ? { code: issue.code } : {}),
    }));
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The LatticeError an error body carries, or one that names the status. */
export function errorFromBody(status: number, body: unknown, headers?: Headers): LatticeError {
  const retryAfterSeconds = parseRetryAfter(headers?.get("retry-after") ?? null);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error && typeof error.code === "string" && typeof error.message === "string") {
    const issues = issuesOf(error.issues);
    return new LatticeError(error.code, error.message, {
      status,
      ...(issues ? { issues } : {}),
      ...(typeof error.requestId === "string" ? { requestId: error.requestId } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
  return new LatticeError(fallbackCode(status), `The request failed (HTTP ${status}).`, {
    status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** The LatticeError an error response carries (reads its body). */
export async function errorFromResponse(response: Response): Promise<LatticeError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return errorFromBody(response.status, body, response.headers);
}

/** The error for a server that could not be reached. */
export function networkError(cause: unknown): LatticeError {
  return new LatticeError("unavailable:network", "Could not reach the Lattice server.", { status: 0, cause });
}
