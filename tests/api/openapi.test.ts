import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { POST as runExecution } from "@/app/api/executions/route";
import { detachedRunResponseSchema } from "@/lib/contracts/executions";
import { apiOperations } from "@/lib/http/openapi";
import { call, echoDefinition, newActor } from "./rest-fixtures";
import { fetchDocument } from "./openapi-document";
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
  }, 240_000);

  it("describes every error as the one error shape (/api/mcp's: JSON-RPC's), and every id path parameter as a ULID", async () => {
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
          // The MCP endpoint refuses in its protocol's shape past authentication (401 and 403 are the API's).
          const jsonRpc = path === "/api/mcp" && status !== "401" && status !== "403";
          expect(response.content?.["application/json"]?.schema.$ref, `${method} ${path} ${status}`).toBe(
            jsonRpc ? "#/components/schemas/McpJsonRpcError" : "#/components/schemas/Error",
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

describe("POST /api/executions asked to answer at once", () => {
  it("answers 202 with the execution id, for `Prefer: respond-async` and for `async: true`, as documented", async () => {
    const document = (await fetchDocument()) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const accepted = document.paths["/api/executions"]!.post!.responses["202"];
    expect(accepted?.content?.["application/json"]).toEqual({ schema: { $ref: "#/components/schemas/DetachedRun" } });

    const actor = await newActor();
    const { name: _name, description: _description, ...graph } = echoDefinition("Answered at once");
    const requests: Array<{ body: unknown; headers: Record<string, string> }> = [
      { body: { type: "CUSTOM", definition: graph, input: { message: "hi" } }, headers: { prefer: "respond-async" } },
      { body: { type: "CUSTOM", definition: graph, input: { message: "hi" }, async: true }, headers: {} },
    ];
    for (const request of requests) {
      const response = await call(runExecution, "/api/executions", { method: "POST", auth: actor, ...request });
      expect(response.status, response.text).toBe(202);
      const body = detachedRunResponseSchema.parse(response.json);
      expect(response.headers.get("location")).toBe(`/api/executions/${body.executionId}`);
    }
  });
});
