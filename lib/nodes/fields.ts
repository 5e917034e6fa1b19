/**
 * Config fields shared by several node types, so every node spells them (and their editor metadata) the same.
 */
import { z } from "zod";
import { field } from "./types";

export const MAX_TEXT = 20_000;
export const MAX_EXPRESSION = 2_000;

/** The built-in provider and model every deployment has (deterministic, no key). */
export const DEFAULT_PROVIDER = "local";
export const DEFAULT_MODEL = "echo";

/** A variable name: usable as `{{variables.name}}` in templates and `variables.name` in expressions. */
export const variableNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must start with a letter or _ and contain only letters, digits and _");

/** Handle names a node adds: a conditional's branch keys, a router's route keys. */
export const RESERVED_HANDLES = ["default", "error", "in", "out", "body", "done"] as const;
export const handleKeySchema = z
  .string()
  .min(1, "must not be empty")
  .max(50, "must be at most 50 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and -")
  .refine((key) => !(RESERVED_HANDLES as readonly string[]).includes(key), {
    message: `must not be one of ${RESERVED_HANDLES.join(", ")}`,
  });

/** Rejects duplicate keys in a list of { key } items, pointing at the second occurrence. */
export function uniqueKeys<T extends { key: string }>(items: T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.key)) {
      ctx.addIssue({ code: "custom", message: `duplicate key "${item.key}"`, path: [index, "key"] });
    }
    seen.add(item.key);
  });
}

export const providerField = () =>
  z
    .string()
    .min(1, "choose a provider")
    .max(50)
    .default(DEFAULT_PROVIDER)
    .meta(field({ title: "Provider", widget: "model", group: "model" }));

export const modelField = () =>
  z
    .string()
    .min(1, "choose a model")
    .max(200)
    .default(DEFAULT_MODEL)
    .meta(field({ title: "Model", widget: "model", group: "model" }));

/**
 * One of the user's model credentials (Settings → Model providers), by id; without it, the provider's
 * server-wide settings. Exports carry the credential's name instead, and import maps it to the importer's.
 */
export const credentialField = () =>
  z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "must be a credential id")
    .optional()
    .meta(field({ title: "Credential", widget: "model", group: "model" }));

export const systemPromptField = (fallback = "") =>
  z
    .string()
    .max(MAX_TEXT)
    .default(fallback)
    .meta(
      field({
        title: "System prompt",
        description: "Instructions for the model. May use {{variables}}.",
        widget: "prompt",
      }),
    );

export const temperatureField = () =>
  z
    .number()
    .min(0)
    .max(2)
    .default(0.7)
    .meta(
      field({
        title: "Temperature",
        description: "0 is deterministic, higher is more varied.",
        widget: "number",
        advanced: true,
      }),
    );

export const maxTokensField = () =>
  z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1024)
    .meta(
      field({
        title: "Max tokens",
        description: "Upper bound on the tokens one answer may generate.",
        widget: "number",
        advanced: true,
      }),
    );

/** The message a node reads, as a template over the run's state (defaults to the user's message). */
export const inputTemplateField = (title = "Input") =>
  z
    .string()
    .min(1, "must not be empty")
    .max(MAX_TEXT)
    .default("{{input.message}}")
    .meta(field({ title, description: "A template over the run's state, e.g. {{input.message}}.", widget: "prompt" }));
