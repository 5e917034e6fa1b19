/**
 * next-auth v5 configuration: JWT sessions, email + password (Credentials), GitHub when configured, and the
 * drizzle adapter on our tables (it links OAuth accounts to users). The database opens asynchronously, so
 * the config is built lazily per request (`NextAuth(async () => config)`); nothing here runs at import,
 * which keeps `next build` away from the database.
 */
import "server-only";
import { CredentialsSignin } from "@auth/core/errors";
import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { z } from "zod";
import { getAuthSecret } from "@/lib/config/local-secrets";
import { createAuthAdapter } from "@/lib/db/queries/auth-adapter";
import { getUserWithPasswordByEmail } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { clientAddress } from "./client-address";
import { verifyPassword } from "./password";
import { SIGN_IN_THROTTLED_CODE } from "./sign-in-messages";
import { SESSION_MAX_AGE_SECONDS } from "./session-token";
import { countAttempt, settleSuccessfulSignIn } from "./throttle";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; image?: string | null };
  }
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(200),
});

export function githubConfigured(): boolean {
  const e = env();
  return Boolean(e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET);
}

/**
 * A sign-in refused by the throttle (lib/auth/throttle.ts). next-auth puts `code` in the sign-in page's URL
 * (`?error=CredentialsSignin&code=rate_limited`); the sign-in form's action reads `retryAfterSeconds`.
 */
export class SignInThrottledError extends CredentialsSignin {
  override code = SIGN_IN_THROTTLED_CODE;
  constructor(readonly retryAfterSeconds: number) {
    super("Too many sign-in attempts");
  }
}

/**
 * Checks email + password. Unknown email and wrong password are the same `null` (one generic error). Each
 * attempt is counted by the throttle first (from the request's client address); past its limits the
 * attempt throws SignInThrottledError without the password being checked.
 */
export async function authorizeCredentials(
  input: unknown,
  request?: Request,
): Promise<{ id: string; email: string; name: string | null } | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const source = { email: parsed.data.email, address: request ? clientAddress(request.headers) : null };
  const verdict = await countAttempt(source);
  if (!verdict.allowed) throw new SignInThrottledError(verdict.retryAfterSeconds);
  const user = await getUserWithPasswordByEmail({ email: parsed.data.email });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? null);
  if (!user || !ok) return null;
  await settleSuccessfulSignIn(source);
  return { id: user.id, email: user.email, name: user.name };
}

export async function buildAuthConfig(): Promise<NextAuthConfig> {
  const e = env();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, request) => authorizeCredentials(credentials, request),
    }),
  ];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  }
  return {
    adapter: await createAuthAdapter(),
    providers,
    secret: getAuthSecret(),
    trustHost: true,
    // Credentials sign-in requires JWT sessions; they also keep session checks off the database.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    logger: {
      // A wrong password is an expected outcome, not a server error worth a stack trace in the logs.
      error(error) {
        // Class names are minified in production builds: match on the Auth.js error type.
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
        console.error("[auth]", error);
      },
      warn(code) {
        console.warn("[auth] warning:", code);
      },
      debug() {},
    },
  };
}
