import { describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/auth/config";
import { signUp, uniqueEmail } from "../api/helpers";

describe("email + password check", () => {
  it("accepts the right password, whatever the email's letter case", async () => {
    const { user, password } = await signUp();
    expect(await authorizeCredentials({ email: user.email.toUpperCase(), password })).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
    });
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const { user } = await signUp();
    expect(await authorizeCredentials({ email: user.email, password: "wrong password" })).toBeNull();
    expect(await authorizeCredentials({ email: uniqueEmail("nobody"), password: "whatever pw" })).toBeNull();
  });

  it("rejects malformed input without throwing", async () => {
    for (const input of [{}, { email: "a@b.co" }, { email: 1, password: 2 }, null, "x"]) {
      expect(await authorizeCredentials(input)).toBeNull();
    }
  });
});
