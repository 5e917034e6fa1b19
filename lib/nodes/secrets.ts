/**
 * {{secrets.NAME}} in the settings that may hold one — an HTTP node's URL and headers, a tools node's
 * per-site headers and query values for its HTTP tool: the user's secrets (Settings → Secrets), read only
 * inside the run for the names the node uses, never put in the run's state. Whatever the node hands back —
 * a response (an echo server may quote a header), its URL, an error — goes through `redact`, which replaces
 * every value (as written, URL-encoded or JSON-escaped) with `[secret NAME]`, so no event, stored output,
 * monitor view, error message or model prompt carries one.
 */
import "server-only";
import type { NodeRuntime } from "./runtime";
import { secretNamesIn } from "./secret-names";

export interface RunSecrets {
  /** The `secrets` entry of the scope the settings are rendered with. */
  values: Record<string, string>;
  redact(text: string): string;
}

/** The forms a value can take in what comes back: as is, in a URL's path or query, inside a JSON string. */
function formsOf(value: string): string[] {
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
}

export async function runSecrets(sources: string[], runtime: NodeRuntime): Promise<RunSecrets> {
  const names = secretNamesIn(sources);
  if (names.length === 0) return { values: {}, redact: (text) => text };
  const found = await runtime.resources.secrets(runtime.userId, names);
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new Error(
      `This node uses ${missing.map((name) => `{{secrets.${name}}}`).join(", ")}, which you have not set: add ${missing.length === 1 ? "it" : "them"} in Settings → Secrets.`,
    );
  }
  // Longest first, so a value that contains another is replaced whole.
  const replacements = [...found]
    .flatMap(([name, value]) => [...new Set(formsOf(value))].map((form) => ({ name, form })))
    .filter(({ form }) => form.length > 0)
    .sort((a, b) => b.form.length - a.form.length);
  return {
    values: Object.fromEntries(found),
    redact: (text) => replacements.reduce((out, { name, form }) => out.split(form).join(`[secret ${name}]`), text),
  };
}

/**
 * The error with its message redacted: a new Error of the same name (a cancel or timeout keeps its kind),
 * without the stack or cause, which quote the old message or the request. A node's failure is reported by
 * its message; nothing downstream reads its code.
 */
export function redactedError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof Error)) return error;
  const message = redact(error.message);
  if (message === error.message) return error;
  const redacted = new Error(message);
  redacted.name = error.name;
  return redacted;
}
