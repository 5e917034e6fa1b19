/**
 * Instantiating a template: its graph with the caller's parameters filled in. A template marks a parameter
 * as `{{params.name}}` in any string of its graph; a string that is exactly one such placeholder takes the
 * parameter's value as is (a number stays a number), otherwise the value is written into the text. Run-time
 * placeholders ({{input.message}}, {{variables.x}}…) are left for the engine. Client-safe.
 */
import { AppError } from "@/lib/errors";

const WHOLE = /^\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const ANY = /\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const MAX_DEPTH = 50;

export function resolveTemplateParams(
  defaults: Record<string, unknown>,
  params: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const unknown = Object.keys(params ?? {}).filter((key) => !Object.hasOwn(defaults, key));
  if (unknown.length > 0) {
    throw new AppError(
      "bad_request:template_params",
      `Unknown template parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
      {
        issues: unknown.map((key) => ({ path: `params.${key}`, message: "this template has no such parameter" })),
      },
    );
  }
  return { ...defaults, ...params };
}

export function fillTemplateParams<T>(graph: T, params: Record<string, unknown>): T {
  return fill(graph, params, 0) as T;
}

function fill(value: unknown, params: Record<string, unknown>, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === "string") {
    const whole = WHOLE.exec(value);
    if (whole) return has(params, whole[1]!) ? params[whole[1]!] : value;
    return value.replace(ANY, (placeholder, name: string) => (has(params, name) ? text(params[name]) : placeholder));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, params, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, params, depth + 1)]));
  }
  return value;
}

function has(params: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(params, name);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
