/**
 * Reads a JSON request body and validates it with a zod schema. The size limit holds even when a client
 * lies about (or omits) Content-Length: the body is streamed and reading stops at the limit.
 */
import "server-only";
import { z } from "zod";
import { AppError, issuesFromZod } from "@/lib/errors";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * Deepest nesting of arrays/objects accepted. JSON.parse copes with any depth, but the recursive code after it
 * (JSON.stringify for a jsonb column, validators, template filling) overflows the stack on a few thousand levels.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default 64). */
  maxDepth?: number;
}

/** The deepest array/object nesting in JSON text, stopping early once past `limit` (brackets in strings skipped). */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * PostgreSQL's json and jsonb cannot hold U+0000 or half of a UTF-16 surrogate pair (JSON text can, through
 * `\u0000` / `\ud800` escapes): a body carrying one would fail as a server error wherever it is stored.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (key or value) PostgreSQL cannot store, if any. */
function unstorableStringPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path || "(body)" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableStringPath(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return at;
      const found = unstorableStringPath(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

function badJson(message: string): AppError {
  // The issue at "(body)" lets clients show every body problem the same way, field errors or not.
  return new AppError("bad_request:json", message, { issues: [{ path: "(body)", message }] });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large:body", `Request body is larger than ${formatBytes(maxBytes)}`);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The raw body bytes, at most `maxBytes` of them; 413 as soon as the limit is passed. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop reading: the rest of an oversized body is never buffered.
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Parses the body as JSON without validating its shape (400 for empty, non-UTF-8 or malformed JSON). */
export async function readJsonValue(
  request: Request,
  { maxBytes = DEFAULT_MAX_BODY_BYTES, maxDepth = DEFAULT_MAX_JSON_DEPTH }: ReadJsonOptions = {},
): Promise<unknown> {
  return parseJsonBytes(await readBodyBytes(request, maxBytes), { maxDepth });
}

/** Bytes already read (a signed body, say) parsed as JSON, with readJsonValue's checks and 400s. */
export function parseJsonBytes(
  bytes: Uint8Array,
  { maxDepth = DEFAULT_MAX_JSON_DEPTH }: { maxDepth?: number } = {},
): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badJson("Request body is not valid UTF-8");
  }
  if (text.trim() === "") throw badJson("Request body is empty; expected a JSON object");
  if (jsonDepthExceeds(text, maxDepth))
    throw badJson(`Request body nests arrays or objects deeper than ${maxDepth} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    // JSON.parse messages name a position, not our data: safe and useful to a client.
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw badJson(`Request body is not valid JSON${detail}`);
  }
  const unstorable = unstorableStringPath(value);
  if (unstorable) {
    const message = "contains a NUL character (\\u0000) or an unpaired UTF-16 surrogate, which cannot be stored";
    throw new AppError("bad_request:json", `Request body ${message}`, { issues: [{ path: unstorable, message }] });
  }
  return value;
}

/**
 * The body parsed and validated: 413 `payload_too_large:body`, 400 `bad_request:json`, or 422
 * `validation:body` with one issue per problem (`path` names the field, "(body)" for the whole body).
 */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: ReadJsonOptions = {},
): Promise<z.output<S>> {
  const value = await readJsonValue(request, options);
  const parsed = await parseSchema(schema, value);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues);
    const first = issues[0];
    const message = first
      ? `Invalid request body: ${first.path === "(body)" ? "" : `${first.path}: `}${first.message}`
      : "Invalid request body";
    throw new AppError("validation:body", message, { issues });
  }
  return parsed.data;
}

/**
 * `schema.safeParse`, or `safeParseAsync` for a schema with an async refinement: zod's async path costs
 * several times the sync one (a promise per field), a visible share of a small body's handling.
 */
export async function parseSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
): Promise<z.ZodSafeParseResult<z.output<S>>> {
  try {
    return schema.safeParse(value);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) return schema.safeParseAsync(value);
    throw error;
  }
}
