/**
 * {{secrets.NAME}} references in a template: which of the user's secrets (Settings → Secrets) a node's
 * settings use. Client-safe and pure, so the validator can name an unknown secret where it is written and
 * the run can read exactly those (lib/nodes/secrets.ts).
 */
import { parseTemplate } from "@/lib/expressions";

/** The scope root a template reads secrets from. */
export const SECRETS_ROOT = "secrets";

/** The secret names the templates use, in order, each once. */
export function secretNamesIn(sources: string[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    const parsed = parseTemplate(source);
    if (!parsed.ok) continue;
    for (const part of parsed.parts) {
      if (part.kind === "variable" && part.path[0] === SECRETS_ROOT && part.path.length === 2) names.add(part.path[1]!);
    }
  }
  return [...names];
}

/** Whether a template reads the secrets root at all (`{{secrets.NAME}}`, or a malformed `{{secrets}}`). */
export function readsSecrets(source: string): boolean {
  const parsed = parseTemplate(source);
  return parsed.ok && parsed.parts.some((part) => part.kind === "variable" && part.path[0] === SECRETS_ROOT);
}
