import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import { POST as runExecution } from "@/app/api/executions/route";
import { detachedRunResponseSchema } from "@/lib/contracts/executions";
import { apiOperations } from "@/lib/http/openapi";
import { apiRequest, read, routeContext } from "./helpers";
import { call, echoDefinition, newActor } from "./rest-fixtures";
import { apiRouteFiles, servedMethods } from "./route-files";
import { createRouteStatusScanner, type RouteStatuses } from "./route-statuses";

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

/** Statuses any route may answer, which the document does not repeat on each operation. */
const EVERY_ROUTE = new Set([
  500, // an unexpected error (apiRoute answers it with a request id)
  405, // a method the route does not serve
]);

/**
 * AppError codes that are raised only inside a running workflow — by a node, a tool, a model provider or
 * the HTTP client nodes use — where the engine catches them and the run ends `failed` with the error: the
 * request that started the run answers its result (200, or the stream), never the error's status.
 */
const RAISED_IN_RUNS: Record<string, string> = {
  "bad_request:tool": "lib/tools: a tool node's unknown tool",
  "bad_request:calculator": "lib/tools: the calculator tool's input",
  "bad_request:current_time": "lib/tools: the clock tool's time zone",
  "bad_request:run_workflow": "lib/tools: the run_workflow tool's arguments",
  "forbidden:knowledge_search": "lib/tools: a knowledge base the run may not search",
  "bad_request:http_allowlist": "lib/net/safe-fetch: an HTTP node's host outside the allowlist",
  "bad_request:http_redirects": "lib/net/safe-fetch: too many redirects",
  "bad_request:http_target": "lib/net/safe-fetch: a URL that is not http(s)",
  "bad_request:http_url": "lib/net/safe-fetch: an invalid URL",
  "forbidden:http_target": "lib/net/safe-fetch: a private address",
  "payload_too_large:http_response": "lib/net/safe-fetch: a response over the limit",
  "unavailable:http_request": "lib/net/safe-fetch: the request failed",
  "unavailable:http_timeout": "lib/net/safe-fetch: the request timed out",
  "unavailable:model_provider": "lib/models: the model provider did not answer",
  "unavailable:mcp_server":
    "lib/mcp: a Tools node's MCP server cannot be reached (GET /api/mcp-servers/{id}/tools answers it: 503)",
  "unavailable:mcp_timeout": "lib/mcp: a Tools node's MCP tool call timed out",
  "bad_request:model":
    "lib/models: a node's unknown provider or model (and a chat's title, named after its answer has streamed)",
};

/**
 * Codes the scan reaches through shared code on a path these operations never take (it follows every
 * function a handler mentions, not the conditions around the calls).
 */
const NOT_REACHED: Array<{ applies: (op: (typeof apiOperations)[number]) => boolean; codes: string[]; why: string }> = [
  {
    applies: (op) => op.method === "get",
    codes: ["forbidden:origin"],
    why: "lib/auth/authenticate.ts checks the origin of requests that change something (not GET)",
  },
  {
    applies: (op) => op.path === "/api/executions" || op.path === "/api/chat",
    codes: ["conflict:execution", "conflict:checkpoint"],
    why: "execute() continues a paused run or re-runs from a step only when given `resume` or `fromCheckpoint`, which only the resume and rerun routes pass",
  },
  {
    applies: (op) => op.path.startsWith("/api/knowledge-bases/{id}/"),
    codes: ["unavailable:embeddings", "unavailable:credential_key"],
    why: "an embeddings server's failure — or a user's credential for it that cannot be opened — is kept on the document (adding one), turns a search into a full-text one with a warning, and happens in the background when re-embedding",
  },
  {
    applies: (op) => op.path === "/api/mcp",
    codes: [
      "conflict:execution",
      "conflict:checkpoint",
      "validation:workflow",
      "unavailable:credential_key",
      "unavailable:embeddings",
      "unavailable:shutting_down",
    ],
    why: "a tools/call runs a workflow inside the MCP session: what refuses or fails the run is the tool's result (isError) or a JSON-RPC error, in a 200 answer, never the request's status",
  },
];

