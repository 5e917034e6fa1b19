/**
 * Its own file: vitest runs each file in a fresh process, so pointing this one at a dead database does not
 * disturb the others.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { resetEnvCache } from "@/lib/env";
import { apiRequest, read, routeContext } from "./helpers";

beforeAll(() => {
  // Nothing listens on port 1: the connection is refused at once.
  process.env.DATABASE_URL = "postgres://lattice:secret-password@127.0.0.1:1/lattice_missing";
  resetEnvCache();
});

describe("GET /api/health without a database", () => {
  it("answers 503 unavailable:database and keeps the cause in the server log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const { status, json, text } = await read(await health(apiRequest("/api/health"), routeContext()));
    expect(status).toBe(503);
    expect(json).toEqual({ error: { code: "unavailable:database", message: "The database is unavailable" } });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|secret-password|lattice_missing/);
    expect(log).toHaveBeenCalled();
  });
});
