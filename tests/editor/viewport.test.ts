/**
 * Issue 14, item 16: Tidy up zoomed out until nodes could not be read, and the minimap covered nodes. The
 * frame after Fit to screen and Tidy up keeps a readable zoom (showing the graph's start when all of it
 * does not fit) and keeps the minimap's corner clear.
 */
import { describe, expect, it } from "vitest";
import { initialFitOptions } from "@/components/editor/canvas/workflow-canvas";
import { DEFAULT_NODE_SIZE, documentFromDefinition } from "@/components/editor/model/document";
import { editorLayoutFrom, MINIMAP_COOKIE, PALETTE_COOKIE } from "@/components/editor/model/layout-preference";
import {
  boundsOf,
  FIT_MIN_ZOOM,
  FRAME_PADDING,
  frameViewport,
  MINIMAP_RESERVE,
  onScreen,
  READABLE_ZOOM,
  type Rect,
  type Size,
} from "@/components/editor/model/viewport";
import { sidebarCollapsedFrom } from "@/components/shell/sidebar-preference";

/** The canvas at 1440×900 with the sidebar folded: 1440 − 64 (rail) − 208 (palette) − 380 (side panel). */
const CANVAS: Size = { width: 788, height: 852 };
const NODE = { width: 220, height: 72 };

/** A tidied straight run of `count` steps (dagre's left-to-right layout: 96 px between ranks). */
function row(count: number): Rect[] {
  return Array.from({ length: count }, (_, i) => ({ x: i * (NODE.width + 96), y: 0, ...NODE }));
}

function boxOf(rects: Rect[]): Rect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return {
    x,
    y,
    width: Math.max(...rects.map((r) => r.x + r.width)) - x,
    height: Math.max(...rects.map((r) => r.y + r.height)) - y,
  };
}

function inside(rect: Rect, canvas: Size): boolean {
  return rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= canvas.width && rect.y + rect.height <= canvas.height;
}

function clearOfCorner(rect: Rect, canvas: Size, reserve: Size): boolean {
  return rect.x + rect.width <= canvas.width - reserve.width || rect.y + rect.height <= canvas.height - reserve.height;
}

describe("framing after Tidy up and Fit to screen (issue 14, item 16)", () => {
  it("keeps a tidied 12-step row readable and shows its start instead of shrinking it", () => {
    const nodes = row(12);
    const viewport = frameViewport(boxOf(nodes), CANVAS, { minZoom: READABLE_ZOOM, maxZoom: 1.1, start: nodes[0] });
    expect(viewport.zoom).toBe(READABLE_ZOOM);
    const start = onScreen(nodes[0]!, viewport);
    expect(start.x).toBe(FRAME_PADDING);
    expect(inside(start, CANVAS)).toBe(true);
    // The row is centred vertically: it fits that way.
    expect(start.y + start.height / 2).toBeCloseTo(CANVAS.height / 2, 0);
  });

  it("shows a small graph whole and centred, no larger than the zoom cap", () => {
    const nodes = row(2);
    const viewport = frameViewport(boxOf(nodes), CANVAS, { minZoom: READABLE_ZOOM, maxZoom: 1.1 });
    expect(viewport.zoom).toBe(1.1);
    const box = onScreen(boxOf(nodes), viewport);
    expect(box.x + box.width / 2).toBeCloseTo(CANVAS.width / 2, 5);
    expect(box.y + box.height / 2).toBeCloseTo(CANVAS.height / 2, 5);
  });

  it("fits a graph whole when that is readable, smaller than it is but not below the floor", () => {
    const nodes = row(3);
    const viewport = frameViewport(boxOf(nodes), CANVAS, { minZoom: READABLE_ZOOM, maxZoom: 1.1 });
    expect(viewport.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(viewport.zoom).toBeLessThan(1.1);
    for (const node of nodes) expect(inside(onScreen(node, viewport), CANVAS)).toBe(true);
  });

  it("keeps the minimap's corner clear, beside it for a tall graph and above it for a wide one", () => {
    const wide = row(4);
    const tall = Array.from({ length: 8 }, (_, i) => ({ x: 0, y: i * 110, ...NODE }));
    for (const nodes of [wide, tall]) {
      const viewport = frameViewport(boxOf(nodes), CANVAS, {
        minZoom: FIT_MIN_ZOOM,
        maxZoom: 1.1,
        reserve: MINIMAP_RESERVE,
      });
      for (const node of nodes) {
        const rect = onScreen(node, viewport);
        expect(inside(rect, CANVAS)).toBe(true);
        expect(clearOfCorner(rect, CANVAS, MINIMAP_RESERVE)).toBe(true);
      }
    }
  });

  it("does not shrink a graph that is clear of the minimap anyway", () => {
    const nodes = row(2);
    const without = frameViewport(boxOf(nodes), CANVAS, { minZoom: FIT_MIN_ZOOM, maxZoom: 1.1 });
    const withMap = frameViewport(boxOf(nodes), CANVAS, {
      minZoom: FIT_MIN_ZOOM,
      maxZoom: 1.1,
      reserve: MINIMAP_RESERVE,
    });
    expect(withMap).toEqual(without);
  });

  it("brings the start node into view when it is not at the graph's left edge, and above the minimap", () => {
    // A tall, wide grid whose entry node sits low and to the right of the leftmost node.
    const nodes = Array.from({ length: 40 }, (_, i) => ({ x: (i % 10) * 316, y: Math.floor(i / 10) * 400, ...NODE }));
    const start = nodes[35]!;
    const viewport = frameViewport(boxOf(nodes), CANVAS, {
      minZoom: READABLE_ZOOM,
      maxZoom: 1.1,
      reserve: MINIMAP_RESERVE,
      start,
    });
    expect(viewport.zoom).toBe(READABLE_ZOOM);
    const rect = onScreen(start, viewport);
    expect(inside(rect, { width: CANVAS.width, height: CANVAS.height - MINIMAP_RESERVE.height })).toBe(true);
  });

  it("opens a template clear of the minimap when it is shown", () => {
    const nodes = row(5).map((rect, i) => ({ id: `n${i}`, type: i ? "model" : "start", position: rect }));
    const doc = documentFromDefinition({ nodes, edges: [] });
    const options = initialFitOptions(doc.nodes, doc.edges, { minimap: true });
    expect(options.padding).toMatchObject({ bottom: `${MINIMAP_RESERVE.height}px` });
    expect(initialFitOptions(doc.nodes, doc.edges).padding).toBe(0.15);
    expect(boundsOf(doc.nodes)).toMatchObject({ x: 0, y: 0, height: DEFAULT_NODE_SIZE.height });
  });
});

describe("layout choices read back from their cookies", () => {
  it("folds and hides only what the user folded or hid", () => {
    expect(sidebarCollapsedFrom(undefined)).toBe(false);
    expect(sidebarCollapsedFrom("collapsed")).toBe(true);
    expect(sidebarCollapsedFrom("junk")).toBe(false);
    const cookies = new Map([
      [PALETTE_COOKIE, "folded"],
      [MINIMAP_COOKIE, "hidden"],
    ]);
    expect(editorLayoutFrom((name) => cookies.get(name))).toEqual({ paletteOpen: false, minimapShown: false });
    expect(editorLayoutFrom(() => undefined)).toEqual({ paletteOpen: true, minimapShown: true });
  });
});
