/**
 * Every route that takes a body, fed malformed ones — wrong types, missing fields, huge strings, deeply nested
 * JSON, invalid UTF-8, not JSON at all: each answer is a 4xx with the error shape (and the fields at fault
 * where there are fields), never a 5xx, never internals. The routes come from the OpenAPI document, so a new
 * route with a body is covered as soon as it is documented.
 *
 * /api/mcp speaks JSON-RPC (MCP's Streamable HTTP transport): it refuses the same bodies, with the same
 * limits, but answers the protocol's way — HTTP 400 with a JSON-RPC error without an id, -32700 for a body
 * that is not (readable) JSON, -32600 for JSON that is not a JSON-RPC message; 413 for one too large.
 */
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { mcpJsonRpcErrorSchema } from "@/lib/contracts/mcp";
import { createOpenApiDocument } from "@/lib/http/openapi";
import type { RouteHandler } from "@/lib/http";
import { BASE_URL, expectNoLeak, routeContext } from "./helpers";
import { apiRouteFiles } from "./route-files";
import { POST as createWebhook } from "@/app/api/workflows/[id]/webhooks/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { call, echoDefinition, newActor, type Actor } from "./rest-fixtures";

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  method: string;
  path: string;
  schema: Schema;
  handler: RouteHandler;
  /** Its body is a JSON-RPC message (/api/mcp): refusals are JSON-RPC errors. */
  jsonRpc: boolean;
}

const document = createOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  let current = schema;
  for (let i = 0; current.$ref && i < 10; i++) current = document.components.schemas[current.$ref.split("/").pop()!]!;
  return current;
}

/** A value of a type the schema does not accept. */
function wrongValueFor(schema: Schema): unknown {
  const s = resolve(schema);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.includes("string")) return 12345;
  if (types.includes("number") || types.includes("integer") || types.includes("boolean")) return "not a number";
  if (types.includes("array")) return { not: "an array" };
  if (types.includes("object")) return "not an object";
  return undefined;
}

const SAMPLE_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
const DEPTH = 5000;

async function operationsWithBodies(): Promise<Operation[]> {
  const files = new Map(apiRouteFiles().map((f) => [f.path, f]));
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const schema = op.requestBody?.content["application/json"]?.schema;
      if (!schema) continue;
      const file = files.get(path);
      if (!file) throw new Error(`no route file for ${path}`);
      const handler = (await file.module())[method.toUpperCase() as "POST"];
      if (!handler) throw new Error(`${path} has no ${method} handler`);
      const jsonRpc = schema.$ref === "#/components/schemas/McpJsonRpcMessage";
      operations.push({ method: method.toUpperCase(), path, schema, handler, jsonRpc });
    }
  }
  return operations;
}

let actor: Actor;
let operations: Operation[];
/** A real hook's token: POST /api/hooks/{token} reads the body only once the token names a hook. */
let hookToken: string;

beforeAll(async () => {
  actor = await newActor();
  operations = await operationsWithBodies();
  const workflow = await call(createWorkflow, "/api/workflows", {
    method: "POST",
    body: echoDefinition(),
    auth: actor,
  });
  const id = workflow.json.workflow.id as string;
  const hook = await call(createWebhook, "/x", { method: "POST", body: {}, auth: actor, params: { id } });
  expect(hook.status, hook.text).toBe(201);
  hookToken = String(hook.json.webhook.path).split("/").pop()!;
}, 60_000);

const PARAMS: Record<string, () => string> = { version: () => "1", token: () => hookToken };

/** A body schema that takes any JSON value (a webhook's): arrays, strings, numbers and null are bodies too. */
function takesAnyJson(op: Operation): boolean {
  const s = resolve(op.schema);
  return !s.type && !s.properties && !s.anyOf && !s.oneOf;
}

