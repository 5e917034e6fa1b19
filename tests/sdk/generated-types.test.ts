/**
 * The TypeScript SDK's generated types (sdk/typescript/src/generated/openapi.ts) are what openapi-typescript
 * makes of the OpenAPI document GET /api/openapi.json serves — built here in-process from the same
 * function. When a route or schema changes, regenerate with `npm run sdk:types` and commit the result.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { GENERATED_TYPES_FILE, renderTypes } from "@/sdk/typescript/scripts/render-types";

it("the committed SDK types match the OpenAPI document (else run `npm run sdk:types`)", async () => {
  const committed = fs.readFileSync(
    path.resolve(import.meta.dirname, "../../sdk/typescript", GENERATED_TYPES_FILE),
    "utf8",
  );
  const generated = await renderTypes(createOpenApiDocument());
  expect(generated === committed, "sdk/typescript/src/generated/openapi.ts is stale: run `npm run sdk:types`").toBe(
    true,
  );
});
