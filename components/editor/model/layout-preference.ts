/**
 * How the editor's chrome was left: the palette folded or open, the minimap shown or hidden. Each is a
 * cookie the editor's pages read on the server, so the editor opens as it was left with no flash.
 * Client-safe (no "use client": the pages call `editorLayoutFrom` on the server).
 */
import { rememberPreference } from "@/components/ui/preference-cookie";

export const PALETTE_COOKIE = "lattice-editor-palette";
export const MINIMAP_COOKIE = "lattice-editor-minimap";

export interface EditorLayout {
  paletteOpen: boolean;
  minimapShown: boolean;
}

/** Both shown until the user folds or hides them. */
export const DEFAULT_EDITOR_LAYOUT: EditorLayout = { paletteOpen: true, minimapShown: true };

export function editorLayoutFrom(cookie: (name: string) => string | undefined): EditorLayout {
  return {
    paletteOpen: cookie(PALETTE_COOKIE) !== "folded",
    minimapShown: cookie(MINIMAP_COOKIE) !== "hidden",
  };
}

export function rememberPaletteOpen(open: boolean): void {
  rememberPreference(PALETTE_COOKIE, open ? "open" : "folded");
}

export function rememberMinimapShown(shown: boolean): void {
  rememberPreference(MINIMAP_COOKIE, shown ? "shown" : "hidden");
}
