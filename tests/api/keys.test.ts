import { describe, expect, it } from "vitest";
import { DELETE as deleteKey } from "@/app/api/keys/[id]/route";
import { GET as listKeys, POST as createKey } from "@/app/api/keys/route";
import { apiRequest, read, routeContext, signUp } from "./helpers";

type Auth = { cookie?: string; apiKey?: string };

const create = async (auth: Auth, body: unknown) =>
  read(await createKey(apiRequest("/api/keys", { method: "POST", body, ...auth }), routeContext()));
const list = async (auth: Auth) => read(await listKeys(apiRequest("/api/keys", auth), routeContext()));
const revoke = async (auth: Auth, id: string) =>
  read(await deleteKey(apiRequest(`/api/keys/${id}`, { method: "DELETE", ...auth }), routeContext({ id })));

describe("API keys endpoints", () => {
  it("creates a key whose secret is shown once and works as a Bearer credential", async () => {
    const { cookie } = await signUp();
    const created = await create({ cookie }, { name: "  CI  " });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^lat_[A-Za-z0-9_-]{43}$/);
    expect(created.json.key).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: "CI",
      prefix: created.json.secret.slice(0, 12),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastUsedAt: null,
      revokedAt: null,
    });

    const listed = await list({ apiKey: created.json.secret });
    expect(listed.status).toBe(200);
    expect(listed.json.keys).toHaveLength(1);
    expect(listed.json.keys[0].id).toBe(created.json.key.id);
    expect(listed.json.keys[0].lastUsedAt).not.toBeNull();
    expect(listed.text).not.toContain(created.json.secret);
    expect(listed.text).not.toMatch(/hash/i);
  });

  it("lists only the caller's own keys, newest first", async () => {
    const a = await signUp();
    const b = await signUp();
    await create({ cookie: a.cookie }, { name: "first" });
    await create({ cookie: a.cookie }, { name: "second" });
    await create({ cookie: b.cookie }, { name: "not yours" });
    const { json } = await list({ cookie: a.cookie });
    expect(json.keys.map((k: { name: string }) => k.name)).toEqual(["second", "first"]);
  });

  it("revokes a key: 204, it stops working at once, and the list shows when", async () => {
    const { cookie } = await signUp();
    const { json: created } = await create({ cookie }, { name: "temp" });
    expect((await list({ apiKey: created.secret })).status).toBe(200);

    const revoked = await revoke({ cookie }, created.key.id);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe("");

    const afterwards = await list({ apiKey: created.secret });
    expect(afterwards.status).toBe(401);
    expect(afterwards.json.error.code).toBe("unauthorized:api_key");

    const { json } = await list({ cookie });
    expect(json.keys[0].revokedAt).not.toBeNull();
    // Revoking again keeps the key revoked (idempotent) rather than failing.
    expect((await revoke({ cookie }, created.key.id)).status).toBe(204);
  });

  it("answers 404 for another user's key and for unknown ids, and leaves the key working", async () => {
    const owner = await signUp();
    const other = await signUp();
    const { json: created } = await create({ cookie: owner.cookie }, { name: "mine" });

    for (const id of [created.key.id, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "not-a-ulid", "' or 1=1 --"]) {
      const { status, json } = await revoke({ cookie: other.cookie }, id);
      expect(status).toBe(404);
      expect(json.error.code).toBe("not_found:api_key");
    }
    expect((await list({ apiKey: created.secret })).status).toBe(200);
  });

  it("lets a key manage keys (create and revoke) like the session does", async () => {
    const { cookie } = await signUp();
    const { json: first } = await create({ cookie }, { name: "admin" });
    const { status, json: second } = await create({ apiKey: first.secret }, { name: "made by key" });
    expect(status).toBe(201);
    expect((await revoke({ apiKey: first.secret }, second.key.id)).status).toBe(204);
  });

  it("requires authentication: 401 unauthorized:auth with nothing presented", async () => {
    for (const result of [
      await list({}),
      await create({}, { name: "x" }),
      await revoke({}, "01ARZ3NDEKTSV4RRFFQ69G5FAV"),
    ]) {
      expect(result.status).toBe(401);
      expect(result.json.error.code).toBe("unauthorized:auth");
    }
  });

  it("answers 401 unauthorized:api_key for a wrong key, without falling back to the cookie", async () => {
    const { cookie } = await signUp();
    const wrongKeys = [`lat_${"A".repeat(43)}`, "lat_short", "not-a-key"];
    for (const apiKey of wrongKeys) {
      const { status, json } = await list({ cookie, apiKey });
      expect(status).toBe(401);
      expect(json.error.code).toBe("unauthorized:api_key");
    }
    const basic = await read(
      await listKeys(apiRequest("/api/keys", { cookie, headers: { authorization: "Basic dTpw" } }), routeContext()),
    );
    expect(basic.status).toBe(401);
    expect(basic.json.error.code).toBe("unauthorized:api_key");
  });

  it.each([
    ["a missing name", {}],
    ["an empty name", { name: "   " }],
    ["a name over 100 characters", { name: "k".repeat(101) }],
    ["a name of the wrong type", { name: 12 }],
  ])("answers 422 naming the field for %s", async (_case, body) => {
    const { cookie } = await signUp();
    const { status, json } = await create({ cookie }, body);
    expect(status).toBe(422);
    expect(json.error.issues[0].path).toBe("name");
  });

  it("refuses a cookie-authenticated change from another site", async () => {
    const { cookie } = await signUp();
    const response = await createKey(
      apiRequest("/api/keys", {
        method: "POST",
        body: { name: "csrf" },
        cookie,
        headers: { origin: "https://evil.example" },
      }),
      routeContext(),
    );
    const { status, json } = await read(response);
    expect(status).toBe(403);
    expect(json.error.code).toBe("forbidden:origin");
    expect((await list({ cookie })).json.keys).toHaveLength(0);
  });
});
