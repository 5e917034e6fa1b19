/**
 * Fuzz: at least 10,000 random and mutated workflow definitions and request bodies against the production
 * server — 0 server errors (5xx), no response that leaks internals, every error in the API's shape, and every
 * definition sent to the validator answered with a ValidationResult. Seeded (FUZZ_SEED, printed), so a
 * failure reproduces; the failing request is in the assertion message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { deepJson, hasUnstorableString, mutatedDefinition, prng, randomJson, type Json, type Random } from "./lib/fuzz";
import { approvalGraph, edge, expectErrorShape, expectNoLeak, graph, modelGraph, node, suiteServer } from "./lib/suite";

const { baseUrl } = suiteServer();
const SEED =
  process.env.FUZZ_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 424242);
const CONCURRENCY = 16;
const COUNTS = { validate: 7000, save: 1000, execute: 500, bodies: 1500 };

let user: HttpUser;
let bases: Array<{ nodes: Array<Record<string, Json>>; edges: Array<Record<string, Json>> }>;
let operations: Array<{ method: string; path: string }>;
const ids: Record<string, string> = {};

/** A valid graph with a conditional, a loop and a variable, to mutate from. */
const branching = graph(
  [
    node("start", "start"),
    node("vars", "variable", { assignments: [{ name: "n", value: 1 }] }),
    node("check", "conditional", { branches: [{ key: "big", expression: "variables.n > 0" }] }),
    node("loop", "loop", { maxIterations: 2 }),
    node("shape", "transform", { expression: "$uppercase(input.message)", target: "variable", variable: "up" }),
    node("answer", "model", { provider: "local", model: "echo", systemPrompt: "Hi {{variables.up}}" }),
    node("end", "end", { outputTemplate: "{{variables.up}}" }),
  ],
  [
    edge("start", "vars"),
    edge("vars", "check"),
    edge("check", "loop", "big"),
    edge("check", "answer", "default"),
    edge("loop", "shape", "body"),
    edge("shape", "loop"),
    edge("loop", "answer", "done"),
    edge("answer", "end"),
  ],
);

beforeAll(async () => {
  user = await signUpOverHttp(baseUrl, "fuzz");
  const templates = await callJson(baseUrl, "/api/templates", { apiKey: user.apiKey });
  const builtin = (templates.json.templates as Array<{ id: string }>).slice(0, 6);
  const full = await Promise.all(
    builtin.map((t) => callJson(baseUrl, `/api/templates/${t.id}`, { apiKey: user.apiKey })),
  );
  bases = [
    modelGraph(),
    branching,
    approvalGraph(),
    ...full.map((t) => t.json.template.definition ?? { nodes: t.json.template.nodes, edges: t.json.template.edges }),
  ].filter((b) => Array.isArray(b?.nodes)) as typeof bases;
  expect(bases.length).toBeGreaterThanOrEqual(4);

  // Real targets for path parameters, so bodies reach the handlers' parsing rather than a 404.
  const saved = await callJson(baseUrl, "/api/workflows", {
    method: "POST",
    apiKey: user.apiKey,
    body: { name: "Fuzz", description: "", ...modelGraph() },
  });
  ids.workflows = saved.json.workflow.id;
  ids.templates = builtin[0]!.id;
  const run = await callJson(baseUrl, "/api/executions", {
    method: "POST",
    apiKey: user.apiKey,
    body: { type: "CUSTOM", definition: approvalGraph(), input: { message: "x" } },
  });
  ids.executions = run.json.executionId;
  const kb = await callJson(baseUrl, "/api/knowledge-bases", {
    method: "POST",
    apiKey: user.apiKey,
    body: { name: "Fuzz kb" },
  });
  ids["knowledge-bases"] = kb.json.knowledgeBase.id;
  const chat = await request(baseUrl, "/api/chat", {
    method: "POST",
    apiKey: user.apiKey,
    body: { message: "hi" },
    headers: { accept: "text/event-stream" },
  });
  const chatText = await chat.text();
  ids.conversations = /"conversationId":"(\w+)"/.exec(chatText)?.[1] ?? "01ARZ3NDEKTSV4RRFFQ69G5FAV";

  const doc = await callJson(baseUrl, "/api/openapi.json");
  operations = Object.entries(doc.json.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(
    ([path, ops]) =>
      Object.entries(ops)
        .filter(
          ([method, op]) => op.requestBody !== undefined || (method === "post" && !path.startsWith("/api/signup")),
        )
        .map(([method]) => ({ method: method.toUpperCase(), path })),
  );
  expect(operations.length).toBeGreaterThan(10);
  console.log(
    `[fuzz] seed ${SEED}: ${Object.values(COUNTS).reduce((a, b) => a + b, 0)} requests over ${operations.length} operations with bodies`,
  );
});

/** A concrete URL for an operation: real ids mostly, junk sometimes. */
function urlFor(r: Random, path: string): string {
  const collection = /^\/api\/([\w-]+)\//.exec(path)?.[1] ?? "";
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (r.chance(0.1))
      return encodeURIComponent(
        String(r.pick(["x", "0", "../..", "%00", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "a".repeat(300)])),
      );
    if (name === "version") return String(r.pick([1, 1, 2, 0, -1, 99999]));
    if (name === "documentId") return "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    return ids[collection] ?? "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  });
}

interface Case {
  method: string;
  url: string;
  body: string;
  contentType?: string;
  /** A definition sent to the validator: the answer must be a ValidationResult. */
  expectValidation?: boolean;
}

