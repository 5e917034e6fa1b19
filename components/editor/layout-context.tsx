"use client";

/**
 * The editor's chrome the user can fold away for room: the palette (to a rail of node icons) and the
 * minimap. Starts from the page's cookies (./model/layout-preference) and remembers every change.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { rememberMinimapShown, rememberPaletteOpen, type EditorLayout } from "./model/layout-preference";

interface EditorLayoutApi extends EditorLayout {
  setPaletteOpen(open: boolean): void;
  setMinimapShown(shown: boolean): void;
  /** `/` from anywhere: opens a folded palette and puts the cursor in its search. */
  focusPaletteSearch(): void;
}

const LayoutContext = createContext<EditorLayoutApi | null>(null);

export function EditorLayoutProvider({ initial, children }: { initial: EditorLayout; children: ReactNode }) {
  const [layout, setLayout] = useState(initial);
  const api = useMemo<EditorLayoutApi>(() => {
    const setPaletteOpen = (paletteOpen: boolean) => {
      rememberPaletteOpen(paletteOpen);
      setLayout((was) => ({ ...was, paletteOpen }));
    };
    return {
      ...layout,
      setPaletteOpen,
      setMinimapShown: (minimapShown) => {
        rememberMinimapShown(minimapShown);
        setLayout((was) => ({ ...was, minimapShown }));
      },
      focusPaletteSearch: () => {
        if (!layout.paletteOpen) setPaletteOpen(true);
        // A key press is a discrete event: React has drawn the opened palette by the next frame.
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>("[data-palette-search]")?.focus());
      },
    };
  }, [layout]);
  return <LayoutContext.Provider value={api}>{children}</LayoutContext.Provider>;
}

export function useEditorLayout(): EditorLayoutApi {
  const api = useContext(LayoutContext);
  if (!api) throw new Error("useEditorLayout must be used inside <EditorLayoutProvider>.");
  return api;
}
