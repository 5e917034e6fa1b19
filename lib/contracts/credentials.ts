/**
 * Contracts of the model settings routes: credentials for model providers (/api/credentials), secrets HTTP
 * nodes reference as {{secrets.NAME}} (/api/secrets), and the default model (/api/models). A stored key or
 * secret value is accepted on creation and replacement only; no answer ever carries it (a masked `hint` at
 * most). Client-safe.
 */
import { z } from "zod";
import { CREDENTIAL_PROVIDER_IDS, DEFAULT_MODEL_PROVIDER, MODEL_PROVIDER_IDS } from "@/lib/models/catalog";
import { idSchema, timestampSchema } from "./common";

export const CREDENTIAL_NAME_MAX_LENGTH = 100;
export const SECRET_VALUE_MAX_LENGTH = 8_000;

const nameSchema = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .trim()
    .min(1, `${what} is required`)
    .max(CREDENTIAL_NAME_MAX_LENGTH, `${what} must be at most ${CREDENTIAL_NAME_MAX_LENGTH} characters`);

const apiKeyField = z
  .string({ error: "API key must be a string" })
  .trim()
  .max(SECRET_VALUE_MAX_LENGTH, `API key must be at most ${SECRET_VALUE_MAX_LENGTH} characters`)
  .optional()
  .transform((key) => key || undefined);

const baseUrlField = z
  .string({ error: "Base URL must be a string" })
  .trim()
  .max(2_000, "Base URL must be at most 2000 characters")
  .optional()
  .transform((url) => url || undefined)
  .pipe(
    z
      .url({ protocol: /^https?$/, error: "Base URL must be an http(s) URL" })
      .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), "Base URL must not contain a user name or password")
      .optional(),
  );

export const credentialProviderSchema = z.enum(CREDENTIAL_PROVIDER_IDS, {
  error: `Provider must be one of ${CREDENTIAL_PROVIDER_IDS.join(", ")}`,
});

export const createCredentialBodySchema = z
  .object({
    name: nameSchema("Name"),
    provider: credentialProviderSchema,
    apiKey: apiKeyField,
    baseUrl: baseUrlField,
  })
  .superRefine((body, ctx) => {
    if (body.provider === "anthropic" && !body.apiKey)
      ctx.addIssue({ code: "custom", path: ["apiKey"], message: "An Anthropic credential needs an API key" });
    if (body.provider === "ollama" && !body.baseUrl)
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "An Ollama credential needs its server's URL" });
    if (body.provider === "openai" && !body.apiKey && !body.baseUrl)
      ctx.addIssue({
        code: "custom",
        path: ["apiKey"],
        message: "An OpenAI credential needs an API key, a base URL (an OpenAI-compatible server), or both",
      });
  });
export type CreateCredentialBody = z.infer<typeof createCredentialBodySchema>;

/** Rename, and/or replace the key or URL (an empty apiKey keeps the stored one). */
export const updateCredentialBodySchema = z
  .object({ name: nameSchema("Name").optional(), apiKey: apiKeyField, baseUrl: baseUrlField })
  .refine((body) => body.name !== undefined || body.apiKey !== undefined || body.baseUrl !== undefined, {
    message: "Send a name, an apiKey or a baseUrl to change",
  });
export type UpdateCredentialBody = z.infer<typeof updateCredentialBodySchema>;

export const credentialSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    provider: credentialProviderSchema,
    baseUrl: z.string().nullable(),
    hint: z.string().meta({ description: "The key's last characters, masked (empty without a key)" }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Credential" });
export type CredentialDto = z.infer<typeof credentialSchema>;
export const credentialListResponseSchema = z.object({ credentials: z.array(credentialSchema) });
export const credentialResponseSchema = z.object({ credential: credentialSchema });

export const testCredentialBodySchema = z.object({
  model: z.string().trim().min(1).max(200).optional().meta({ description: "Default: the provider's first model" }),
});
export const testCredentialResponseSchema = z
  .object({
    ok: z.boolean(),
    model: z.string(),
    message: z
      .string()
      .meta({ description: "The model's answer, or the provider's error as it gave it (key blanked)" }),
    durationMs: z.number(),
  })
  .meta({ id: "CredentialTest" });
export type CredentialTestResult = z.infer<typeof testCredentialResponseSchema>;

export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const secretNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be a string") })
  .trim()
  .regex(SECRET_NAME_PATTERN, "Name must start with a letter or _ and hold only letters, digits and _ (at most 64)");

export const createSecretBodySchema = z.object({
  name: secretNameSchema,
  value: z
    .string({ error: (issue) => (issue.input === undefined ? "Value is required" : "Value must be a string") })
    .min(1, "Value is required")
    .max(SECRET_VALUE_MAX_LENGTH, `Value must be at most ${SECRET_VALUE_MAX_LENGTH} characters`),
});
export const updateSecretBodySchema = z
  .object({ name: secretNameSchema.optional(), value: createSecretBodySchema.shape.value.optional() })
  .refine((body) => body.name !== undefined || body.value !== undefined, { message: "Send a name or a value" });

export const secretSchema = z
  .object({
    id: idSchema,
    name: z.string().meta({ description: "Referenced as {{secrets.NAME}} in HTTP nodes' URLs and headers" }),
    hint: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Secret" });
export type SecretDto = z.infer<typeof secretSchema>;
export const secretListResponseSchema = z.object({ secrets: z.array(secretSchema) });
export const secretResponseSchema = z.object({ secret: secretSchema });

export const modelChoiceSchema = z.object({
  provider: z.enum(MODEL_PROVIDER_IDS, { error: `Provider must be one of ${MODEL_PROVIDER_IDS.join(", ")}` }),
  model: z.string().trim().min(1, "Model is required").max(200, "Model must be at most 200 characters"),
  credentialId: idSchema.optional(),
});
export type ModelChoiceBody = z.infer<typeof modelChoiceSchema>;

export const setDefaultModelBodySchema = z.object({
  defaultModel: modelChoiceSchema.nullable().meta({ description: "null: use the server's default" }),
});

const resolvedModelSchema = z.object({
  provider: z.string(),
  model: z.string(),
  credentialId: idSchema.optional(),
  credentialName: z.string().optional(),
});

export const modelSettingsSchema = z
  .object({
    defaultProvider: z
      .literal(DEFAULT_MODEL_PROVIDER)
      .meta({ description: 'A node\'s provider for "the default model"' }),
    serverDefault: resolvedModelSchema.extend({ source: z.enum(["setting", "provider", "builtin"]) }),
    userDefault: resolvedModelSchema.nullable(),
    /** What "the default model" is for this user now. */
    effective: resolvedModelSchema.extend({ builtin: z.boolean() }),
    providers: z.array(
      z.object({
        id: z.enum(MODEL_PROVIDER_IDS),
        label: z.string(),
        configured: z.boolean(),
        models: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: "ModelSettings" });
export type ModelSettings = z.infer<typeof modelSettingsSchema>;