/** Statuses a route answers through code the scan does not follow (a call through an interface). */
const SCAN_MISSES: Record<string, string> = {
  "post /api/chat: 429":
    "the run limits are checked by the workflow tracker (lib/tracking), which the engine calls through its interface",
  // /api/mcp: the MCP SDK's Streamable HTTP transport (node_modules) answers these itself.
  "post /api/mcp: 202": "the MCP SDK's transport accepts a notification or response",
  "post /api/mcp: 406": "the MCP SDK's transport refuses an Accept without application/json and text/event-stream",
  "post /api/mcp: 415": "the MCP SDK's transport refuses a body that is not application/json",
  "get /api/mcp: 406": "the MCP SDK's transport refuses an Accept without text/event-stream",
};

type OpenApiResponses = Record<string, Record<string, { responses: Record<string, unknown> }>>;

/**
 * Each status a route's code can answer that its operation does not document, as "method path: status
 * (what raises it, where)"; and the statuses the scan could not read.
 */
function undocumentedStatuses(
  paths: OpenApiResponses,
  statusesOf: (route: ReturnType<typeof apiRouteFiles>[number], method: string) => RouteStatuses,
) {
  const routes = apiRouteFiles();
  const missing = new Set<string>();
  const unreadable = new Set<string>();
  for (const op of apiOperations) {
    const route = routes.find((r) => r.path === op.path);
    if (!route) throw new Error(`no route file for ${op.path}`);
    const documented = new Set(Object.keys(paths[op.path]?.[op.method]?.responses ?? {}).map(Number));
    const scan = statusesOf(route, op.method.toUpperCase());
    for (const place of scan.unreadable) unreadable.add(`${op.method} ${op.path}: ${place}`);
    for (const finding of scan.findings) {
      if (EVERY_ROUTE.has(finding.status) || finding.source in RAISED_IN_RUNS || documented.has(finding.status))
        continue;
      if (NOT_REACHED.some((rule) => rule.applies(op) && rule.codes.includes(finding.source))) continue;
      missing.add(`${op.method} ${op.path}: ${finding.status} (${finding.source} at ${finding.at})`);
    }
  }
  return { missing: [...missing].sort(), unreadable: [...unreadable].sort() };
}

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

describe("every status a route can answer is documented", () => {
  let statusesOf: ReturnType<typeof createRouteStatusScanner>;
  beforeAll(() => {
    statusesOf = createRouteStatusScanner(apiRouteFiles());
  }, 240_000);

  it("finds, in each route's code, only statuses its operation documents", async () => {
    const document = (await fetchDocument()) as unknown as { paths: OpenApiResponses };
    const { missing, unreadable } = undocumentedStatuses(document.paths, statusesOf);
    expect(missing, "answered but not documented").toEqual([]);
    expect(unreadable, "statuses the scan cannot read: make them literal").toEqual([]);
  }, 240_000);

  it("documents no status a route's code cannot answer (but the few the scan cannot see)", async () => {
    const document = (await fetchDocument()) as unknown as { paths: OpenApiResponses };
    const routes = apiRouteFiles();
    const unfounded: string[] = [];
    for (const op of apiOperations) {
      const route = routes.find((r) => r.path === op.path)!;
      const found = new Set(statusesOf(route, op.method.toUpperCase()).findings.map((f) => f.status));
      for (const status of Object.keys(document.paths[op.path]![op.method]!.responses).map(Number)) {
        const key = `${op.method} ${op.path}: ${status}`;
        if (!found.has(status) && !(key in SCAN_MISSES)) unfounded.push(key);
      }
    }
    expect(unfounded, "documented, but no code of the route answers it").toEqual([]);
  }, 240_000);

  it("cannot pass silently: a document without POST /api/executions's 202 fails the check", async () => {
    const document = (await fetchDocument()) as unknown as { paths: OpenApiResponses };
    const paths = structuredClone(document.paths);
    delete paths["/api/executions"]!.post!.responses["202"];
    const { missing } = undocumentedStatuses(paths, statusesOf);
    expect(missing.some((line) => line.startsWith("post /api/executions: 202 (response at "))).toBe(true);
    // And a route answering a status from an AppError is held to it the same way.
    delete paths["/api/executions/{id}"]!.get!.responses["404"];
    expect(undocumentedStatuses(paths, statusesOf).missing).toContainEqual(
      expect.stringMatching(
        /^get \/api\/executions\/\{id\}: 404 \(not_found:execution at lib\/services\/executions\.ts:\d+\)$/,
      ),
    );
  }, 240_000);
});