function jsonDepth(value: Json, depth = 0): number {
  if (Array.isArray(value)) return Math.max(depth + 1, ...value.map((v) => jsonDepth(v, depth + 1)));
  if (value && typeof value === "object")
    return Math.max(depth + 1, ...Object.values(value).map((v) => jsonDepth(v, depth + 1)));
  return depth;
}

function* cases(r: Random): Generator<Case> {
  for (let i = 0; i < COUNTS.validate; i++) {
    const definition = r.chance(0.02) ? deepJson(40 + r.int(60)) : mutatedDefinition(r, bases as never);
    const body = { definition };
    const text = JSON.stringify(body);
    // Too deep, or text PostgreSQL cannot store (U+0000, a lone surrogate): a malformed request (400), not a definition.
    yield {
      method: "POST",
      url: "/api/workflows/validate",
      body: text,
      expectValidation: jsonDepth(body as Json) <= 64 && !hasUnstorableString(body as Json),
    };
  }
  for (let i = 0; i < COUNTS.save; i++) {
    const d = mutatedDefinition(r, bases as never);
    const body =
      d && typeof d === "object" && !Array.isArray(d)
        ? { name: r.chance(0.9) ? `Fuzz ${i}` : randomJson(r), description: "", ...d }
        : d;
    yield {
      method: r.chance(0.8) ? "POST" : "PUT",
      url: r.chance(0.8) ? "/api/workflows" : `/api/workflows/${ids.workflows}`,
      body: JSON.stringify(body),
    };
  }
  for (let i = 0; i < COUNTS.execute; i++) {
    const body = r.chance(0.8)
      ? {
          type: "CUSTOM",
          definition: mutatedDefinition(r, bases as never),
          input: { message: JSON.stringify(randomJson(r)).slice(0, 200) },
          options: { timeoutMs: 2000 },
        }
      : randomJson(r);
    yield { method: "POST", url: "/api/executions", body: JSON.stringify(body) };
  }
  for (let i = 0; i < COUNTS.bodies; i++) {
    const op = r.pick(operations);
    const kind = r.int(10);
    const body =
      kind === 0
        ? r.pick(["", "{", "[1,", "nul", '{"a":1}}', "\u0000", "{'single': 1}", '{"message": "\\ud800"}'])
        : kind === 1
          ? JSON.stringify(deepJson(60 + r.int(40)))
          : JSON.stringify(randomJson(r));
    yield {
      method: op.method,
      url: urlFor(r, op.path),
      body,
      ...(r.chance(0.05)
        ? { contentType: r.pick(["text/plain", "application/xml", "multipart/form-data; boundary=x"]) }
        : {}),
    };
  }
}

/** A JSON-RPC 2.0 error answer without an id (the MCP transport's refusal of a request it cannot read). */
function expectJsonRpcError(body: unknown, where: string) {
  const error = (body as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } }).error;
  expect((body as { jsonrpc?: unknown }).jsonrpc, `${where}: jsonrpc`).toBe("2.0");
  expect(Number.isInteger(error?.code), `${where}: JSON-RPC error code`).toBe(true);
  expect(typeof error?.message, `${where}: JSON-RPC error message`).toBe("string");
}

describe("fuzz: random and mutated definitions and request bodies", () => {
  it("never answers with a server error, and every definition gets a ValidationResult", async () => {
    const r = prng(SEED);
    const iterator = cases(r);
    let sent = 0;
    let validations = 0;
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    const worker = async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const c = next.value;
        const where = `${c.method} ${c.url} ${c.body.slice(0, 300)}`;
        sent += 1;
        let status = 0;
        let text = "";
        let contentType = "";
        try {
          const response = await request(baseUrl, c.url, {
            method: c.method,
            apiKey: user.apiKey,
            body: c.body,
            headers: { "content-type": c.contentType ?? "application/json" },
          });
          status = response.status;
          contentType = response.headers.get("content-type") ?? "";
          // A body that happens to be a valid chat or streamed run answers a stream: its status says enough.
          if (contentType.includes("text/event-stream")) await response.body?.cancel();
          else text = await response.text();
        } catch (error) {
          failures.push(`${where}\n  → no answer: ${String(error)}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${where}\n  → ${status} ${text.slice(0, 300)}`);
        try {
          expectNoLeak(text, where);
          if (status >= 400) {
            const body = JSON.parse(text);
            // The MCP endpoint speaks JSON-RPC past authentication: a refused body is a JSON-RPC error.
            if (c.url === "/api/mcp" && status !== 401 && status !== 403) expectJsonRpcError(body, where);
            else expectErrorShape(body, where);
          }
          if (c.expectValidation) {
            expect(status, `${where}: validator status`).toBe(200);
            const v = JSON.parse(text).validation;
            expect(typeof v?.isValid, `${where}: isValid`).toBe("boolean");
            expect(Array.isArray(v.errors) && Array.isArray(v.warnings), `${where}: errors/warnings`).toBe(true);
            for (const issue of [...v.errors, ...v.warnings]) {
              expect(
                typeof issue.code === "string" && typeof issue.message === "string",
                `${where}: issue ${JSON.stringify(issue)}`,
              ).toBe(true);
            }
            expect(v.isValid, `${where}: isValid with errors`).toBe(v.errors.length === 0);
            validations += 1;
          }
        } catch (error) {
          failures.push(String(error).slice(0, 600));
        }
        if (failures.length > 20) return;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `[fuzz] seed ${SEED}: ${sent} requests, ${validations} validation results; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(failures, failures.slice(0, 5).join("\n\n")).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(validations).toBeGreaterThan(6500);

    // Still healthy afterwards.
    const health = await callJson(baseUrl, "/api/health");
    expect(health.status).toBe(200);
  });
});