async function post(op: Operation, body: BodyInit, contentType = "application/json") {
  const params = Object.fromEntries(
    [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, PARAMS[m[1]!]?.() ?? SAMPLE_ID]),
  );
  const request = new Request(`${BASE_URL}${op.path}`, {
    method: op.method,
    body,
    headers: {
      "content-type": contentType,
      authorization: `Bearer ${actor.apiKey}`,
      // What an MCP client sends (the transport refuses a POST without it, 406).
      ...(op.jsonRpc ? { accept: "application/json, text/event-stream" } : {}),
    },
  });
  const response = await op.handler(request, routeContext(params));
  const text = await response.text();
  expectNoLeak(text);
  return { status: response.status, text, json: text ? JSON.parse(text) : null };
}

function expectRefused(
  result: { status: number; json: { error?: { code: string; issues?: { path: string; message: string }[] } } },
  label: string,
) {
  expect(result.status, label).toBeGreaterThanOrEqual(400);
  expect(result.status, label).toBeLessThan(500);
  expect(result.json?.error?.code, label).toMatch(/^[a-z_]+:[a-z_]+$/);
  if (result.status === 413) return;
  expect(result.json?.error?.issues?.length, `${label}: names the fields at fault`).toBeGreaterThan(0);
  for (const issue of result.json!.error!.issues!) {
    expect(typeof issue.path, label).toBe("string");
    expect(issue.message, label).toBeTruthy();
  }
}

const TOO_LARGE = -32000;

/** A JSON-RPC refusal: the HTTP status, a JSON-RPC error object without an id, and the error code. */
function expectRpcRefused(
  result: { status: number; text: string; json: unknown },
  label: string,
  expected: { status: number; code: number },
) {
  expect(result.status, `${label}: ${result.text.slice(0, 300)}`).toBe(expected.status);
  const parsed = mcpJsonRpcErrorSchema.safeParse(result.json);
  expect(parsed.success, `${label}: a JSON-RPC error (${result.text.slice(0, 300)})`).toBe(true);
  expect(parsed.data?.error.code, label).toBe(expected.code);
}

const invalidRequest = { status: 400, code: ErrorCode.InvalidRequest };
const parseError = { status: 400, code: ErrorCode.ParseError };

