import { afterEach, describe, expect, it } from "vitest";
import { buildAuthConfig, githubConfigured } from "@/lib/auth/config";
import { resetEnvCache } from "@/lib/env";

function providerIds(providers: Awaited<ReturnType<typeof buildAuthConfig>>["providers"]): string[] {
  return providers.map((p) => (typeof p === "function" ? p() : p).id);
}

afterEach(() => {
  delete process.env.AUTH_GITHUB_ID;
  delete process.env.AUTH_GITHUB_SECRET;
  resetEnvCache();
});

describe("auth configuration", () => {
  it("offers email + password only, with JWT sessions and our sign-in page", async () => {
    const config = await buildAuthConfig();
    expect(providerIds(config.providers)).toEqual(["credentials"]);
    expect(githubConfigured()).toBe(false);
    expect(config.session?.strategy).toBe("jwt");
    expect(config.pages?.signIn).toBe("/signin");
    expect(config.trustHost).toBe(true);
    expect(typeof config.secret).toBe("string");
  });

  it("adds GitHub when both of its settings are present", async () => {
    process.env.AUTH_GITHUB_ID = "id";
    resetEnvCache();
    expect(providerIds((await buildAuthConfig()).providers)).toEqual(["credentials"]);
    process.env.AUTH_GITHUB_SECRET = "secret";
    resetEnvCache();
    expect(providerIds((await buildAuthConfig()).providers)).toEqual(["credentials", "github"]);
    expect(githubConfigured()).toBe(true);
  });
});
