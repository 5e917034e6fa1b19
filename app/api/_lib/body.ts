/** Bodies that may be left out entirely (every field optional): no body reads as `{}`. */
import "server-only";
import type { z } from "zod";
import { AppError, issuesFromZod } from "@/lib/errors";
import { parseSchema, readJson, type ReadJsonOptions } from "@/lib/http";

export async function readOptionalJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: ReadJsonOptions = {},
): Promise<z.output<S>> {
  if (request.body !== null && request.headers.get("content-length") !== "0") return readJson(request, schema, options);
  const parsed = await parseSchema(schema, {});
  if (parsed.success) return parsed.data;
  throw new AppError("validation:body", "Invalid request body", { issues: issuesFromZod(parsed.error.issues) });
}
