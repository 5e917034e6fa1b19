"use client";

import Link from "next/link";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { signInWithPassword } from "@/lib/auth/actions";
import { DEFAULT_AFTER_SIGN_IN } from "@/lib/auth/callback-url";
import { INVALID_CREDENTIALS_MESSAGE } from "@/lib/auth/sign-in-messages";
import { PASSWORD_MIN_LENGTH, signupBodySchema } from "@/lib/contracts/account";
import { FormError, FormField } from "./form-field";

type Field = "name" | "email" | "password";
type FieldErrors = Partial<Record<Field, string>>;

const FIELDS: readonly Field[] = ["name", "email", "password"];

function fieldErrorsFrom(issues: ReadonlyArray<{ path: string; message: string }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = FIELDS.find((f) => f === issue.path);
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** Shown when signing in right after a sign-up fails: the email had an account with another password. */
const TAKEN_MESSAGE =
  "Could not sign you in with this password. If this email already has an account, sign in with its password instead.";

/**
 * Creates the account through POST /api/signup, then signs in with the same email and password (the
 * sign-in form's action). The sign-up's answer is the same whether or not the email already had an
 * account, so only the sign-in tells: it succeeds for a new account (and navigates on), and fails when the
 * email had an account with another password.
 */
export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [values, setValues] = useState({ name: "", email: "", password: "" });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [navigating, startNavigation] = useTransition();
  const pending = submitting || navigating;
  const signinHref =
    callbackUrl === DEFAULT_AFTER_SIGN_IN ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    // The API's own schema, so the form says the same thing the server would, without a round trip.
    const checked = signupBodySchema.safeParse(values);
    if (!checked.success) {
      setFieldErrors(
        fieldErrorsFrom(checked.error.issues.map((i) => ({ path: String(i.path[0] ?? ""), message: i.message }))),
      );
      setError("Check the highlighted fields.");
      return;
    }
    setSubmitting(true);
    setError(undefined);
    setFieldErrors({});
    try {
      const response = await fetch("/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(values),
      });
      if (response.ok) {
        const credentials = new FormData();
        credentials.set("email", checked.data.email);
        credentials.set("password", values.password);
        credentials.set("callbackUrl", callbackUrl);
        startNavigation(async () => {
          // Success redirects (the browser moves on); only a refusal comes back.
          const state = await signInWithPassword({ status: "idle" }, credentials);
          if (state.status === "error") {
            setError(state.message === INVALID_CREDENTIALS_MESSAGE ? TAKEN_MESSAGE : state.message);
          }
        });
        return;
      }
      const body = (await response.json().catch(() => null)) as {
        error?: { message?: string; issues?: { path: string; message: string }[] };
      } | null;
      setFieldErrors(fieldErrorsFrom(body?.error?.issues ?? []));
      setError(body?.error?.message ?? "Could not create the account. Try again.");
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setSubmitting(false);
    }
  }

  const bind = (field: Field) => ({
    name: field,
    value: values[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [field]: e.target.value })),
    error: fieldErrors[field],
  });

  return (
    <div className="flex flex-col gap-5">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <FormError testId="signup-error" message={error} />
        <FormField
          id="signup-name"
          data-testid="signup-name"
          label="Name (optional)"
          autoComplete="name"
          autoFocus
          {...bind("name")}
        />
        <FormField
          id="signup-email"
          data-testid="signup-email"
          label="Email"
          type="email"
          autoComplete="email"
          {...bind("email")}
        />
        <FormField
          id="signup-password"
          data-testid="signup-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          {...bind("password")}
        />
        <Button
          type="submit"
          data-testid="signup-submit"
          disabled={pending}
          aria-busy={pending}
          className="mt-1 w-full"
        >
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <p className="text-center text-[13px] text-zinc-500">
        Already have an account?{" "}
        <Link href={signinHref} className="font-medium text-indigo-600 hover:text-indigo-500">
          Sign in
        </Link>
      </p>
    </div>
  );
}
