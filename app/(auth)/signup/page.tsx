import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SignUpForm } from "@/components/auth/signup-form";
import { getSessionUser } from "@/lib/auth";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  return (
    <AuthCard title="Create your account" description="Build, run and monitor LLM workflows.">
      <SignUpForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
