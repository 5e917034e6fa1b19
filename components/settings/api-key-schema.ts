/**
 * The API keys endpoints' responses as this page reads them (GET/POST /api/keys). Parsed, not cast, so a
 * contract change fails loudly here instead of rendering "Invalid Date".
 */
import { z } from "zod";

const timestamp = z.iso.datetime({ offset: true });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });
export const createdApiKeySchema = z.object({ key: apiKeySchema, secret: z.string().startsWith("lat_") });

/** Mirrors the server's limit (api_keys.name is varchar(100)) so the form can say so before sending. */
export const API_KEY_NAME_MAX = 100;
