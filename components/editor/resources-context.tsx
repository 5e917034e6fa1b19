"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { EditorResources } from "./model/resources";

const ResourcesContext = createContext<EditorResources | null>(null);

export function EditorResourcesProvider({ resources, children }: { resources: EditorResources; children: ReactNode }) {
  return <ResourcesContext.Provider value={resources}>{children}</ResourcesContext.Provider>;
}

export function useEditorResources(): EditorResources {
  const resources = useContext(ResourcesContext);
  if (!resources) throw new Error("useEditorResources must be used inside <EditorResourcesProvider>.");
  return resources;
}
