/**
 * Tidy-up, loaded on demand: the layout library (dagre) is only fetched the first time someone asks for
 * it, so it costs nothing when the editor opens.
 */
import type { EditorStore } from "./model/editor-store";

export async function tidyUp(store: EditorStore): Promise<void> {
  const { layoutPositions } = await import("./model/layout");
  const { nodes, edges } = store.getState();
  if (nodes.length === 0) return;
  store.getState().applyPositions(layoutPositions(nodes, edges));
}
