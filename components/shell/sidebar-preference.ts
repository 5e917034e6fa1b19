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
