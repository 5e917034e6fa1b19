/**
 * Issue 14, item 4: a workflow made from a template opened at 70% zoom with Start and End cut off. The first
 * framing shows the whole of a template-sized workflow in the canvas a 1440×900 screen leaves it.
 */
import { getViewportForBounds } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { FIT_MIN_ZOOM, initialFitOptions } from "@/components/editor/canvas/workflow-canvas";
import { DEFAULT_NODE_SIZE, documentFromDefinition, type EditorNode } from "@/components/editor/model/document";
import { builtinTemplates } from "@/lib/templates/builtin";
import type { DefinitionLike } from "@/components/editor/model/document";

/** The canvas at 1440×900: beside the app sidebar (240), the palette (208) and the side panel (380), below the toolbar. */
const CANVAS = { width: 610, height: 852 };

function rectOf(node: EditorNode) {
  return { x: node.position.x, y: node.position.y, ...DEFAULT_NODE_SIZE };
}

/** Where each node lands on screen when React Flow fits the view with these options. */
function framed(nodes: EditorNode[], edges: Parameters<typeof initialFitOptions>[1]) {
  const options = initialFitOptions(nodes, edges);
  const targets = options.nodes ? nodes.filter((n) => options.nodes!.some((o) => o.id === n.id)) : nodes;
  const rects = targets.map(rectOf);
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const bounds = {
    x,
    y,
    width: Math.max(...rects.map((r) => r.x + r.width)) - x,
    height: Math.max(...rects.map((r) => r.y + r.height)) - y,
  };
  const viewport = getViewportForBounds(
    bounds,
    CANVAS.width,
    CANVAS.height,
    options.minZoom ?? 0.5,
    options.maxZoom ?? 2,
    options.padding ?? 0.1,
  );
  return nodes.map((node) => {
    const r = rectOf(node);
    return {
      id: node.id,
      left: r.x * viewport.zoom + viewport.x,
      right: (r.x + r.width) * viewport.zoom + viewport.x,
      top: r.y * viewport.zoom + viewport.y,
      bottom: (r.y + r.height) * viewport.zoom + viewport.y,
      zoom: viewport.zoom,
    };
  });
}

describe("a workflow's first framing (issue 14, item 4)", () => {
  for (const template of builtinTemplates) {
    it(`shows every node of the “${template.name}” template, Start to End`, () => {
      const doc = documentFromDefinition(template.definition as unknown as DefinitionLike);
      const onScreen = framed(doc.nodes, doc.edges);
      for (const node of onScreen) {
        expect(node.left, `${node.id} left`).toBeGreaterThanOrEqual(0);
        expect(node.right, `${node.id} right`).toBeLessThanOrEqual(CANVAS.width);
        expect(node.top, `${node.id} top`).toBeGreaterThanOrEqual(0);
        expect(node.bottom, `${node.id} bottom`).toBeLessThanOrEqual(CANVAS.height);
        expect(node.zoom).toBeGreaterThanOrEqual(FIT_MIN_ZOOM);
      }
    });
  }

  it("frames a graph too wide to show whole from its Start node instead of shrinking it to dots", () => {
    const nodes = Array.from({ length: 40 }, (_, i) => ({
      id: i === 0 ? "start" : `n${i}`,
      type: i === 0 ? "start" : "model",
      position: { x: i * 300, y: 0 },
    }));
    const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: node.id }));
    const doc = documentFromDefinition({ nodes, edges });
    const options = initialFitOptions(doc.nodes, doc.edges);
    expect(options.nodes?.map((n) => n.id)).toEqual(["start", "n1", "n2"]);
    expect(options.minZoom).toBe(0.7);
  });
});
