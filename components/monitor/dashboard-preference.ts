/**
 * Whether the executions page shows its charts and breakdowns, remembered in a cookie so the server renders
 * the page as the user left it (no flash of the other layout, nothing for hydration to disagree on).
 * Client-safe: the page reads it on the server, the toggle writes it in the browser.
 */
export const DASHBOARD_COOKIE = "lattice-monitor-dashboard";

/** Folded unless the user opened it: the runs list comes first. */
export function dashboardOpenFrom(value: string | undefined): boolean {
  return value === "open";
}

/** Remembers the choice for a year, for every page of this site. */
export function rememberDashboardOpen(open: boolean): void {
  // biome-ignore lint/suspicious/noDocumentCookie: a plain first-party preference the server reads on the next render
  document.cookie = `${DASHBOARD_COOKIE}=${open ? "open" : "closed"}; path=/; max-age=31536000; samesite=lax`;
}
