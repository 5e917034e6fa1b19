/**
 * Building blocks shared by every API contract: ids, timestamps, the error body, cursor pages.
 * Client-safe (no server imports): the UI's React Query hooks parse responses with these same schemas.
 */
import { z } from "zod";

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Every row id is a ULID (26 characters, Crockford base32, sorts by creation time). */
export const idSchema = z
  .string()
  .regex(ULID_PATTERN, "must be a 26-character ULID")
  .meta({ description: "A ULID", example: "01JB8Z3V4Q5R6S7T8V9W0X1Y2Z" });

/** True when `value` could be a row id; anything else names nothing, so routes answer 404 without a query. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ULID_PATTERN.test(value);
}

/** Timestamps travel as ISO 8601 strings in UTC. */
export const timestampSchema = z.iso.datetime({ offset: true }).meta({ example: "2025-01-31T12:00:00.000Z" });
export const nullableTimestampSchema = timestampSchema.nullable();

export const fieldIssueSchema = z.object({
  path: z
    .string()
    .meta({ description: 'Dotted path into the body or query ("nodes.2.data.config.model"), or "(body)"' }),
  message: z.string(),
  code: z.string().optional(),
});

/** Every 4xx/5xx answer: a stable code ("type:surface"), a sentence, and the fields at fault when there are any. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation:body" }),
      message: z.string(),
      issues: z.array(fieldIssueSchema).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({
    id: "Error",
    description: "Every error: a stable code, a sentence, and the fields at fault when there are any",
  });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Opaque continuation token of a keyset-paginated list; absent on the last page. */
export const cursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this API returned")
  .meta({ description: "Pass the previous page's nextCursor to get the next page" });

/** Query-string integers arrive as text. */
export const pageLimitSchema = (max: number, fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .meta({ description: `Page size (1–${max}, default ${fallback})` });

export const jsonRecordSchema = z.record(z.string(), z.unknown());
