/**
 * Sign-in and sign-up throttling (issue 14, item 12): failed attempts per account and per client address in
 * a window, counted in the database, with Retry-After; the client's address from X-Forwarded-For only when a
 * proxy is trusted, else the TCP peer's; and counts that say nothing about whether an email has an account.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { Auth } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as signupPost } from "@/app/api/signup/route";
import {
  clientAddress,
  installPeerAddressHook,
  normalizeAddress,
  PEER_ADDRESS_HEADER,
} from "@/lib/auth/client-address";
import { authorizeCredentials, buildAuthConfig, SignInThrottledError } from "@/lib/auth/config";
import { signInRefusalMessage } from "@/lib/auth/sign-in-messages";
import { countAttempt, throttleBuckets } from "@/lib/auth/throttle";
import { hashPassword } from "@/lib/auth/password";
import { getAuthBucket } from "@/lib/db/queries/auth-throttle";
import { createUserWithPassword } from "@/lib/db/queries/users";
import { parseEnv, resetEnvCache } from "@/lib/env";
import { testDb } from "../helpers/db";
import { apiRequest, read, routeContext, uniqueEmail } from "../api/helpers";

const PER_ACCOUNT = 3;
const PER_ADDRESS = 5;
const WINDOW_SECONDS = 900;
const saved: Record<string, string | undefined> = {};
const SETTINGS = {
  LATTICE_TRUST_PROXY: "1",
  LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT: String(PER_ACCOUNT),
  LATTICE_AUTH_ATTEMPTS_PER_IP: String(PER_ADDRESS),
  LATTICE_AUTH_WINDOW_SECONDS: String(WINDOW_SECONDS),
};

beforeAll(() => {
  // A proxy is trusted here, so each test picks its own client address (X-Forwarded-For): the suite's other
  // files sign up from the shared unknown address, on the same database.
  for (const [name, value] of Object.entries(SETTINGS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  resetEnvCache();
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
});

let nextAddress = Math.floor(Math.random() * 200);
/** A client address no other test uses. */
function freshAddress(): string {
  nextAddress += 1;
  return `10.${Math.floor(Math.random() * 250)}.${nextAddress % 250}.${(nextAddress >> 8) + 1}`;
}

/** The request next-auth hands to `authorize`, from `address` behind the trusted proxy. */
function fromAddress(address: string): Request {
  return new Request("http://localhost:3000/api/auth/callback/credentials", {
    method: "POST",
    headers: { "x-forwarded-for": `203.0.113.9, ${address}` },
  });
}

async function signIn(email: string, password: string, address: string) {
  try {
    const user = await authorizeCredentials({ email, password }, fromAddress(address));
    return user ? "ok" : "wrong";
  } catch (error) {
    if (error instanceof SignInThrottledError) return { throttled: error.retryAfterSeconds };
    throw error;
  }
}

/** An account made directly in the database: no sign-up attempt counted for it. */
async function newAccount() {
  const email = uniqueEmail("throttle");
  const password = "correct horse battery";
  const user = await createUserWithPassword({ email, name: null, passwordHash: await hashPassword(password) });
  return { user: user!, password };
}

const signup = (body: unknown, address: string) =>
  signupPost(
    apiRequest("/api/signup", { method: "POST", body, headers: { "x-forwarded-for": address } }),
    routeContext(),
  );

/** Moves a bucket's window into the past, as if `WINDOW_SECONDS` had gone by. */
async function expireWindow(bucket: string): Promise<void> {
  const { db } = await testDb();
  await db.execute(
    sql`update auth_throttle set window_started_at = now() - ${WINDOW_SECONDS + 1}::int * interval '1 second' where bucket = ${bucket}`,
  );
}

