/**
 * Sign-in for pages and server actions (next-auth), plus helpers for server components. Route handlers use
 * `authenticate(request)` from ./authenticate instead (API keys and cookies, no Next request scope needed).
 */
import "server-only";
import NextAuth from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getUserById, type UserRecord } from "@/lib/db/queries/users";
import { buildAuthConfig } from "./config";

export const { handlers, auth, signIn, signOut } = NextAuth(async () => buildAuthConfig());

export type SessionUser = UserRecord;

/**
 * The signed-in user of this request, or null. The account is re-read so a deleted user's cookie is no
 * session; cached per request, so a layout and a page asking both cost one lookup.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return getUserById({ id });
});

/**
 * The signed-in user, or a redirect to the sign-in page that comes back to `callbackUrl` (a relative path;
 * server components do not know their own URL, so the caller names it).
 */
export async function requireSessionUser({ callbackUrl }: { callbackUrl?: string } = {}): Promise<SessionUser> {
  const user = await getSessionUser();
  if (user) return user;
  // Without an explicit target, return to the page that was asked for (proxy.ts passes its path).
  const target = callbackUrl ?? (await headers()).get("x-lattice-path") ?? undefined;
  redirect(target ? `/signin?callbackUrl=${encodeURIComponent(target)}` : "/signin");
}
