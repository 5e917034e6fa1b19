import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import { apiOperations } from "@/lib/http/openapi";
import { apiRequest, read, routeContext } from "./helpers";
import { apiRouteFiles, servedMethods } from "./route-files";

/** The routes issue 5 lists, word for word: the document must have every one. */
const ISSUE_ROUTES = [
  "get /api/workflows",
  "post /api/workflows",
  "get /api/workflows/{id}",
  "put /api/workflows/{id}",
  "delete /api/workflows/{id}",
  "get /api/workflows/{id}/versions",
  "get /api/workflows/{id}/versions/{version}",
  "post /api/workflows/{id}/restore/{version}",
  "get /api/workflows/{id}/export",
  "post /api/workflows/import",
  "post /api/workflows/validate",
  "get /api/templates",
  "post /api/templates",
  "get /api/templates/{id}",
  "put /api/templates/{id}",
  "delete /api/templates/{id}",
  "post /api/templates/{id}/instantiate",
  "post /api/workflows/{id}/to-template",
  "get /api/templates/{id}/export",
  "post /api/templates/import",
  "post /api/executions",
  "get /api/executions",
  "get /api/executions/{id}",
  "get /api/executions/{id}/events",
  "post /api/executions/{id}/cancel",
  "post /api/executions/{id}/resume",
  "post /api/executions/{id}/rerun",
  "post /api/chat",
  "get /api/conversations",
  "get /api/conversations/{id}",
  "patch /api/conversations/{id}",
  "delete /api/conversations/{id}",
  "get /api/analytics/summary",
  "get /api/analytics/templates",
  "get /api/analytics/workflows",
  "get /api/knowledge-bases",
  "post /api/knowledge-bases",
  "post /api/knowledge-bases/{id}/documents",
  "delete /api/knowledge-bases/{id}",
  "delete /api/knowledge-bases/{id}/documents/{documentId}",
  "get /api/openapi.json",
];

async function fetchDocument() {
  const response = await read(await getOpenApi(apiRequest("/api/openapi.json"), routeContext()));
  expect(response.status).toBe(200);
  return response.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
}

function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => ["get", "post", "put", "patch", "delete"].includes(key))
      .map((method) => `${method} ${path}`),
  );
}

describe("GET /api/openapi.json", () => {
  it("serves a valid OpenAPI 3.1 document, publicly", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("lists every route of the issue", async () => {
    const operations = operationsOf(await fetchDocument());
    for (const route of ISSUE_ROUTES) expect(operations, route).toContain(route);
  });

  it("documents exactly the routes the app serves: every route file's methods, nothing more", async () => {
    const documented = new Set(operationsOf(await fetchDocument()));
    const served = new Set<string>();
    for (const route of apiRouteFiles()) {
      for (const method of await servedMethods(route)) served.add(`${method} ${route.path}`);
    }
    expect(
      [...served].filter((op) => !documented.has(op)),
      "served but not documented",
    ).toEqual([]);
    expect(
      [...documented].filter((op) => !served.has(op)),
      "documented but not served",
    ).toEqual([]);
    expect(documented.size).toBe(apiOperations.length);
  });

  it("describes every error as the one error shape, and every id path parameter as a ULID", async () => {
    const document = (await fetchDocument()) as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
            parameters?: { in: string; name: string; schema: { pattern?: string; $ref?: string } }[];
          }
        >
      >;
    };
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content?.["application/json"]?.schema.$ref, `${method} ${path} ${status}`).toBe(
            "#/components/schemas/Error",
          );
        }
        for (const parameter of op.parameters ?? []) {
          if (parameter.in === "path" && /id$/i.test(parameter.name))
            expect(parameter.schema.pattern, `${method} ${path} ${parameter.name}`).toBeDefined();
        }
      }
    }
  });
});
