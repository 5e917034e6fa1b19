import { z } from "zod";

export const API_KEY_NAME_MAX_LENGTH = 100;

export const createApiKeyBodySchema = z.object({
  name: z
    .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be a string") })
    .trim()
    .min(1, "Name is required")
    .max(API_KEY_NAME_MAX_LENGTH, `Name must be at most ${API_KEY_NAME_MAX_LENGTH} characters`),
});

export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

/** Key ids are ULIDs; anything else cannot name a key (404 without a query). */
export const apiKeyIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/);
