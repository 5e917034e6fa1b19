import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fetchJson } from "@/lib/api-client/fetch-json";
import { AppError } from "@/lib/errors";

// A real HTTP server with canned routes: the client is tested against actual responses, not a stubbed fetch.
let server: http.Server;
let base = "";
const seen: Array<{ method?: string; contentType?: string; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method, contentType: req.headers["content-type"], body });
      const send = (status: number, payload?: unknown, type = "application/json") => {
        res.writeHead(status, payload === undefined ? {} : { "content-type": type });
        res.end(payload === undefined ? undefined : typeof payload === "string" ? payload : JSON.stringify(payload));
      };
      switch (req.url) {
        case "/ok":
          return send(200, { keys: [{ id: "k1" }] });
        case "/created":
          return send(201, { echo: JSON.parse(body || "null") });
        case "/gone":
          return send(204);
        case "/invalid":
          return send(422, {
            error: {
              code: "validation:api_key",
              message: "Name is required",
              issues: [{ path: "name", message: "Required" }],
            },
          });
        case "/proxy-down":
          return send(502, "<html>Bad gateway</html>", "text/html");
        case "/wrong-shape":
          return send(200, { keys: "not a list" });
        default:
          return send(404, { error: { code: "not_found:route", message: "No such route" } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const keysSchema = z.object({ keys: z.array(z.object({ id: z.string() })) });

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("fetchJson", () => {
  it("returns the body parsed by the schema", async () => {
    await expect(fetchJson(`${base}/ok`, { schema: keysSchema })).resolves.toEqual({ keys: [{ id: "k1" }] });
  });

  it("sends a JSON body with its content type", async () => {
    const schema = z.object({ echo: z.object({ name: z.string() }) });
    const result = await fetchJson(`${base}/created`, { method: "POST", body: { name: "ci" }, schema });
    expect(result.echo.name).toBe("ci");
    expect(seen.at(-1)).toMatchObject({ method: "POST", contentType: "application/json" });
  });

  it("accepts an empty 204 when no schema is expected", async () => {
    await expect(fetchJson(`${base}/gone`, { method: "DELETE", schema: null })).resolves.toBeUndefined();
  });

  it("rebuilds the server's error, with its code, status and field issues", async () => {
    const error = await caught(fetchJson(`${base}/invalid`, { method: "POST", body: {}, schema: keysSchema }));
    expect(error.code).toBe("validation:api_key");
    expect(error.status).toBe(422);
    expect(error.message).toBe("Name is required");
    expect(error.issues).toEqual([{ path: "name", message: "Required" }]);
  });

  it("maps a failure without our error body to a status-based error", async () => {
    const error = await caught(fetchJson(`${base}/proxy-down`, { schema: keysSchema }));
    expect(error.code).toBe("unavailable:api");
    expect(error.message).toContain("502");
  });

  it("refuses a success body that breaks the contract", async () => {
    const error = await caught(fetchJson(`${base}/wrong-shape`, { schema: keysSchema }));
    expect(error.code).toBe("internal:api");
  });

  it("reports an unreachable server as a network error", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await caught(fetchJson(`http://127.0.0.1:${port}/ok`, { schema: keysSchema }));
    expect(error.code).toBe("unavailable:network");
  });
});
