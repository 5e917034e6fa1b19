import { describe, expect, it } from "vitest";
import { POST as signupPost, GET as signupGet } from "@/app/api/signup/route";
import { readSessionUserId } from "@/lib/auth/session-token";
import { getUserWithPasswordByEmail } from "@/lib/db/queries/users";
import { apiRequest, read, routeContext, signUp, uniqueEmail } from "./helpers";

const post = (body: unknown, headers: Record<string, string> = {}) =>
  signupPost(apiRequest("/api/signup", { method: "POST", body, headers }), routeContext());

describe("POST /api/signup", () => {
  it("creates the account, answers 201 with the user and signs it in with a session cookie", async () => {
    const email = uniqueEmail("Signup").replace("signup", "SignUp");
    const response = await post({ email: `  ${email} `, password: "long enough pw", name: "  Grace  " });
    const setCookie = response.headers.get("set-cookie");
    const { status, json } = await read(response);
    expect(status).toBe(201);
    expect(json.user).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      email: email.toLowerCase(),
      name: "Grace",
    });
    expect(json.user.password).toBeUndefined();

    expect(setCookie).toMatch(/^authjs\.session-token=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie!.split(";")[0]!;
    expect(await readSessionUserId(apiRequest("/api/x", { cookie }))).toBe(json.user.id);

    const stored = await getUserWithPasswordByEmail({ email });
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(stored?.passwordHash).not.toContain("long enough pw");
  });

  it("uses the __Secure- cookie behind https", async () => {
    const response = await post({ email: uniqueEmail(), password: "long enough pw" }, { "x-forwarded-proto": "https" });
    expect(response.status).toBe(201);
    expect(response.headers.get("set-cookie")).toMatch(/^__Secure-authjs\.session-token=.*; Secure$/);
  });

  it("treats a missing or empty name as no name", async () => {
    for (const name of [undefined, "", "   ", null]) {
      const { status, json } = await read(await post({ email: uniqueEmail(), password: "long enough pw", name }));
      expect(status).toBe(201);
      expect(json.user.name).toBeNull();
    }
  });

  it("refuses a second account for the same email, in any letter case, with 409 conflict:email", async () => {
    const { user } = await signUp();
    const { status, json } = await read(await post({ email: user.email.toUpperCase(), password: "another password" }));
    expect(status).toBe(409);
    expect(json.error.code).toBe("conflict:email");
    expect(json.error.issues).toEqual([{ path: "email", message: expect.any(String) }]);
  });

  it("lets exactly one of two concurrent signups for one email win", async () => {
    const email = uniqueEmail("race");
    const responses = await Promise.all([
      post({ email, password: "long enough pw" }),
      post({ email, password: "long enough pw" }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    for (const r of responses) await read(r);
  });

  it.each([
    ["missing fields", {}, ["email", "password"]],
    ["a missing password", { email: "a@b.co" }, ["password"]],
    ["wrong types", { email: 42, password: ["x"], name: 7 }, ["email", "name", "password"]],
    ["a malformed email", { email: "not-an-email", password: "long enough pw" }, ["email"]],
    ["a short password", { email: "a@b.co", password: "short" }, ["password"]],
    ["a too long password", { email: "a@b.co", password: "x".repeat(201) }, ["password"]],
    ["a too long name", { email: "a@b.co", password: "long enough pw", name: "n".repeat(101) }, ["name"]],
  ])("answers 422 naming the fields for %s", async (_case, body, fields) => {
    const { status, json } = await read(await post(body));
    expect(status).toBe(422);
    expect(json.error.code).toBe("validation:body");
    const paths = [...new Set(json.error.issues.map((i: { path: string }) => i.path))].sort();
    expect(paths).toEqual(fields);
    for (const issue of json.error.issues) expect(issue.message.length).toBeGreaterThan(3);
  });

  it("says which field is required in plain words", async () => {
    for (const email of [undefined, "", "   "]) {
      const { json } = await read(await post({ email, password: "long enough pw" }));
      expect(json.error.issues).toEqual([expect.objectContaining({ path: "email", message: "Email is required" })]);
    }
  });

  it("answers 400 bad_request:json for a body that is not JSON", async () => {
    const { status, json } = await read(await post('{"email": "a@b.co", "password": '));
    expect(status).toBe(400);
    expect(json.error.code).toBe("bad_request:json");
  });

  it("answers 413 for an oversized body", async () => {
    const { status, json } = await read(
      await post({ email: uniqueEmail(), password: "long enough pw", name: "x".repeat(64 * 1024) }),
    );
    expect(status).toBe(413);
    expect(json.error.code).toBe("payload_too_large:body");
  });

  it("answers 405 JSON for other methods", async () => {
    const response = await signupGet(apiRequest("/api/signup"), routeContext());
    expect(response.headers.get("allow")).toBe("POST");
    expect((await read(response)).status).toBe(405);
  });
});