describe("sign-in throttle, per account", () => {
  it(`refuses the account after ${PER_ACCOUNT} failures, even with the right password, from any address`, async () => {
    const { user, password } = await newAccount();
    for (let i = 0; i < PER_ACCOUNT; i++)
      expect(await signIn(user.email, "wrong password", freshAddress())).toBe("wrong");
    const refused = await signIn(user.email, password, freshAddress());
    expect(refused).toEqual({ throttled: expect.any(Number) });
    const wait = (refused as { throttled: number }).throttled;
    expect(wait).toBeGreaterThan(WINDOW_SECONDS - 60);
    expect(wait).toBeLessThanOrEqual(WINDOW_SECONDS);
    // Another account from the same addresses is not affected.
    const other = await newAccount();
    expect(await signIn(other.user.email, other.password, freshAddress())).toBe("ok");
  });

  it("lets the owner in once the window is over (someone else's failures block it for one window at most)", async () => {
    const { user, password } = await newAccount();
    for (let i = 0; i < PER_ACCOUNT + 2; i++) await signIn(user.email, "wrong password", freshAddress());
    expect(await signIn(user.email, password, freshAddress())).toEqual({ throttled: expect.any(Number) });
    await expireWindow(throttleBuckets({ email: user.email, address: null }).account);
    expect(await signIn(user.email, password, freshAddress())).toBe("ok");
  });

  it("forgets the account's failures after a successful sign-in, and does not count the success", async () => {
    const { user, password } = await newAccount();
    const address = freshAddress();
    const buckets = throttleBuckets({ email: user.email, address });
    for (let i = 0; i < PER_ACCOUNT - 1; i++) await signIn(user.email, "wrong password", address);
    expect((await getAuthBucket(buckets.account))?.attempts).toBe(PER_ACCOUNT - 1);
    expect(await signIn(user.email, password, address)).toBe("ok");
    expect(await getAuthBucket(buckets.account)).toBeNull();
    // The address keeps its failures, not the success.
    expect((await getAuthBucket(buckets.address))?.attempts).toBe(PER_ACCOUNT - 1);
    // A fresh allowance for the account.
    for (let i = 0; i < PER_ACCOUNT; i++) expect(await signIn(user.email, "wrong password", address)).toBe("wrong");
  });

  it("counts an unknown email exactly like an account (the counts say nothing about who has an account)", async () => {
    const { user } = await newAccount();
    const nobody = uniqueEmail("nobody");
    const outcomes = async (email: string) => {
      const seen = [];
      for (let i = 0; i < PER_ACCOUNT + 1; i++) seen.push(await signIn(email, "wrong password", freshAddress()));
      return seen.map((o) => (typeof o === "string" ? o : "throttled"));
    };
    expect(await outcomes(user.email)).toEqual(await outcomes(nobody));
  });

  it("keeps no email or address in the clear", async () => {
    const email = uniqueEmail("clear");
    const address = freshAddress();
    await signIn(email, "wrong password", address);
    const { db } = await testDb();
    const rows = await db.execute(sql`select bucket from auth_throttle`);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(email);
    expect(text).not.toContain(address);
  });
});

describe("sign-in throttle, per address", () => {
  it(`refuses an address after ${PER_ADDRESS} failures on any accounts; other addresses go on`, async () => {
    const address = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) expect(await signIn(uniqueEmail(), "wrong password", address)).toBe("wrong");
    const { user, password } = await newAccount();
    expect(await signIn(user.email, password, address)).toEqual({ throttled: expect.any(Number) });
    expect(await signIn(user.email, password, freshAddress())).toBe("ok");
  });

  it("counts in the database: parallel guesses cannot slip past the limit", async () => {
    const address = freshAddress();
    const email = uniqueEmail("parallel");
    const outcomes = await Promise.all(
      Array.from({ length: PER_ACCOUNT + 4 }, () => countAttempt({ email, address: `${address}` })),
    );
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(PER_ACCOUNT);
  });
});

