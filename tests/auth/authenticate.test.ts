import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { Auth } from "@auth/core";
import { authenticate, authenticateOptional } from "@/lib/auth/authenticate";
import { hashApiKey, issueApiKey, revokeApiKey, verifyApiKey, VERIFIED_KEY_TTL_MS } from "@/lib/auth/api-keys";
import { revokeApiKey as revokeApiKeyRow } from "@/lib/db/queries/api-keys";
import { buildAuthConfig } from "@/lib/auth/config";
import { createSessionCookie } from "@/lib/auth/session-token";
import { apiKeys, users } from "@/lib/db/schema";
import type { AppError } from "@/lib/errors";
import { testDb } from "../helpers/db";
import { apiRequest, signUp } from "../api/helpers";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error("expected a rejection");
}

describe("authenticate", () => {
  it("accepts an API key as a Bearer credential and says so", async () => {
    const { user } = await signUp();
    const { key, secret } = await issueApiKey({ ownerId: user.id, name: "k" });
    const caller = await authenticate(apiRequest("/api/x", { apiKey: secret }));
    expect(caller).toEqual({ id: user.id, email: user.email, name: user.name, via: "api_key", apiKeyId: key.id });
  });

  it("stores only the key's SHA-256 and a 12-character prefix", async () => {
    const { user } = await signUp();
    const { key, secret } = await issueApiKey({ ownerId: user.id, name: "k" });
    const { db } = await testDb();
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row?.keyHash).toBe(hashApiKey(secret));
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("accepts the session cookie", async () => {
    const { user, cookie } = await signUp();
    expect(await authenticate(apiRequest("/api/x", { cookie }))).toMatchObject({ id: user.id, via: "session" });
  });

  it("never falls back to the cookie when a bad key is presented", async () => {
    const { cookie } = await signUp();
    const error = await failure(authenticate(apiRequest("/api/x", { cookie, apiKey: `lat_${"B".repeat(43)}` })));
    expect(error.code).toBe("unauthorized:api_key");
    expect(error.status).toBe(401);
  });

  it("answers 401 unauthorized:auth when nothing is presented, and null from the optional form", async () => {
    const error = await failure(authenticate(apiRequest("/api/x")));
    expect(error.code).toBe("unauthorized:auth");
    expect(await authenticateOptional(apiRequest("/api/x"))).toBeNull();
  });

  it("ignores a session cookie signed with another secret or tampered with", async () => {
    const { cookie } = await signUp();
    const [name, value] = cookie.split("=") as [string, string];
    const tampered = `${name}=${value.slice(0, -4)}${value.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    expect(await authenticateOptional(apiRequest("/api/x", { cookie: tampered }))).toBeNull();
  });

  it("drops the session of a deleted account", async () => {
    const { user, cookie } = await signUp();
    const { db } = await testDb();
    await db.delete(users).where(eq(users.id, user.id));
    expect(await authenticateOptional(apiRequest("/api/x", { cookie }))).toBeNull();
  });

  it("records a key's last use at most once a minute", async () => {
    const { user } = await signUp();
    const { key, secret } = await issueApiKey({ ownerId: user.id, name: "k" });
    const { db } = await testDb();
    const lastUsed = async () => (await db.select().from(apiKeys).where(eq(apiKeys.id, key.id)))[0]!.lastUsedAt;

    await verifyApiKey(secret);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await verifyApiKey(secret);
    expect((await lastUsed())?.getTime()).toBe(first!.getTime());

    // Two minutes later (the verified key has left the cache by then): recorded again.
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await db.update(apiKeys).set({ lastUsedAt: twoMinutesAgo }).where(eq(apiKeys.id, key.id));
    const realNow = Date.now();
    const clock = vi.spyOn(Date, "now").mockImplementation(() => realNow + VERIFIED_KEY_TTL_MS + 1_000);
    try {
      await verifyApiKey(secret);
    } finally {
      clock.mockRestore();
    }
    expect((await lastUsed())!.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60_000);
  });

  it("stops accepting a revoked key at once, on this instance and on the others", async () => {
    const { user } = await signUp();
    const here = await issueApiKey({ ownerId: user.id, name: "revoked here" });
    expect(await verifyApiKey(here.secret)).not.toBeNull();
    expect(await revokeApiKey({ id: here.key.id, ownerId: user.id })).toBe(true);
    expect(await verifyApiKey(here.secret)).toBeNull();

    // Revoked by another instance: this one only hears the revoking statement's NOTIFY.
    const elsewhere = await issueApiKey({ ownerId: user.id, name: "revoked elsewhere" });
    expect(await verifyApiKey(elsewhere.secret)).not.toBeNull();
    expect(await revokeApiKeyRow({ id: elsewhere.key.id, ownerId: user.id })).toBe(true);
    await expect.poll(() => verifyApiKey(elsewhere.secret), { timeout: 2_000 }).toBeNull();
  });
});

describe("session cookies and next-auth", () => {
  it("next-auth accepts the cookie signup issues, and exposes user.id in the session", async () => {
    const { user, cookie } = await signUp();
    const config = { ...(await buildAuthConfig()), basePath: "/api/auth" };
    const response = await Auth(new Request("http://localhost:3000/api/auth/session", { headers: { cookie } }), config);
    expect(response.status).toBe(200);
    const session = (await response.json()) as { user?: { id?: string; email?: string } };
    expect(session.user).toMatchObject({ id: user.id, email: user.email });
  });

  it("a cookie from next-auth's own credentials sign-in authenticates API calls", async () => {
    const { user, password } = await signUp();
    const config = { ...(await buildAuthConfig()), basePath: "/api/auth" };
    const csrf = await Auth(new Request("http://localhost:3000/api/auth/csrf"), config);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");

    const signIn = await Auth(
      new Request("http://localhost:3000/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ csrfToken, email: user.email, password, callbackUrl: "/workflows" }),
      }),
      config,
    );
    expect(signIn.status).toBe(302);
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
    expect(session).toBeDefined();
    const caller = await authenticate(apiRequest("/api/x", { cookie: session!.split(";")[0] }));
    expect(caller).toMatchObject({ id: user.id, email: user.email, via: "session" });
  });

  it("next-auth refuses a wrong password with the generic credentials error", async () => {
    const { user } = await signUp();
    const config = { ...(await buildAuthConfig()), basePath: "/api/auth" };
    const csrf = await Auth(new Request("http://localhost:3000/api/auth/csrf"), config);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const signIn = await Auth(
      new Request("http://localhost:3000/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ csrfToken, email: user.email, password: "wrong password" }),
      }),
      config,
    );
    expect(signIn.headers.get("location")).toMatch(/\/signin\?error=CredentialsSignin/);
    expect(signIn.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(false);
  });

  it("writes the __Secure- cookie for https and reads it back", async () => {
    const { user } = await signUp();
    const request = apiRequest("/api/x", { headers: { "x-forwarded-proto": "https" } });
    const setCookie = await createSessionCookie(request, { sub: user.id, email: user.email, name: user.name });
    expect(setCookie).toMatch(/^__Secure-authjs\.session-token=/);
    const caller = await authenticate(apiRequest("/api/x", { cookie: setCookie.split(";")[0] }));
    expect(caller.id).toBe(user.id);
  });
});
