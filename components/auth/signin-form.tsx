"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DEFAULT_AFTER_SIGN_IN } from "@/lib/auth/callback-url";
import { signInWithGitHub, signInWithPassword, type SignInFormState } from "@/lib/auth/actions";
import { FormError, FormField } from "./form-field";

export interface DemoCredentials {
  email: string;
  password: string;
}

const initialState: SignInFormState = { status: "idle" };

export function SignInForm({
  callbackUrl,
  demo,
  githubEnabled,
  initialError,
}: {
  callbackUrl: string;
  demo: DemoCredentials | null;
  githubEnabled: boolean;
  /** An error next-auth reported through the URL (e.g. a failed GitHub sign-in). */
  initialError?: string;
}) {
  const [state, formAction, pending] = useActionState(signInWithPassword, initialState);
  // Controlled fields: a failed attempt keeps what was typed (React resets uncontrolled forms after an action).
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const error = state.status === "error" ? state.message : initialError;
  const signupHref =
    callbackUrl === DEFAULT_AFTER_SIGN_IN ? "/signup" : `/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`;

  return (
    <div className="flex flex-col gap-5">
      {demo ? (
        <div
          data-testid="demo-credentials"
          className="rounded-md border border-indigo-200 bg-indigo-50 px-3.5 py-3 text-[13px] text-indigo-900"
        >
          <div className="flex items-center gap-2 font-medium">
            <KeyRound className="size-4" aria-hidden />
            Demo account
          </div>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-indigo-700">Email</dt>
            <dd className="font-mono" data-testid="demo-email">
              {demo.email}
            </dd>
            <dt className="text-indigo-700">Password</dt>
            <dd className="font-mono" data-testid="demo-password">
              {demo.password}
            </dd>
          </dl>
          <button
            type="button"
            className="mt-2 text-[13px] font-medium text-indigo-700 underline-offset-2 hover:underline"
            onClick={() => {
              setEmail(demo.email);
              setPassword(demo.password);
            }}
          >
            Fill in the demo credentials
          </button>
        </div>
      ) : null}

      <form action={formAction} noValidate className="flex flex-col gap-4">
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <FormError testId="signin-error" message={error} />
        <FormField
          id="signin-email"
          data-testid="signin-email"
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={state.fieldErrors?.email}
        />
        <FormField
          id="signin-password"
          data-testid="signin-password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={state.fieldErrors?.password}
        />
        <Button
          type="submit"
          data-testid="signin-submit"
          disabled={pending}
          aria-busy={pending}
          className="mt-1 w-full"
        >
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>

      {githubEnabled ? (
        <form action={signInWithGitHub}>
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" variant="secondary" className="w-full">
            <GitHubMark />
            Continue with GitHub
          </Button>
        </form>
      ) : null}

      <p className="text-center text-[13px] text-zinc-500">
        No account yet?{" "}
        <Link href={signupHref} className="font-medium text-indigo-600 hover:text-indigo-500">
          Create one
        </Link>
      </p>
    </div>
  );
}

/** Lucide has no brand icons; the GitHub mark, inline. */
function GitHubMark() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden fill="currentColor">
      <path d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z" />
    </svg>
  );
}
