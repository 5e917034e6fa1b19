/**
 * One error type for the whole app. `code` is "type:surface"; the type decides the HTTP status.
 * Clients see `{ error: { code, message, issues? } }` — never a stack trace or SQL text.
 */
export type ErrorType =
  | "bad_request"
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limit"
  | "unavailable"
  | "internal";

export type ErrorCode = `${ErrorType}:${string}`;

/** One problem with the input: where (a path into the body, or a node/edge) and what. */
export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
}

const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  validation: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
};

/** What marks an AppError, whichever copy of this module made it (see `Symbol.hasInstance` below). */
const APP_ERROR = Symbol.for("lattice.AppError");

export class AppError extends Error {
  /**
   * `instanceof AppError` holds across copies of this module: a production build bundles it more than once
   * (the instrumentation entry, which starts the tracker, and the routes each get a copy), and a refusal
   * thrown by one copy — a run limit's 429 from the tracker's start — must still be answered as itself by
   * the route wrapper, not as a 500. Subclasses keep the ordinary check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about; a subclass keeps the default check
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true;
  readonly type: ErrorType;
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { issues?: FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.type = code.split(":")[0] as ErrorType;
    this.status = statusByType[this.type] ?? 500;
  }

  get issues(): FieldIssue[] | undefined {
    return this.options.issues;
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.options.issues?.length ? { issues: this.options.issues } : {}),
      },
    };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Turns zod issues into field issues with dotted paths ("nodes.2.data.config.model"). */
export function issuesFromZod(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string }>,
): FieldIssue[] {
  return issues.map((i) => ({
    path: i.path.map(String).join(".") || "(body)",
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }));
}
