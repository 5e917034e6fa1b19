import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AppSidebar } from "@/components/shell/app-sidebar";
import { requireSessionUser } from "@/lib/auth";

/** The signed-in shell. Reading the session makes every page below it dynamic (rendered per request). */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireSessionUser();
  return (
    <div className="md:flex">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <AppSidebar user={{ name: user.name, email: user.email }} signOut={<SignOutButton />} />
      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 lg:px-10 lg:py-10">{children}</div>
      </main>
    </div>
  );
}
