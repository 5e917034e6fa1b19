import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AppShell } from "@/components/shell/app-shell";
import { SIDEBAR_COOKIE, sidebarCollapsedFrom } from "@/components/shell/sidebar-preference";
import { requireSessionUser } from "@/lib/auth";

/**
 * The signed-in shell. Reading the session makes every page below it dynamic (rendered per request); the
 * sidebar's folded state is read from its cookie here, so the first paint already has it.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireSessionUser();
  const collapsed = sidebarCollapsedFrom((await cookies()).get(SIDEBAR_COOKIE)?.value);
  return (
    <AppShell user={{ name: user.name, email: user.email }} signOut={<SignOutButton />} initialCollapsed={collapsed}>
      {children}
    </AppShell>
  );
}
