/**
 * Where the canvas looks after Fit to screen and Tidy up: pure, so the zoom rules are unit-tested.
 * - A graph that fits at or above the mode's floor is shown whole and centred, at most at `maxZoom`.
 * - One that would need less than the floor (a tidied 12-step row on a 800 px canvas needs ~0.2) keeps
 *   the floor, where node text stays readable, and shows its start: its left edge at the padding, its
 *   start node's row in the middle; the rest is a pan or the minimap away.
 * - The minimap's corner (`reserve`, bottom right) is kept clear: the graph is framed in the canvas beside
 *   it or above it, whichever shows it larger, unless it is clear of the corner anyway.
 */
import { DEFAULT_NODE_SIZE, type EditorNode } from "./document";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Node text (13 px) reads at about 10 px and up: Tidy up never zooms out further. */
export const READABLE_ZOOM = 0.75;
/** Fit to screen shows more of a large graph, but never smaller than this (the first framing's floor too). */
export const FIT_MIN_ZOOM = 0.3;
/** Screen pixels kept free around a framed graph: clear of the canvas's zoom controls (bottom left). */
export const FRAME_PADDING = 48;
/** The minimap as drawn (workflow-canvas.tsx) and React Flow's margin around a panel. */
export const MINIMAP_SIZE: Size = { width: 168, height: 112 };
export const PANEL_MARGIN = 15;
/** The bottom-right corner a shown minimap takes, with a gap before the graph. */
export const MINIMAP_RESERVE: Size = {
  width: MINIMAP_SIZE.width + PANEL_MARGIN + 12,
  height: MINIMAP_SIZE.height + PANEL_MARGIN + 12,
};

export interface FrameOptions {
  /** The smallest zoom the graph is shown at whole; below it, its start is shown at this zoom. */
  minZoom: number;
  maxZoom: number;
  padding?: number;
  /** A box in the canvas's bottom-right corner to keep clear (the minimap), if any. */
  reserve?: Size | null;
  /** The start of the graph (its entry node), kept in view when the whole graph does not fit. */
  start?: Rect | null;
}

interface Area {
  width: number;
  height: number;
}

function zoomToFit(bounds: Rect, area: Area, padding: number, maxZoom: number): number {
  const width = Math.max(1, area.width - 2 * padding);
  const height = Math.max(1, area.height - 2 * padding);
  return Math.min(maxZoom, width / Math.max(1, bounds.width), height / Math.max(1, bounds.height));
}

function centred(bounds: Rect, area: Area, zoom: number): Viewport {
  return {
    x: (area.width - bounds.width * zoom) / 2 - bounds.x * zoom,
    y: (area.height - bounds.height * zoom) / 2 - bounds.y * zoom,
    zoom,
  };
}

/** Where `bounds` lands on screen under `viewport`. */
export function onScreen(bounds: Rect, viewport: Viewport): Rect {
  return {
    x: bounds.x * viewport.zoom + viewport.x,
    y: bounds.y * viewport.zoom + viewport.y,
    width: bounds.width * viewport.zoom,
    height: bounds.height * viewport.zoom,
  };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function frameViewport(bounds: Rect, canvas: Size, options: FrameOptions): Viewport {
  const padding = options.padding ?? FRAME_PADDING;
  const reserve = options.reserve ?? null;
  const corner = reserve ? { x: canvas.width - reserve.width, y: canvas.height - reserve.height, ...reserve } : null;
  // The whole canvas if the graph stays clear of the corner there, else beside or above the corner.
  const areas: Area[] = [canvas];
  if (reserve)
    areas.push(
      { width: canvas.width - reserve.width, height: canvas.height },
      { width: canvas.width, height: canvas.height - reserve.height },
    );
  let best: Viewport | null = null;
  for (const [index, area] of areas.entries()) {
    const viewport = centred(bounds, area, zoomToFit(bounds, area, padding, options.maxZoom));
    if (index === 0 && corner && overlaps(onScreen(bounds, viewport), corner)) continue;
    if (!best || viewport.zoom > best.zoom) best = viewport;
  }
  if (best && best.zoom >= options.minZoom) return best;

  // Too large to show whole at a readable zoom: its start, at the floor, above the minimap's corner.
  const zoom = options.minZoom;
  const area = { width: canvas.width, height: canvas.height - (reserve?.height ?? 0) };
  const middle = centred(bounds, area, zoom);
  const start = options.start ?? bounds;
  return {
    x: startAxis("x", bounds, start, area, padding, zoom, middle.x),
    y: startAxis("y", bounds, start, area, padding, zoom, middle.y),
    zoom,
  };
}

/**
 * One axis of a graph larger than the view: centred if it fits along this axis; else its leading edge at
 * the padding (x: a left-to-right graph's start) or its start node in the middle (y), never past the graph's
 * far edge (no empty band where there is more graph to show), and the start node always in view.
 */
function startAxis(
  axis: "x" | "y",
  bounds: Rect,
  start: Rect,
  area: Area,
  padding: number,
  zoom: number,
  centre: number,
): number {
  const size = axis === "x" ? "width" : "height";
  if (bounds[size] * zoom <= area[size] - 2 * padding) return centre;
  const leading = padding - bounds[axis] * zoom;
  const trailing = area[size] - padding - (bounds[axis] + bounds[size]) * zoom;
  const wanted = axis === "x" ? leading : area[size] / 2 - (start[axis] + start[size] / 2) * zoom;
  // The start node's far edge within the view, then the graph's edges.
  const startInView = Math.min(wanted, area[size] - padding - (start[axis] + start[size]) * zoom);
  return Math.min(leading, Math.max(trailing, startInView));
}

/** The graph's box in flow coordinates (nodes not yet measured count at their default size). */
export function boundsOf(nodes: readonly EditorNode[]): Rect {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    const width = node.measured?.width ?? node.width ?? DEFAULT_NODE_SIZE.width;
    const height = node.measured?.height ?? node.height ?? DEFAULT_NODE_SIZE.height;
    minX = Math.min(minX, node.position.x);
    minY = Math.min(minY, node.position.y);
    maxX = Math.max(maxX, node.position.x + width);
    maxY = Math.max(maxY, node.position.y + height);
  }
  return nodes.length
    ? { x: minX, y: minY, width: maxX - minX, height: maxY - minY }
    : { x: 0, y: 0, width: 0, height: 0 };
}
