"use client";

import { clsx } from "clsx";
import {
  Activity,
  LayoutTemplate,
  Library,
  Menu,
  MessageSquare,
  PanelLeftClose,
  PanelLeftOpen,
  Settings,
  Workflow,
  X,
  type LucideIcon,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { focusRing, focusRingTight } from "@/components/ui/focus-ring";
import { LatticeMark } from "./lattice-logo";

interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  testId: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/workflows", label: "Workflows", icon: Workflow, testId: "nav-workflows" },
  { href: "/chat", label: "Chat", icon: MessageSquare, testId: "nav-chat" },
  { href: "/executions", label: "Executions", icon: Activity, testId: "nav-executions" },
  { href: "/templates", label: "Templates", icon: LayoutTemplate, testId: "nav-templates" },
  { href: "/knowledge", label: "Knowledge", icon: Library, testId: "nav-knowledge" },
  { href: "/settings", label: "Settings", icon: Settings, testId: "nav-settings" },
];

/** A section is active on its own page and on every page below it (/workflows/01J… lights up Workflows). */
export function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

function initialsOf(name: string | null | undefined, email: string): string {
  const source = name?.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts[1]?.[0] ?? "") : "")).toUpperCase();
}

/**
 * The signed-in navigation. One element for every width, so each test id exists once:
 * - lg and up: a full sidebar with labels, or the rail of icons when the user folded it (`collapsed`);
 * - md to lg: a rail of icons (labels stay for screen readers and show as tooltips);
 * - below md: hidden behind a top bar's menu button, opening as a drawer over the page.
 */
export function AppSidebar({
  user,
  signOut,
  collapsed,
  onToggle,
}: {
  user: { name?: string | null; email: string };
  signOut: ReactNode;
  collapsed: boolean;
  onToggle: () => void;
}) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // The full sidebar's lg utilities apply only while it is expanded; folded, lg keeps the md rail.
  const wide = (classes: string) => (collapsed ? undefined : classes);

  // The drawer closes on Escape, like any overlay.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  const current = NAV_ITEMS.find((item) => isActive(pathname, item.href));

  return (
    <>
      {/* Top bar, narrow screens only. */}
      <div className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur md:hidden">
        <button
          type="button"
          onClick={() => setOpen(true)}
          aria-label="Open navigation"
          aria-expanded={open}
          aria-controls="app-sidebar"
          className={clsx("-ml-1.5 rounded-md p-1.5 text-zinc-600 hover:bg-zinc-100", focusRing)}
        >
          <Menu aria-hidden className="size-5" />
        </button>
        <LatticeMark className="size-6" />
        <span className="text-[15px] font-semibold tracking-tight text-zinc-900">Lattice</span>
        {current ? (
          <span className="text-sm text-zinc-500">
            <span aria-hidden className="mr-2 text-zinc-300">
              /
            </span>
            {current.label}
          </span>
        ) : null}
      </div>

      {open ? (
        <div aria-hidden className="fixed inset-0 z-40 bg-zinc-950/30 md:hidden" onClick={() => setOpen(false)} />
      ) : null}

      <aside
        id="app-sidebar"
        aria-label="Main"
        className={clsx(
          "fixed inset-y-0 left-0 z-50 flex w-64 flex-col border-r border-zinc-200 bg-white transition-transform duration-200",
          "md:sticky md:top-0 md:z-auto md:h-screen md:w-16 md:translate-x-0",
          wide("lg:w-60"),
          // Closed on a narrow screen: off-canvas and out of the tab order.
          open ? "translate-x-0 shadow-xl md:shadow-none" : "invisible -translate-x-full md:visible",
        )}
      >
        <div
          className={clsx(
            "flex h-14 shrink-0 items-center gap-2.5 px-4 md:justify-center md:px-0",
            wide("lg:justify-start lg:px-5"),
          )}
        >
          <Link
            href="/workflows"
            className={clsx("flex items-center gap-2.5 rounded-md", focusRing)}
            onClick={() => setOpen(false)}
          >
            <LatticeMark className="size-7" />
            <span
              className={clsx(
                "text-[15px] font-semibold tracking-tight text-zinc-900 md:sr-only",
                wide("lg:not-sr-only"),
              )}
            >
              Lattice
            </span>
          </Link>
          <button
            type="button"
            onClick={() => setOpen(false)}
            aria-label="Close navigation"
            className={clsx("ml-auto rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 md:hidden", focusRing)}
          >
            <X aria-hidden className="size-4" />
          </button>
        </div>

        <nav className={clsx("flex-1 overflow-y-auto px-3 py-3 md:px-2", wide("lg:px-3"))}>
          <ul className="flex flex-col gap-0.5">
            {NAV_ITEMS.map(({ href, label, icon: Icon, testId }) => {
              const active = isActive(pathname, href);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    data-testid={testId}
                    aria-current={active ? "page" : undefined}
                    title={label}
                    onClick={() => setOpen(false)}
                    className={clsx(
                      "group flex h-9 items-center gap-3 rounded-md px-2.5 text-sm font-medium transition-colors",
                      "md:justify-center md:px-0",
                      wide("lg:justify-start lg:px-2.5"),
                      focusRingTight,
                      active ? "bg-indigo-50 text-indigo-700" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
                    )}
                  >
                    <Icon
                      aria-hidden
                      className={clsx(
                        "size-4 shrink-0",
                        active ? "text-indigo-600" : "text-zinc-400 group-hover:text-zinc-600",
                      )}
                    />
                    <span className={clsx("md:sr-only", wide("lg:not-sr-only"))}>{label}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        {/* Folding is for wide screens: between md and lg the sidebar is a rail anyway, below md a drawer. */}
        <div className={clsx("hidden shrink-0 px-2 pb-2 lg:block", wide("lg:px-3"))}>
          <button
            type="button"
            data-testid="sidebar-toggle"
            onClick={onToggle}
            aria-expanded={!collapsed}
            aria-controls="app-sidebar"
            aria-label={collapsed ? "Expand the sidebar" : "Collapse the sidebar"}
            title={`${collapsed ? "Expand" : "Collapse"} the sidebar (Ctrl/⌘ B)`}
            className={clsx(
              "flex h-9 w-full items-center gap-3 rounded-md text-sm font-medium text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900",
              collapsed ? "justify-center" : "px-2.5",
              focusRingTight,
            )}
          >
            {collapsed ? (
              <PanelLeftOpen aria-hidden className="size-4 shrink-0" />
            ) : (
              <>
                <PanelLeftClose aria-hidden className="size-4 shrink-0 text-zinc-400" />
                <span className="flex-1 text-left">Collapse</span>
              </>
            )}
          </button>
        </div>

        <div data-testid="user-menu" className={clsx("shrink-0 border-t border-zinc-200 p-3 md:px-2", wide("lg:px-3"))}>
          <div className={clsx("flex items-center gap-2.5 px-1 md:flex-col md:px-0", wide("lg:flex-row lg:px-1"))}>
            <span
              aria-hidden
              title={user.name ? `${user.name} (${user.email})` : user.email}
              className="flex size-8 shrink-0 items-center justify-center rounded-full bg-zinc-900 text-xs font-semibold text-white"
            >
              {initialsOf(user.name, user.email)}
            </span>
            <div className={clsx("min-w-0 flex-1 md:sr-only", wide("lg:not-sr-only"))}>
              {user.name ? <p className="truncate text-[13px] font-medium text-zinc-900">{user.name}</p> : null}
              <p className="truncate text-xs text-zinc-500">{user.email}</p>
            </div>
            <div className="shrink-0">{signOut}</div>
          </div>
        </div>
      </aside>
    </>
  );
}
