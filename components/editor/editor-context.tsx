"use client";

/**
 * One store per editor, provided to the canvas, panels and toolbar below it. Components select the few
 * fields they draw (`useEditor`, or `useEditorShallow` for several), never the whole store, so a drag
 * re-renders the dragged node and not the inspector.
 */
import { createContext, useContext, useState, type ReactNode } from "react";
import { useStore } from "zustand";
import { useShallow } from "zustand/react/shallow";
import { createEditorStore, type EditorInit, type EditorState, type EditorStore } from "./model/editor-store";

const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ init, children }: { init: EditorInit; children: ReactNode }) {
  // Made once per mounted editor: a new workflow page gets a fresh store and history.
  const [store] = useState(() => createEditorStore(init));
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

export function useEditorApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditorApi must be used inside <EditorStoreProvider>.");
  return store;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorApi(), selector);
}

/** For selectors that build an object or array: re-renders only when one of its fields changes. */
export function useEditorShallow<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorApi(), useShallow(selector));
}
