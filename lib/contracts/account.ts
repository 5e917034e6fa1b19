/**
 * Contracts of the account routes (sign-up, API keys, health): the request bodies the routes read, the answers
 * they give, and the limits the forms show where they are typed. Client-safe.
 */
import { z } from "zod";
import { idSchema, nullableTimestampSchema, timestampSchema } from "@/lib/contracts/common";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
export const NAME_MAX_LENGTH = 100;

const required = (field: string, type: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? `${field} is required` : `${field} must be a ${type}`;

export const signupBodySchema = z.object({
  email: z
    .string({ error: required("Email", "string") })
    .trim()
    .toLowerCase()
    .min(1, "Email is required")
    .max(320, "Email must be at most 320 characters")
    .pipe(z.email("Enter a valid email address")),
  password: z
    .string({ error: required("Password", "string") })
    .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`),
  name: z
    .string({ error: "Name must be a string" })
    .trim()
    .max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
    .nullish()
    .transform((name) => (name ? name : null)),
});

export type SignupBody = z.infer<typeof signupBodySchema>;

/**
 * The one answer to every well-formed sign-up (202), whether or not the email already had an account: it
 * never tells anyone which emails have accounts.
 */
export const SIGNUP_ACCEPTED_MESSAGE =
  "If this email had no account, it has one now: sign in with it and the password you chose. If it already had one, nothing was changed and its owner has been notified.";

export const API_KEY_NAME_MAX_LENGTH = 100;

export const createApiKeyBodySchema = z.object({
  name: z
    .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be a string") })
    .trim()
    .min(1, "Name is required")
    .max(API_KEY_NAME_MAX_LENGTH, `Name must be at most ${API_KEY_NAME_MAX_LENGTH} characters`),
});

export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

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
export type ApiKeyDto = z.infer<typeof apiKeySchema>;
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
export type SignupResponse = z.infer<typeof signupResponseSchema>;

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
