/**
 * Both SDKs against the OpenAPI document, without a server (the drift test beside generated-types.test.ts):
 * every public method of each SDK is called with stand-in arguments and its HTTP requests recorded (TypeScript:
 * a recording fetch; Python: python_surface.py); then
 *   - every request an SDK makes is an operation of the document (a renamed or removed route fails here);
 *   - every operation of the SDKs' surface (the tags below, API keys, health) is made by a method of each SDK
 *     (a route added to the surface without an SDK method fails here);
 *   - the Python SDK's event types and run statuses are the document's (TypeScript's are generated from it).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { LatticeClient } from "@/sdk/typescript/src/index";

type Call = [method: string, path: string];
interface Operation {
  method: string;
  path: string;
  tags?: string[];
}

const doc = createOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { tags?: string[] }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const operations: Operation[] = Object.entries(doc.paths).flatMap(([p, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path: p, tags: op.tags })),
);

/** The surface issue 17 names: these tags whole, plus API keys and health. */
const SURFACE_TAGS = ["Workflows", "Templates", "Executions", "Chat", "Conversations", "Analytics", "Knowledge"];
const isSurface = (op: Operation) =>
  op.tags?.some((tag) => SURFACE_TAGS.includes(tag)) || op.path.startsWith("/api/keys") || op.path === "/api/health";
/** Surface operations the SDKs leave to `client.api` / `client.request`, and why. */
const NOT_WRAPPED: Record<string, string> = {
  "GET /api/executions/feed": "the dashboard's feed of every run's status changes, not a run's events",
};

/** The operation a concrete request is: the literal path first (…/import before …/{id}), then templates. */
function operationOf([method, concrete]: Call): Operation | undefined {
  const matching = operations.filter(
    (op) =>
      op.method === method &&
      new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(concrete.replace(/\/+$/, "")),
  );
  return matching.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))[0];
}
const key = (op: Operation) => `${op.method} ${op.path}`;

/** Calls every public method of the TypeScript client with stand-ins; the requests each one made. */
async function typescriptSurface(): Promise<Record<string, Call[]>> {
  let calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    calls.push([request.method, url.pathname]);
    // A run's events: refused, so a stream stops after recording its connection.
    if (url.pathname.endsWith("/events"))
      return Response.json({ error: { code: "not_found:execution", message: "stand-in" } }, { status: 404 });
    return Response.json({ executionId: "01ID", execution: { events: { lastSeq: 0 } } });
  };
  const client = new LatticeClient({ baseUrl: "http://lattice.test", apiKey: "lat_key", fetch });
  const standIns: Record<string, unknown[]> = {
    "workflows.version": ["01ID", 1],
    "workflows.restore": ["01ID", 1],
    "knowledgeBases.upload": ["01ID", new Blob(["x"]), "a.txt"],
    "knowledgeBases.deleteDocument": ["01ID", "01ID"],
  };
  const surface: Record<string, Call[]> = {};
  const targets: Array<[string, object]> = [
    ["", client],
    ...Object.entries(client).filter(([name, value]) => typeof value === "object" && value !== null && name !== "api"),
  ];
  for (const [name, target] of targets) {
    const prefix = name ? `${name}.` : "";
    const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (method === "constructor" || method === "followConnection" || typeof proto[method] !== "function") continue;
      const id = `${prefix}${method}`;
      calls = [];
      try {
        const fn = proto[method] as (...args: unknown[]) => unknown;
        let result = fn.apply(target, standIns[id] ?? ["01ID", {}]);
        if (result instanceof Promise) result = await result;
        if (result && typeof result === "object" && Symbol.asyncIterator in result)
          await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
      } catch {
        // stand-in answers are not real ones: only the requests matter
      }
      surface[id] = calls;
    }
  }
  return surface;
}

let dumped: ReturnType<typeof runPythonDump> | undefined;
const pythonDump = () => (dumped ??= runPythonDump());

function runPythonDump() {
  const script = path.join(import.meta.dirname, "python_surface.py");
  const r = spawnSync("python3", [script], { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`python_surface.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    methods: Record<string, Call[]>;
    eventTypes: string[];
    terminalEventTypes: string[];
    resultStatuses: string[];
  };
}

function checkAgainstDocument(sdk: string, surface: Record<string, Call[]>) {
  const unknown = Object.entries(surface).flatMap(([method, calls]) =>
    calls.filter((call) => !operationOf(call)).map((call) => `${method}: ${call.join(" ")}`),
  );
  expect(unknown, `${sdk} SDK calls routes the OpenAPI document does not have`).toEqual([]);
  const silent = Object.entries(surface)
    .filter(([, calls]) => calls.length === 0)
    .map(([method]) => method);
  expect(silent, `${sdk} SDK methods that made no request with stand-in arguments`).toEqual([]);
  const covered = new Set(Object.values(surface).flatMap((calls) => calls.map((call) => key(operationOf(call)!))));
  const missing = operations
    .filter(isSurface)
    .map(key)
    .filter((op) => !covered.has(op) && !(op in NOT_WRAPPED));
  expect(missing, `${sdk} SDK has no method for these operations of its surface`).toEqual([]);
}

describe("the SDKs and the OpenAPI document agree", () => {
  it("TypeScript: every request is a documented operation, every surface operation has a method", async () => {
    const surface = await typescriptSurface();
    expect(Object.keys(surface).length).toBeGreaterThan(40);
    checkAgainstDocument("TypeScript", surface);
  });

  it("Python: every request is a documented operation, every surface operation has a method", () => {
    const dump = pythonDump();
    expect(Object.keys(dump.methods).length).toBeGreaterThan(40);
    checkAgainstDocument("Python", dump.methods);
  });

  it("Python: the event types and run statuses are the document's", () => {
    const dump = pythonDump();
    const events = doc.components.schemas.ExecutionEvent as {
      oneOf: Array<{ properties: { type: { const: string } } }>;
    };
    const documented = events.oneOf.map((variant) => variant.properties.type.const);
    expect([...dump.eventTypes].sort()).toEqual([...documented].sort());
    expect(dump.terminalEventTypes.every((type) => documented.includes(type))).toBe(true);
    const result = doc.components.schemas.ExecutionResult as { properties: { status: { enum: string[] } } };
    expect([...dump.resultStatuses].sort()).toEqual([...result.properties.status.enum].sort());
  });

  it("the check itself: a route that is not in the document, or a surface operation nobody calls, is caught", () => {
    expect(operationOf(["POST", "/api/workflows/import"])?.path).toBe("/api/workflows/import");
    expect(operationOf(["GET", "/api/executions/01ID"])?.path).toBe("/api/executions/{id}");
    expect(operationOf(["GET", "/api/executions/01ID/stream"])).toBeUndefined();
    expect(() => checkAgainstDocument("A stand-in", { "workflows.list": [["GET", "/api/workflows"]] })).toThrow(
      /no method for these operations/,
    );
  });
});
