/** Whether the app's sidebar is folded to its rail of icons: a cookie the layout reads (see ../ui/preference-cookie). */
import { rememberPreference } from "@/components/ui/preference-cookie";

export const SIDEBAR_COOKIE = "lattice-sidebar";

/** Expanded unless the user folded it. */
export function sidebarCollapsedFrom(value: string | undefined): boolean {
  return value === "collapsed";
}

export function rememberSidebarCollapsed(collapsed: boolean): void {
  rememberPreference(SIDEBAR_COOKIE, collapsed ? "collapsed" : "expanded");
}

/**
 * Where a full-bleed page (editor, chat) sits: fixed beside the sidebar — its md rail, its lg width or its
 * rail again when folded (the shell's `data-sidebar`, see ./app-shell) — and below the phone top bar.
 */
export const BESIDE_APP_SIDEBAR =
  "fixed inset-x-0 top-14 bottom-0 z-20 md:top-0 md:left-16 lg:left-60 lg:group-data-[sidebar=collapsed]/shell:left-16";
