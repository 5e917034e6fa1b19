"use client";

/**
 * The signed-in frame: the sidebar and the page beside it. Owns whether the sidebar is folded to its rail
 * (from the layout's cookie, so the first paint is right; toggled by its button or Ctrl/⌘ B, and remembered)
 * and says so on its root as `data-sidebar`, which full-bleed pages such as the editor read to sit beside it
 * (`group-data-[sidebar=collapsed]/shell:` utilities).
 */
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { AppSidebar } from "./app-sidebar";
import { rememberSidebarCollapsed } from "./sidebar-preference";

/** Text fields and rich editors keep their own Ctrl/⌘ B. */
function ownsShortcut(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.isContentEditable;
}

export function AppShell({
  user,
  signOut,
  initialCollapsed,
  children,
}: {
  user: { name?: string | null; email: string };
  signOut: ReactNode;
  initialCollapsed: boolean;
  children: ReactNode;
}) {
  const [collapsed, setCollapsed] = useState(initialCollapsed);
  const toggle = useCallback(() => {
    setCollapsed((was) => {
      rememberSidebarCollapsed(!was);
      return !was;
    });
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.metaKey || event.ctrlKey) || event.shiftKey || event.altKey) return;
      if (event.key.toLowerCase() !== "b" || event.defaultPrevented || ownsShortcut(event.target)) return;
      event.preventDefault();
      toggle();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggle]);

  return (
    <div className="group/shell md:flex" data-sidebar={collapsed ? "collapsed" : "expanded"}>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <AppSidebar user={user} signOut={signOut} collapsed={collapsed} onToggle={toggle} />
      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 lg:px-10 lg:py-10">{children}</div>
      </main>
    </div>
  );
}