describe("next-auth's credentials sign-in, throttled", () => {
  it("reports the refusal to the sign-in page with its own code, and the form explains it", async () => {
    const { user, password } = await newAccount();
    const address = freshAddress();
    const config = { ...(await buildAuthConfig()), basePath: "/api/auth" };
    const post = async (pw: string) => {
      const csrf = await Auth(new Request("http://localhost:3000/api/auth/csrf"), config);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const cookie = csrf.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      return Auth(
        new Request("http://localhost:3000/api/auth/callback/credentials", {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            cookie,
            "x-forwarded-for": address,
          },
          body: new URLSearchParams({ csrfToken, email: user.email, password: pw }),
        }),
        config,
      );
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (let i = 0; i < PER_ACCOUNT; i++) {
      expect((await post("wrong password")).headers.get("location")).toMatch(
        /error=CredentialsSignin&code=credentials/,
      );
    }
    const refused = await post(password);
    expect(refused.headers.get("location")).toMatch(/\/signin\?error=CredentialsSignin&code=rate_limited/);
    expect(refused.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
    // Logged once, when the account went past its limit.
    expect(warn.mock.calls.filter((c) => String(c[0]).includes(user.email))).toHaveLength(1);
    warn.mockRestore();
  });

  it("gives the sign-in form a clear message with the wait", () => {
    expect(signInRefusalMessage(new SignInThrottledError(14 * 60 - 5))).toBe(
      "Too many attempts to sign in or sign up for this account or from this network. Try again in 14 minutes.",
    );
    expect(signInRefusalMessage(new SignInThrottledError(30))).toMatch(/Try again in 30 seconds\.$/);
    expect(signInRefusalMessage({ type: "CredentialsSignin", code: "credentials" })).toBe("Invalid email or password.");
    expect(signInRefusalMessage(new Error("boom"))).toBeUndefined();
  });
});

describe("POST /api/signup, throttled", () => {
  it("answers 429 rate_limit:auth with Retry-After past the per-address limit", async () => {
    const address = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) {
      expect((await signup({ email: uniqueEmail(), password: "long enough pw" }, address)).status).toBe(202);
    }
    const response = await signup({ email: uniqueEmail(), password: "long enough pw" }, address);
    const { status, json, headers } = await read(response);
    expect(status).toBe(429);
    expect(json).toEqual({
      error: {
        code: "rate_limit:auth",
        message: expect.stringMatching(/^Too many attempts to sign in or sign up .* Try again in 15 minutes\.$/),
      },
    });
    const retryAfter = Number(headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(WINDOW_SECONDS - 60);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    // Another address is not affected.
    expect((await signup({ email: uniqueEmail(), password: "long enough pw" }, freshAddress())).status).toBe(202);
  });

  it("counts every sign-up of an email alike, whether or not it had an account", async () => {
    const { user } = await newAccount();
    const log = vi.spyOn(console, "info").mockImplementation(() => {});
    const statuses = async (email: string) => {
      const seen: number[] = [];
      for (let i = 0; i < PER_ACCOUNT + 1; i++) {
        const response = await signup({ email, password: "long enough pw" }, freshAddress());
        seen.push(response.status);
        await response.body?.cancel();
      }
      return seen;
    };
    const taken = await statuses(user.email);
    const fresh = await statuses(uniqueEmail("fresh"));
    log.mockRestore();
    expect(taken).toEqual([...Array(PER_ACCOUNT).fill(202), 429]);
    expect(fresh).toEqual(taken);
  });

  it("shares the account's count with sign-in: sign-ups of an email count against signing in to it", async () => {
    const { user, password } = await newAccount();
    const log = vi.spyOn(console, "info").mockImplementation(() => {});
    for (let i = 0; i < PER_ACCOUNT - 1; i++)
      await (await signup({ email: user.email, password: "x".repeat(9) }, freshAddress())).body?.cancel();
    log.mockRestore();
    expect(await signIn(user.email, "wrong password", freshAddress())).toBe("wrong");
    expect(await signIn(user.email, password, freshAddress())).toEqual({ throttled: expect.any(Number) });
  });
});

describe("the client's address", () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it("is unknown without a trusted proxy or the server's peer address, whatever the client claims", () => {
    const claimed = headers({ "x-forwarded-for": "1.2.3.4", [PEER_ADDRESS_HEADER]: "5.6.7.8" });
    expect(clientAddress(claimed, { trustProxy: 0, peerHook: false })).toBeNull();
  });

  it("is the TCP peer's address when no proxy is trusted (X-Forwarded-For ignored)", () => {
    const h = headers({ "x-forwarded-for": "1.2.3.4", [PEER_ADDRESS_HEADER]: "::ffff:192.0.2.7" });
    expect(clientAddress(h, { trustProxy: 0, peerHook: true })).toBe("192.0.2.7");
  });

  it("is the X-Forwarded-For entry written by the trusted proxies", () => {
    const h = headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.2" });
    expect(clientAddress(h, { trustProxy: 1, peerHook: true })).toBe("10.0.0.2");
    expect(clientAddress(h, { trustProxy: 2, peerHook: true })).toBe("198.51.100.4");
    expect(clientAddress(h, { trustProxy: 5, peerHook: true })).toBe("6.6.6.6");
    // A request that came past the proxy: its peer.
    expect(clientAddress(headers({ [PEER_ADDRESS_HEADER]: "192.0.2.1" }), { trustProxy: 1, peerHook: true })).toBe(
      "192.0.2.1",
    );
    expect(clientAddress(headers({}), { trustProxy: 1, peerHook: false })).toBeNull();
  });

  it("groups IPv6 clients by /64 and refuses what is not an address", () => {
    expect(normalizeAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(normalizeAddress("2001:0db8:0001:0002:ffff:0:0:9")).toBe("2001:db8:1:2::/64");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8:0:0::/64");
    expect(normalizeAddress("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(normalizeAddress("unknown")).toBeNull();
    expect(normalizeAddress("")).toBeNull();
  });

  it("is stamped by the server on every request, over whatever the client sent under that name", async () => {
    installPeerAddressHook();
    const server = http.createServer((req, res) => {
      const h = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") h.set(name, value);
      res.end(JSON.stringify({ address: clientAddress(h, { trustProxy: 0 }) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [PEER_ADDRESS_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7" },
      });
      expect(await response.json()).toEqual({ address: "127.0.0.1" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("trusts a proxy only when LATTICE_TRUST_PROXY says so", () => {
    expect(parseEnv({}).LATTICE_TRUST_PROXY).toBe(0);
    expect(parseEnv({ LATTICE_TRUST_PROXY: "false" }).LATTICE_TRUST_PROXY).toBe(0);
    expect(parseEnv({ LATTICE_TRUST_PROXY: "true" }).LATTICE_TRUST_PROXY).toBe(1);
    expect(parseEnv({ LATTICE_TRUST_PROXY: "2" }).LATTICE_TRUST_PROXY).toBe(2);
    expect(() => parseEnv({ LATTICE_TRUST_PROXY: "yes" })).toThrow(/LATTICE_TRUST_PROXY: must be true, false/);
    expect(parseEnv({}).LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT).toBe(10);
    expect(parseEnv({}).LATTICE_AUTH_ATTEMPTS_PER_IP).toBe(50);
    expect(parseEnv({}).LATTICE_AUTH_WINDOW_SECONDS).toBe(900);
  });
});
