import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { GET as unknownGet, POST as unknownPost, DELETE as unknownDelete } from "@/app/api/[...path]/route";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, readJson } from "@/lib/http";
import { apiRequest, read, routeContext } from "./helpers";

const bodySchema = z.object({ name: z.string().min(1), count: z.number().int().max(10).optional() });

/** A route that echoes its validated body, like every real handler does. */
const echo = apiRoute(async (request) => json({ received: await readJson(request, bodySchema, { maxBytes: 64 }) }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("apiRoute", () => {
  it("answers an AppError with its status and JSON body", async () => {
    const route = apiRoute(async () => {
      throw new AppError("conflict:thing", "Already there", { issues: [{ path: "name", message: "taken" }] });
    });
    const { status, json, headers } = await read(await route(apiRequest("/api/x"), routeContext()));
    expect(status).toBe(409);
    expect(json).toEqual({
      error: { code: "conflict:thing", message: "Already there", issues: [{ path: "name", message: "taken" }] },
    });
    expect(headers.get("x-request-id")).toBeTruthy();
  });

  it("hides any other error behind a generic 500 with a request id, and logs the real one", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const route = apiRoute(async () => {
      throw new Error(
        'Failed query: select * from "users" where password_hash = $1\n    at PgSession.query (node_modules/x.js:1:1)',
      );
    });
    const response = await route(apiRequest("/api/x", { headers: { "x-request-id": "req-123" } }), routeContext());
    const { status, json } = await read(response);
    expect(status).toBe(500);
    expect(json).toEqual({
      error: { code: "internal:server", message: "Internal server error", requestId: "req-123" },
    });
    expect(log).toHaveBeenCalled();
    expect(String(log.mock.calls[0]?.[0])).toContain("req-123");
  });

  it("does not echo an unsafe request id", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const route = apiRoute(async () => {
      throw new Error("boom");
    });
    const { json } = await read(
      await route(apiRequest("/api/x", { headers: { "x-request-id": "<script>" } }), routeContext()),
    );
    expect(json.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("asks for a Bearer credential on 401", async () => {
    const route = apiRoute(async () => {
      throw new AppError("unauthorized:auth", "Sign in");
    });
    const response = await route(apiRequest("/api/x"), routeContext());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("readJson", () => {
  it("returns the validated body", async () => {
    const { status, json } = await read(
      await echo(apiRequest("/api/x", { method: "POST", body: { name: "a", count: 2 } }), routeContext()),
    );
    expect(status).toBe(200);
    expect(json.received).toEqual({ name: "a", count: 2 });
  });

  it("names every invalid field in a 422", async () => {
    const { status, json } = await read(
      await echo(apiRequest("/api/x", { method: "POST", body: { name: 5, count: 11 } }), routeContext()),
    );
    expect(status).toBe(422);
    expect(json.error.code).toBe("validation:body");
    expect(json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["count", "name"]);
  });

  it("validates with a schema's async refinement too", async () => {
    const taken = new Set(["taken"]);
    const asyncSchema = z.object({
      name: z.string().refine(async (name) => !taken.has(await Promise.resolve(name)), "is taken"),
    });
    const route = apiRoute(async (request) => json({ received: await readJson(request, asyncSchema) }));
    const ok = await read(
      await route(apiRequest("/api/x", { method: "POST", body: { name: "free" } }), routeContext()),
    );
    expect(ok.status).toBe(200);
    expect(ok.json.received).toEqual({ name: "free" });
    const refused = await read(
      await route(apiRequest("/api/x", { method: "POST", body: { name: "taken" } }), routeContext()),
    );
    expect(refused.status).toBe(422);
    expect(refused.json.error.issues).toEqual([{ path: "name", code: "custom", message: "is taken" }]);
  });

  it("reports a body that is not an object at (body)", async () => {
    const { status, json } = await read(
      await echo(apiRequest("/api/x", { method: "POST", body: [1, 2] }), routeContext()),
    );
    expect(status).toBe(422);
    expect(json.error.issues[0].path).toBe("(body)");
  });

  it("rejects malformed JSON, an empty body and invalid UTF-8 with 400", async () => {
    for (const body of ['{"name": "a",', "", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]) {
      const { status, json } = await read(await echo(apiRequest("/api/x", { method: "POST", body }), routeContext()));
      expect(status).toBe(400);
      expect(json.error.code).toBe("bad_request:json");
    }
  });

  it("refuses an oversized body by its Content-Length", async () => {
    const body = JSON.stringify({ name: "x".repeat(100) });
    const request = apiRequest("/api/x", {
      method: "POST",
      body,
      headers: { "content-length": String(new TextEncoder().encode(body).byteLength) },
    });
    const { status, json } = await read(await echo(request, routeContext()));
    expect(status).toBe(413);
    expect(json.error.code).toBe("payload_too_large:body");
  });

  it("stops reading a streamed body without Content-Length once it passes the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) return controller.close(); // an endless body, as far as the reader should care
        controller.enqueue(new TextEncoder().encode(`{"name":"${"y".repeat(40)}`));
      },
    });
    const { status } = await read(await echo(apiRequest("/api/x", { method: "POST", body: stream }), routeContext()));
    expect(status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

describe("methodNotAllowed and unknown routes", () => {
  it("answers 405 with an Allow header", async () => {
    const response = await methodNotAllowed(["GET", "POST"])(apiRequest("/api/x", { method: "PUT" }), routeContext());
    expect(response.headers.get("allow")).toBe("GET, POST");
    const { status, json } = await read(response);
    expect(status).toBe(405);
    expect(json.error.code).toBe("method_not_allowed:route");
  });

  it("answers 404 JSON for an unknown /api path, whatever the method", async () => {
    for (const [method, handler] of [
      ["GET", unknownGet],
      ["POST", unknownPost],
      ["DELETE", unknownDelete],
    ] as const) {
      const { status, json } = await read(
        await handler(apiRequest("/api/nope/deeper", { method }), routeContext({ path: ["nope", "deeper"] })),
      );
      expect(status).toBe(404);
      expect(json.error.code).toBe("not_found:route");
    }
  });
});
