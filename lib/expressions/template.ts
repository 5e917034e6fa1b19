/**
 * Prompt templates: text with {{path}} placeholders over the run's scope, e.g.
 * "Answer using {{retrieval_context}}: {{input.message}}". Deliberately tiny — a placeholder is a dotted path
 * (with optional [0] indexes), nothing is evaluated, and lookups only follow own properties, so a template
 * cannot reach prototypes or run code. `\{{` writes a literal "{{". Client-safe.
 */

export const MAX_TEMPLATE_LENGTH = 100_000;
const MAX_PATH_SEGMENTS = 20;
const MAX_RENDERED_VALUE = 100_000;

export type TemplatePart =
  | { kind: "text"; value: string }
  | {
      kind: "variable";
      /** Path segments: "input.message" → ["input", "message"]; "items[0]" → ["items", "0"]. */
      path: string[];
      /** The dotted form, as listed for autocompletion: "items.0". */
      name: string;
      /** Offsets of the whole placeholder, braces included. */
      start: number;
      end: number;
    };

export type ParseTemplateResult =
  | { ok: true; parts: TemplatePart[] }
  | { ok: false; message: string; position: number };

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const INDEX = /^\d{1,9}$/;

/** "a.b[0].c" → ["a", "b", "0", "c"], or an error message. */
function parsePath(expression: string): string[] | string {
  if (!expression) return "The placeholder is empty.";
  const segments: string[] = [];
  for (const piece of expression.split(".")) {
    const match = /^([^[\]]*)((?:\[[^[\]]*\])*)$/.exec(piece);
    if (!match) return `“${expression}” is not a variable path (use names like input.message or items[0]).`;
    const [, head = "", indexes = ""] = match;
    if (!SEGMENT.test(head) && !(segments.length > 0 && INDEX.test(head))) {
      return `“${expression}” is not a variable path (use names like input.message or items[0]).`;
    }
    segments.push(head);
    for (const index of indexes.match(/\[[^[\]]*\]/g) ?? []) {
      const inner = index.slice(1, -1).trim();
      if (!INDEX.test(inner)) return `“${index}” in “${expression}” is not a list index.`;
      segments.push(inner);
    }
  }
  if (segments.length > MAX_PATH_SEGMENTS) return `“${expression}” is nested too deeply.`;
  return segments;
}

/** Splits a template into text and placeholders, or reports the first syntax error with its offset. Never throws. */
export function parseTemplate(source: unknown): ParseTemplateResult {
  if (typeof source !== "string") return { ok: false, message: "A template must be text.", position: 0 };
  if (source.length > MAX_TEMPLATE_LENGTH) {
    return { ok: false, message: `A template may be at most ${MAX_TEMPLATE_LENGTH} characters.`, position: 0 };
  }
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("\\{{", i)) {
      text += "{{";
      i += 3;
      continue;
    }
    if (source.startsWith("{{", i)) {
      const close = source.indexOf("}}", i + 2);
      const nextOpen = source.indexOf("{{", i + 2);
      if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
        return { ok: false, message: "A “{{” has no matching “}}”.", position: i };
      }
      const inner = source.slice(i + 2, close).trim();
      const path = parsePath(inner);
      if (typeof path === "string") return { ok: false, message: path, position: i };
      if (text) parts.push({ kind: "text", value: text });
      text = "";
      parts.push({ kind: "variable", path, name: path.join("."), start: i, end: close + 2 });
      i = close + 2;
      continue;
    }
    text += source[i];
    i += 1;
  }
  if (text) parts.push({ kind: "text", value: text });
  return { ok: true, parts };
}

/**
 * The variables a template uses, in order of first use, as dotted names ("input.message"). An invalid
 * template lists the placeholders that are well-formed, so autocompletion keeps working while typing.
 */
export function listTemplateVariables(source: unknown): string[] {
  if (typeof source !== "string") return [];
  const parsed = parseTemplate(source);
  const names: string[] = [];
  if (parsed.ok) {
    for (const part of parsed.parts) if (part.kind === "variable") names.push(part.name);
  } else {
    for (const match of source.slice(0, MAX_TEMPLATE_LENGTH).matchAll(/(?<!\\)\{\{([^{}]*)\}\}/g)) {
      const path = parsePath((match[1] ?? "").trim());
      if (typeof path !== "string") names.push(path.join("."));
    }
  }
  return [...new Set(names)];
}

/** Follows a path through own properties only (never prototypes). */
export function lookupPath(scope: unknown, path: readonly string[]): unknown {
  let current: unknown = scope;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function" || typeof value === "symbol") return "";
  try {
    const json = JSON.stringify(value);
    return json.length > MAX_RENDERED_VALUE ? `${json.slice(0, MAX_RENDERED_VALUE)}…` : json;
  } catch {
    return "";
  }
}

export interface RenderTemplateOptions {
  /** What a placeholder whose value is missing becomes: "" (default), the placeholder itself, or an error. */
  missing?: "empty" | "keep" | "error";
}

/** Renders a template against a scope. Throws TemplateError on a syntax error (or a missing value with missing: "error"). */
export function renderTemplate(source: string, scope: unknown, options: RenderTemplateOptions = {}): string {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new TemplateError(parsed.message, parsed.position);
  const missing = options.missing ?? "empty";
  let output = "";
  for (const part of parsed.parts) {
    if (part.kind === "text") {
      output += part.value;
      continue;
    }
    const value = lookupPath(scope, part.path);
    if (value === undefined) {
      if (missing === "error")
        throw new TemplateError(`The template uses {{${part.name}}}, which has no value.`, part.start);
      if (missing === "keep") output += source.slice(part.start, part.end);
      continue;
    }
    output += stringify(value);
  }
  return output;
}
