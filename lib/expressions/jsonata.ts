/**
 * JSONata, the expression language of conditions, loops, variables and transforms — wrapped so that an
 * expression can neither run forever nor reach beyond its input: JSONata's own guardrails bound time, depth
 * and sequence size, `$eval` (which would escape those bounds) is disabled, and callers may bind plain data
 * only. Client-safe: the editor parses with it too.
 */
import jsonata from "jsonata";

export const MAX_EXPRESSION_LENGTH = 10_000;
export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1_000;
export const DEFAULT_EXPRESSION_MAX_DEPTH = 200;
const MAX_SEQUENCE = 100_000;
const MAX_PAD_WIDTH = 100_000;
const CACHE_SIZE = 1000;

export type ExpressionAst = jsonata.ExprNode;

export type ParseExpressionResult =
  | { ok: true; ast: ExpressionAst }
  | {
      ok: false;
      message: string;
      /** Character offset JSONata reports for the error (0 when it gives none). */
      position: number;
      /** The token at the error, when JSONata names one. */
      token?: string;
      /** JSONata's error code, e.g. S0203. */
      code?: string;
    };

/** A failed evaluation: JSONata's code and message, plus where in the source when it is known. */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  constructor(
    message: string,
    readonly code: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

interface JsonataErrorLike {
  code?: unknown;
  position?: unknown;
  token?: unknown;
  message?: unknown;
}

function describe(error: unknown): { message: string; code: string; position?: number; token?: string } {
  if (error instanceof RangeError) return { message: "The expression is nested too deeply.", code: "depth" };
  const e = (typeof error === "object" && error !== null ? error : {}) as JsonataErrorLike;
  const message = typeof e.message === "string" && e.message ? e.message : "Invalid expression.";
  return {
    message,
    code: typeof e.code === "string" ? e.code : "unknown",
    position: typeof e.position === "number" && Number.isFinite(e.position) ? e.position : undefined,
    token: typeof e.token === "string" ? e.token : undefined,
  };
}

/** Parses without evaluating: the validator and the editor's live checks. Never throws. */
export function parseExpression(source: unknown): ParseExpressionResult {
  if (typeof source !== "string") return { ok: false, message: "An expression must be text.", position: 0 };
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, message: `An expression may be at most ${MAX_EXPRESSION_LENGTH} characters.`, position: 0 };
  }
  if (!source.trim()) return { ok: false, message: "The expression is empty.", position: 0 };
  const cached = parsedCache.get(source);
  if (cached) return cached;
  let result: ParseExpressionResult;
  try {
    result = { ok: true, ast: jsonata(source).ast() };
  } catch (error) {
    const { message, code, position, token } = describe(error);
    result = { ok: false, message, position: position ?? 0, token, code };
  }
  remember(parsedCache, source, result);
  return result;
}

// The editor re-validates on every change, mostly with the same expressions: parse each source once.
const parsedCache = new Map<string, ParseExpressionResult>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

export interface EvaluateOptions {
  /** Wall-clock budget; JSONata checks it at every step. */
  timeoutMs?: number;
  /** Evaluation stack depth (recursion). */
  maxDepth?: number;
  /** Extra `$name` bindings: plain data only (functions are refused). */
  bindings?: Record<string, unknown>;
}

/** Built-ins that would undo the guardrails are replaced. */
const safeBindings: Record<string, unknown> = {
  // $eval compiles a fresh expression without our timeout/depth options.
  eval: () => {
    throw new ExpressionError("$eval is not allowed in Lattice expressions.", "forbidden");
  },
  // An unbounded $pad is a one-call way to allocate gigabytes.
  pad: (value: unknown, width: unknown, char?: unknown) => {
    if (value === undefined) return undefined;
    const text = String(value);
    const target = typeof width === "number" && Number.isFinite(width) ? Math.trunc(width) : 0;
    if (Math.abs(target) > MAX_PAD_WIDTH)
      throw new ExpressionError(`$pad width is limited to ${MAX_PAD_WIDTH}.`, "limit");
    const fill = typeof char === "string" && char.length > 0 ? char : " ";
    return target >= 0 ? text.padEnd(target, fill) : text.padStart(-target, fill);
  },
};

const compiled = new Map<string, jsonata.Expression>();

function compile(source: string, timeoutMs: number, maxDepth: number): jsonata.Expression {
  const key = `${timeoutMs}:${maxDepth}:${source}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const expression = jsonata(source, { timeout: timeoutMs, stack: maxDepth, sequence: MAX_SEQUENCE });
  remember(compiled, key, expression);
  return expression;
}

/**
 * Evaluates `source` against `input`. Resolves to plain JSON-like data (JSONata sequences become arrays,
 * functions are dropped); rejects with an ExpressionError on a syntax error, a runtime error, or a
 * timeout/depth overrun.
 */
export async function evaluateExpression(
  source: string,
  input: unknown,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new ExpressionError(parsed.message, parsed.code ?? "syntax", parsed.position);
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS;
  const maxDepth = options.maxDepth ?? DEFAULT_EXPRESSION_MAX_DEPTH;
  // No prototype: a binding named "__proto__" stays a plain name.
  const bindings = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(options.bindings ?? {})) {
    if (typeof value === "function")
      throw new ExpressionError(`Binding $${name} must be data, not a function.`, "binding");
    bindings[name] = value;
  }
  Object.assign(bindings, safeBindings);
  try {
    const result: unknown = await compile(source, timeoutMs, maxDepth).evaluate(input, bindings);
    return toPlain(result, 0);
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    const { message, code, position } = describe(error);
    throw new ExpressionError(message, code, position);
  }
}

/** Evaluates a condition and applies JSONata's own truthiness ($boolean). */
export async function evaluateCondition(
  source: string,
  input: unknown,
  options: EvaluateOptions = {},
): Promise<boolean> {
  return toBoolean(await evaluateExpression(source, input, options));
}

/** JSONata's $boolean casting rules. */
export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(toBoolean);
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "boolean") return value;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}

const MAX_RESULT_DEPTH = 100;

/** Strips JSONata's sequence flags and any functions, so results can be stored and sent as JSON. */
function toPlain(value: unknown, depth: number): unknown {
  if (typeof value === "function") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_RESULT_DEPTH) throw new ExpressionError("The expression's result is nested too deeply.", "depth");
  if (Array.isArray(value)) {
    return value.map((item) => toPlain(item, depth + 1)).filter((item) => item !== undefined);
  }
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toPlain(item, depth + 1);
    if (converted !== undefined)
      Object.defineProperty(plain, key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return plain;
}
