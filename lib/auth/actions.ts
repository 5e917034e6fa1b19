"use server";
/**
 * Server actions behind the sign-in form and the sign-out button. next-auth's signIn/signOut end in a
 * redirect, which Next implements by throwing: only next-auth's own errors are caught here.
 */
import { AuthError } from "next-auth";
import { z } from "zod";
import { safeCallbackUrl } from "./callback-url";
import { signIn, signOut } from "./index";
import { signInRefusalMessage } from "./sign-in-messages";

export interface SignInFormState {
  status: "idle" | "error";
  /** Shown above the form (e.g. wrong credentials). */
  message?: string;
  fieldErrors?: { email?: string; password?: string };
}

const signInFormSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, "Enter your email address")
    .max(320, "Email is too long")
    .pipe(z.email("Enter a valid email address")),
  password: z.string().min(1, "Enter your password").max(200, "Password is too long"),
  callbackUrl: z.string().optional(),
});

export async function signInWithPassword(_previous: SignInFormState, formData: FormData): Promise<SignInFormState> {
  const parsed = signInFormSchema.safeParse({
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  if (!parsed.success) {
    const fieldErrors: NonNullable<SignInFormState["fieldErrors"]> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === "email" || field === "password") && !fieldErrors[field]) fieldErrors[field] = issue.message;
    }
    return { status: "error", message: "Check the highlighted fields.", fieldErrors };
  }
  try {
    await signIn("credentials", {
      email: parsed.data.email.toLowerCase(),
      password: parsed.data.password,
      redirectTo: safeCallbackUrl(parsed.data.callbackUrl),
    });
  } catch (error) {
    if (error instanceof AuthError) {
      const refusal = signInRefusalMessage(error);
      if (refusal) return { status: "error", message: refusal };
      console.error("[auth] sign-in failed", error);
      return { status: "error", message: "Signing in is not possible right now. Try again in a moment." };
    }
    throw error; // the success redirect
  }
  return { status: "idle" };
}

export async function signInWithGitHub(formData: FormData): Promise<void> {
  await signIn("github", { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}

export async function signOutAndRedirect(): Promise<void> {
  await signOut({ redirectTo: "/signin" });
}
