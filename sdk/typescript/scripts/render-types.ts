/**
 * Renders the SDK's generated types (src/generated/openapi.ts) from an OpenAPI document with
 * openapi-typescript. Shared by the generation script (scripts/generate-sdk-types.ts at the repository root)
 * and the drift test (tests/sdk/generated-types.test.ts), so both produce the same text.
 */
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

/** Where the generated types live, relative to sdk/typescript. */
export const GENERATED_TYPES_FILE = "src/generated/openapi.ts";

/** The generated module's text for `document` (an OpenAPI 3.1 document as JSON). */
export async function renderTypes(document: unknown): Promise<string> {
  // A JSON copy: openapi-typescript may annotate the object it reads, and the caller's stays untouched.
  const copy = JSON.parse(JSON.stringify(document)) as Parameters<typeof openapiTS>[0];
  const ast = await openapiTS(copy, { alphabetize: false, exportType: false, silent: true, defaultNonNullable: false });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
