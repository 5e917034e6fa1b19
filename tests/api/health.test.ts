import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { DELETE as deleteKey } from "@/app/api/keys/[id]/route";
import { POST as createKey } from "@/app/api/keys/route";
import packageJson from "@/package.json";
import { apiRequest, read, routeContext, signUp } from "./helpers";

const get = async (options: { apiKey?: string; cookie?: string } = {}) =>
  read(await health(apiRequest("/api/health", options), routeContext()));

describe("GET /api/health", () => {
  it("is public and tells anonymous callers the status only: no version, database location or migration", async () => {
    const { status, json, text } = await get();
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ok" });
    expect(text).not.toMatch(/pglite|postgres|memory:|127\.0\.0\.1|5432|lattice_|\/tmp|\.data|000\d_/);
  });

  it("reports version, backend, the database and the applied migration to a signed-in caller", async () => {
    const { cookie } = await signUp();
    const { status, json } = await get({ cookie });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      status: "ok",
      version: packageJson.version,
      backend: process.env.DATABASE_URL ? "postgres" : "pglite",
      database: { location: expect.any(String), migration: { tag: expect.stringMatching(/^\d{4}_/), pending: 0 } },
    });
    expect(Date.parse(json.database.migration.writtenAt)).not.toBeNaN();
    // A postgres location never includes credentials.
    expect(json.database.location).not.toMatch(/@/);
  });

  it("names the caller of a valid key or session", async () => {
    const { cookie, user } = await signUp();
    const { json: created } = await read(
      await createKey(apiRequest("/api/keys", { method: "POST", body: { name: "h" }, cookie }), routeContext()),
    );
    expect((await get({ apiKey: created.secret })).json.user).toEqual({ id: user.id, email: user.email });
    expect((await get({ cookie })).json.user).toEqual({ id: user.id, email: user.email });
  });

  it("answers 401 for a wrong or revoked key instead of reporting an anonymous caller", async () => {
    const { cookie } = await signUp();
    const { json: created } = await read(
      await createKey(apiRequest("/api/keys", { method: "POST", body: { name: "h" }, cookie }), routeContext()),
    );
    await deleteKey(
      apiRequest(`/api/keys/${created.key.id}`, { method: "DELETE", cookie }),
      routeContext({ id: created.key.id }),
    );
    for (const apiKey of [created.secret, "lat_wrong"]) {
      const { status, json } = await get({ apiKey });
      expect(status).toBe(401);
      expect(json.error.code).toBe("unauthorized:api_key");
    }
  });

  it("treats a garbage session cookie as anonymous", async () => {
    const { status, json } = await get({ cookie: "authjs.session-token=not-a-jwt" });
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ok" });
  });
});
