/**
 * Every status a route's code can answer is documented, and nothing more: the route files read with the
 * TypeScript compiler (tests/api/route-statuses.ts). Apart from tests/api/openapi.test.ts because it is
 * static analysis that opens no database, so `npm test` runs it once (the PGlite pass) instead of on both
 * backends, and beside the rest of the API tests instead of after them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { apiOperations } from "@/lib/http/openapi";
import { fetchDocument } from "./openapi-document";
import { apiRouteFiles } from "./route-files";
import { createRouteStatusScanner, type RouteStatuses } from "./route-statuses";

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
      // Continuing a paused run (its answer, a breakpoint's command or state update): the engine's resume path.
      "validation:answer",
      "validation:node",
      "validation:state",
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
