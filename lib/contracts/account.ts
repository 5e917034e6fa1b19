/**
 * Contracts of the account routes (sign-up, API keys, health), as zod schemas for the OpenAPI document and
 * the UI. The request bodies are the routes' own schemas; the response shapes are checked against the
 * routes' TypeScript types below, so the two cannot drift apart. Client-safe.
 */
import { z } from "zod";
import type { ApiKeyDto } from "@/lib/auth/api-keys";
import type { SignupResponse } from "@/app/api/signup/schema";
import { idSchema, nullableTimestampSchema, timestampSchema } from "@/lib/contracts/common";

export { createApiKeyBodySchema } from "@/app/api/keys/schema";
export { signupBodySchema } from "@/app/api/signup/schema";

export const apiKeySchema = z
  .object({
    id: idSchema,
    name: z.string(),
    prefix: z.string().meta({ description: "The key's first characters, to tell keys apart" }),
    createdAt: timestampSchema,
    lastUsedAt: nullableTimestampSchema,
    revokedAt: nullableTimestampSchema,
  })
  .meta({ id: "ApiKey" });

export const apiKeyListResponseSchema = z.object({ keys: z.array(apiKeySchema) });
export const apiKeyCreatedResponseSchema = z.object({
  key: apiKeySchema,
  secret: z.string().meta({ description: "The whole key: shown this once, never again" }),
});

export const signupResponseSchema = z
  .object({
    status: z.literal("accepted"),
    email: z.string().meta({ description: "The email as read (trimmed, lower case): the one to sign in with" }),
    message: z.string(),
  })
  .meta({
    description:
      "The same answer whether or not the email already had an account. Sign in next with the email and the password: it works if the account was created by this request (or already had that password).",
  });

const healthDetailsSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  backend: z.enum(["pglite", "postgres"]),
  database: z.object({
    location: z
      .string()
      .meta({ description: "The embedded database's folder, or the PostgreSQL host, port and name (no credentials)" }),
    migration: z.object({
      tag: z.string().nullable().meta({ description: "The newest migration applied, e.g. 0003_runs_by_created" }),
      writtenAt: z.string().nullable().meta({ description: "When that migration was written (ISO time)" }),
      pending: z.number().int().meta({ description: "Migrations in this build not yet applied" }),
    }),
  }),
  user: z.object({ id: idSchema, email: z.string() }).meta({ description: "Who is calling" }),
});

/** Anonymous callers learn the status only; signed-in ones (session or API key) get the details. */
export const healthResponseSchema = z.union([
  z.strictObject({ status: z.literal("ok") }).meta({ description: "Anonymous caller: the status only" }),
  healthDetailsSchema.meta({ description: "Signed-in caller (session or API key): version, database, who" }),
]);
export type HealthResponse = z.infer<typeof healthResponseSchema>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _apiKey: Same<z.infer<typeof apiKeySchema>, ApiKeyDto> = true;
const _signup: Same<z.infer<typeof signupResponseSchema>, SignupResponse> = true;
void _apiKey;
void _signup;
