/** Query strings, validated with the route's zod schema like bodies are: 422 `validation:query` naming each bad parameter. */
import "server-only";
import type { z } from "zod";
import { AppError, issuesFromZod } from "@/lib/errors";

const MAX_QUERY_LENGTH = 4096;

/**
 * Parses `request`'s query string. Keys in `arrays` may repeat or hold comma-separated values
 * (`status=failed&status=cancelled`, `status=failed,cancelled`); any other key is a single value (its last).
 */
export function readQuery<S extends z.ZodType>(
  request: Request,
  schema: S,
  { arrays = [] }: { arrays?: string[] } = {},
): z.output<S> {
  const url = new URL(request.url);
  if (url.search.length > MAX_QUERY_LENGTH) {
    throw new AppError("bad_request:query", `The query string is longer than ${MAX_QUERY_LENGTH} characters.`, {
      issues: [{ path: "(query)", message: "is too long" }],
    });
  }
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    raw[key] = arrays.includes(key)
      ? values
          .flatMap((v) => v.split(","))
          .map((v) => v.trim())
          .filter(Boolean)
      : (values[values.length - 1] ?? "");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues).map((issue) =>
      issue.path === "(body)" ? { ...issue, path: "(query)" } : issue,
    );
    const first = issues[0];
    throw new AppError(
      "validation:query",
      `Invalid query parameter${first ? ` ${first.path}: ${first.message}` : ""}`,
      { issues },
    );
  }
  return parsed.data;
}
