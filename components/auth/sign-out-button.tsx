"use client";

import { LogOut } from "lucide-react";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { signOutAndRedirect } from "@/lib/auth/actions";

/** Signs out (server action: clears the session cookie) and lands on /signin. */
export function SignOutButton({ className }: { className?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="ghost"
      size="sm"
      className={className}
      data-testid="sign-out"
      aria-label="Sign out"
      title="Sign out"
      disabled={pending}
      aria-busy={pending}
      onClick={() => startTransition(() => signOutAndRedirect())}
    >
      <LogOut aria-hidden />
      <span className="sr-only">{pending ? "Signing out…" : "Sign out"}</span>
    </Button>
  );
}
