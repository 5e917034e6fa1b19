/**
 * {{secrets.NAME}} in an HTTP request's URL and headers: the user's secrets (Settings → Secrets), read only
 * inside the run for the names the node uses, never put in the run's state. Whatever the node hands back —
 * the response (an echo server may quote a header), its URL, an error — has every value replaced by
 * `[secret NAME]`, so no event, stored output, monitor view or error message carries one.
 */
import "server-only";
import { parseTemplate } from "@/lib/expressions";
import type { NodeRuntime } from "../runtime";

export interface RunSecrets {
  /** The `secrets` entry of the scope the URL and headers are rendered with. */
  values: Record<string, string>;
  redact(text: string): string;
}

/** The secret names the templates use, in order, each once. */
export function secretNamesIn(sources: string[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    const parsed = parseTemplate(source);
    if (!parsed.ok) continue;
    for (const part of parsed.parts) {
      if (part.kind === "variable" && part.path[0] === "secrets" && part.path.length === 2) names.add(part.path[1]!);
    }
  }
  return [...names];
}

export async function runSecrets(sources: string[], runtime: NodeRuntime): Promise<RunSecrets> {
  const names = secretNamesIn(sources);
  if (names.length === 0) return { values: {}, redact: (text) => text };
  const found = await runtime.resources.secrets(runtime.userId, names);
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new Error(
      `This request uses ${missing.map((name) => `{{secrets.${name}}}`).join(", ")}, which you have not set: add ${missing.length === 1 ? "it" : "them"} in Settings → Secrets.`,
    );
  }
  // Longest first, so a value that contains another is replaced whole; URL-encoded forms too (a URL's query).
  const replacements = [...found]
    .flatMap(([name, value]) => [...new Set([value, encodeURIComponent(value)])].map((form) => ({ name, form })))
    .filter(({ form }) => form.length > 0)
    .sort((a, b) => b.form.length - a.form.length);
  return {
    values: Object.fromEntries(found),
    redact: (text) => replacements.reduce((out, { name, form }) => out.split(form).join(`[secret ${name}]`), text),
  };
}