describe("malformed bodies", () => {
  it("covers every documented route with a body", () => {
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        "POST /api/workflows",
        "PUT /api/workflows/{id}",
        "POST /api/executions",
        "POST /api/chat",
        "PATCH /api/conversations/{id}",
      ]),
    );
    expect(operations.length).toBeGreaterThanOrEqual(17);
    expect(operations.filter((o) => o.jsonRpc).map((o) => `${o.method} ${o.path}`)).toEqual(["POST /api/mcp"]);
  });

  it("refuses fields of the wrong type, naming them", async () => {
    for (const op of operations) {
      const schema = resolve(op.schema);
      const variants = schema.anyOf ?? schema.oneOf;
      const properties = variants ? { type: { type: "string" } as Schema } : (schema.properties ?? {});
      const body: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        const wrong = wrongValueFor(property);
        if (wrong !== undefined) body[name] = wrong;
      }
      if (Object.keys(body).length === 0) continue;
      const result = await post(op, JSON.stringify(body));
      const label = `${op.method} ${op.path} with ${JSON.stringify(body)}`;
      if (op.jsonRpc) {
        expectRpcRefused(result, label, invalidRequest);
        continue;
      }
      expectRefused(result, label);
      expect(result.status, label).toBe(422);
      const paths: string[] = result.json.error.issues.map((i: { path: string }) => i.path.split(".")[0]);
      expect(
        paths.some((p) => p in body),
        `${label}: ${result.text}`,
      ).toBe(true);
    }
  });

  it("refuses missing required fields, naming them", async () => {
    for (const op of operations) {
      const schema = resolve(op.schema);
      const required = schema.required ?? (schema.anyOf || schema.oneOf ? ["type"] : []);
      if (required.length === 0) continue;
      const result = await post(op, "{}");
      const label = `${op.method} ${op.path} with {}`;
      if (op.jsonRpc) {
        expectRpcRefused(result, label, invalidRequest);
        continue;
      }
      expectRefused(result, label);
      const paths: string[] = result.json.error.issues.map((i: { path: string }) => i.path);
      expect(
        paths.some((p) => required.includes(p.split(".")[0]!)),
        `${label}: ${result.text}`,
      ).toBe(true);
    }
  });

  it("refuses huge strings: in a field (a length limit) and as an extra field (unknown, or the size cap)", async () => {
    for (const op of operations) {
      const schema = resolve(op.schema);
      const stringField = Object.entries(schema.properties ?? {}).find(([, p]) => resolve(p).type === "string")?.[0];
      const big = "x".repeat(600_000);
      const hugeField = stringField ? await post(op, JSON.stringify({ [stringField]: big })) : undefined;
      const huge = await post(op, JSON.stringify({ type: "CUSTOM", extra: "y".repeat(9 * 1024 * 1024) }));
      const label = `${op.method} ${op.path} huge`;
      if (op.jsonRpc) {
        if (hugeField) expectRpcRefused(hugeField, `${label} ${stringField}`, invalidRequest);
        expectRpcRefused(huge, `${label} extra field`, { status: 413, code: TOO_LARGE });
        continue;
      }
      if (hugeField) expectRefused(hugeField, `${label} ${stringField}`);
      expectRefused(huge, `${label} extra field`);
    }
  });

  it("refuses deeply nested JSON before parsing it into anything", async () => {
    const nested = `{"definition":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)},"name":${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}}`;
    for (const op of operations) {
      const result = await post(op, nested);
      if (op.jsonRpc) {
        expectRpcRefused(result, `${op.method} ${op.path} nested`, parseError);
        expect((result.json as { error: { message: string } }).error.message).toMatch(/deeper than 64 levels/);
        continue;
      }
      expectRefused(result, `${op.method} ${op.path} nested`);
      // Routes with a small body cap refuse it by size first.
      if (result.status !== 413)
        expect(result.json.error.message, `${op.method} ${op.path}`).toMatch(/deeper than 64 levels/);
    }
  });

  it("refuses invalid UTF-8, malformed JSON, empty bodies and bodies that are not objects", async () => {
    // `rpc`: what the JSON-RPC endpoint answers (not JSON: a parse error; JSON but not a message: invalid).
    const notJson = [
      { label: "invalid UTF-8", body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
      { label: "truncated JSON", body: '{"name": "a",' },
      { label: "not JSON", body: "name=a&b=c" },
    ].map((c) => ({ ...c, rpc: parseError }));
    const notObjects = [
      { label: "an array", body: "[1, 2, 3]" },
      { label: "an empty array", body: "[]" },
      { label: "a string", body: '"just text"' },
      { label: "null", body: "null" },
      { label: "a number", body: "42" },
    ].map((c) => ({ ...c, rpc: invalidRequest }));
    for (const op of operations) {
      // A route that takes any JSON value is checked with bodies that are not JSON only.
      const cases = takesAnyJson(op) ? notJson : [...notJson, ...notObjects];
      for (const { label, body, rpc } of cases) {
        const result = await post(op, body);
        if (op.jsonRpc) {
          expectRpcRefused(result, `${op.method} ${op.path}: ${label}`, rpc);
          continue;
        }
        // An empty-bodied optional route may accept `{}` but nothing here is `{}`.
        expectRefused(result, `${op.method} ${op.path}: ${label}`);
      }
    }
  });

  it("refuses a malformed multipart upload", async () => {
    const upload = operations.find((o) => o.path === "/api/knowledge-bases/{id}/documents")!;
    const result = await post(upload, "--x\r\ngarbage", "multipart/form-data; boundary=x");
    expectRefused(result, "multipart");
    expect(result.status).toBe(400);
  });
});
