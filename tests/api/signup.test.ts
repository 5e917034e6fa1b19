import { describe, expect, it, vi } from "vitest";
import { POST as signupPost, GET as signupGet } from "@/app/api/signup/route";
import { SIGNUP_ACCEPTED_MESSAGE } from "@/lib/contracts/account";
import { authorizeCredentials } from "@/lib/auth/config";
import { getUserWithPasswordByEmail } from "@/lib/db/queries/users";
import { apiRequest, read, routeContext, signUp, uniqueEmail } from "./helpers";

const post = (body: unknown, headers: Record<string, string> = {}) =>
  signupPost(apiRequest("/api/signup", { method: "POST", body, headers }), routeContext());

describe("POST /api/signup", () => {
  it("creates the account and answers 202 without signing anyone in", async () => {
    const email = uniqueEmail("Signup").replace("signup", "SignUp");
    const response = await post({ email: `  ${email} `, password: "long enough pw", name: "  Grace  " });
    const { status, json } = await read(response);
    expect(status).toBe(202);
    expect(json).toEqual({ status: "accepted", email: email.toLowerCase(), message: SIGNUP_ACCEPTED_MESSAGE });
    // No session: the caller signs in next (the same answer as for a taken email allows nothing else).
    expect(response.headers.get("set-cookie")).toBeNull();

    const stored = await getUserWithPasswordByEmail({ email });
    expect(stored).toMatchObject({ email: email.toLowerCase(), name: "Grace" });
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(stored?.passwordHash).not.toContain("long enough pw");
    // The password chosen signs in.
    expect(await authorizeCredentials({ email, password: "long enough pw" })).toMatchObject({ id: stored!.id });
  });

  it("treats a missing or empty name as no name", async () => {
    for (const name of [undefined, "", "   ", null]) {
      const email = uniqueEmail();
      const { status } = await read(await post({ email, password: "long enough pw", name }));
      expect(status).toBe(202);
      expect((await getUserWithPasswordByEmail({ email }))?.name).toBeNull();
    }
  });

  it("answers a taken email, in any letter case, exactly as a new one, changes nothing and notifies the owner", async () => {
    const { user, password } = await signUp();
    const before = await getUserWithPasswordByEmail({ email: user.email });
    const log = vi.spyOn(console, "info").mockImplementation(() => {});
    const fresh = uniqueEmail();
    const taken = await post({ email: user.email.toUpperCase(), password: "another password", name: "Mallory" });
    const created = await post({ email: fresh, password: "another password", name: "Mallory" });
    const lines = log.mock.calls.map((args) => args.join(" "));
    log.mockRestore();

    // Same status, same headers that matter, same body but for the email the caller sent.
    expect(taken.status).toBe(created.status);
    expect(taken.headers.get("set-cookie")).toBe(created.headers.get("set-cookie"));
    const takenBody = (await read(taken)).json;
    const createdBody = (await read(created)).json;
    expect({ ...takenBody, email: "" }).toEqual({ ...createdBody, email: "" });
    expect(takenBody.email).toBe(user.email);

    // The existing account is untouched: same name, same password.
    expect(await getUserWithPasswordByEmail({ email: user.email })).toEqual(before);
    expect(await authorizeCredentials({ email: user.email, password })).toMatchObject({ id: user.id });
    expect(await authorizeCredentials({ email: user.email, password: "another password" })).toBeNull();

    // The owner's notice is a server log line naming the account's email, never the password tried.
    const notices = lines.filter((line) => line.includes(user.email));
    expect(notices).toEqual([expect.stringMatching(/^\[auth\] notice for the owner of the account/)]);
    expect(notices.join("\n")).not.toContain("another password");
    expect(lines.some((line) => line.includes(fresh))).toBe(false);
  });

  it("creates one account for two concurrent sign-ups of one email, and answers both alike", async () => {
    const email = uniqueEmail("race");
    const log = vi.spyOn(console, "info").mockImplementation(() => {});
    const responses = await Promise.all([
      post({ email, password: "long enough pw" }),
      post({ email, password: "long enough pw" }),
    ]);
    log.mockRestore();
    expect(responses.map((r) => r.status)).toEqual([202, 202]);
    for (const r of responses) await read(r);
    expect(await getUserWithPasswordByEmail({ email })).not.toBeNull();
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
