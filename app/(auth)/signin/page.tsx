import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SignInForm } from "@/components/auth/signin-form";
import { getSessionUser } from "@/lib/auth";
import { githubConfigured } from "@/lib/auth/config";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { INVALID_CREDENTIALS_MESSAGE, SIGN_IN_THROTTLED_CODE, throttledMessage } from "@/lib/auth/sign-in-messages";
import { DEMO_EMAIL, demoAccountEnabled, getLocalSecrets } from "@/lib/config/local-secrets";
import { env } from "@/lib/env";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Messages for the errors next-auth reports through `?error=` and `&code=` (OAuth failures, and credentials
 * posted to next-auth's own endpoint, land here).
 */
function describeAuthError(code: string | undefined, detail: string | undefined): string | undefined {
  if (!code) return undefined;
  if (code === "CredentialsSignin") {
    return detail === SIGN_IN_THROTTLED_CODE ? throttledMessage() : INVALID_CREDENTIALS_MESSAGE;
  }
  if (code === "OAuthAccountNotLinked") return "This email already has an account. Sign in with your password.";
  if (code === "AccessDenied") return "Access was denied.";
  return "Signing in did not work. Try again.";
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  // Per request, never at build: this page reads the session, the data folder's secrets and the env.
  await connection();
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);

  // The demo password is only ever shown for the embedded database, never on a PostgreSQL deployment.
  const demo =
    !env().DATABASE_URL && demoAccountEnabled()
      ? { email: DEMO_EMAIL, password: getLocalSecrets().demoPassword }
      : null;
  const error = typeof params.error === "string" ? params.error : undefined;

  return (
    <AuthCard title="Sign in" description="Welcome back. Sign in to your workflows.">
      <SignInForm
        callbackUrl={callbackUrl}
        demo={demo}
        githubEnabled={githubConfigured()}
        initialError={describeAuthError(error, typeof params.code === "string" ? params.code : undefined)}
      />
    </AuthCard>
  );
}
