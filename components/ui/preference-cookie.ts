/**
 * A first-party layout preference (a folded sidebar, a hidden minimap) remembered in a cookie, so the server
 * renders the next page as the user left it: no flash of the other layout, nothing for hydration to disagree
 * on. Client-safe: pages read the cookie on the server, toggles write it in the browser.
 */

/** Remembers a choice for a year, for every page of this site. */
export function rememberPreference(name: string, value: string): void {
  // biome-ignore lint/suspicious/noDocumentCookie: a plain first-party preference the server reads on the next render
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
}
