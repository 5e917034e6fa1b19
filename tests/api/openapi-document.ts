/** The API's OpenAPI document, as GET /api/openapi.json serves it (for the tests that read it). */
import { expect } from "vitest";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import { apiRequest, read, routeContext } from "./helpers";

export async function fetchDocument() {
  const response = await read(await getOpenApi(apiRequest("/api/openapi.json"), routeContext()));
  expect(response.status).toBe(200);
  return response.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
}
