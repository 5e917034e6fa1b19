"use client";

/**
 * Frames the graph on the canvas for Fit to screen (its button, Shift 1, the zoom controls' button) and
 * after Tidy up, by the rules of ../model/viewport: whole when it can be read, else its start at a readable
 * zoom, and clear of the minimap while it is shown.
 */
import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback } from "react";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { useEditorApi } from "../editor-context";
import { useEditorLayout } from "../layout-context";
import { boundsOf, FIT_MIN_ZOOM, frameViewport, MINIMAP_RESERVE, READABLE_ZOOM } from "../model/viewport";

/** "fit" shows as much as FIT_MIN_ZOOM allows; "tidy" never goes below READABLE_ZOOM. */
export type FrameMode = "fit" | "tidy";

const FLOOR: Record<FrameMode, number> = { fit: FIT_MIN_ZOOM, tidy: READABLE_ZOOM };

export function useFrameGraph(): (mode: FrameMode) => void {
  const store = useEditorApi();
  const flow = useStoreApi();
  const { setViewport } = useReactFlow();
  const { minimapShown } = useEditorLayout();
  return useCallback(
    (mode: FrameMode) => {
      const { nodes } = store.getState();
      const { width, height } = flow.getState();
      if (nodes.length === 0 || width === 0 || height === 0) return;
      const start = nodes.find((node) => getNodeDefinition(node.type ?? "")?.entry);
      const viewport = frameViewport(
        boundsOf(nodes),
        { width, height },
        {
          minZoom: FLOOR[mode],
          maxZoom: 1.1,
          reserve: minimapShown ? MINIMAP_RESERVE : null,
          start: start ? boundsOf([start]) : null,
        },
      );
      void setViewport(viewport, { duration: 300 });
    },
    [store, flow, setViewport, minimapShown],
  );
}
