"use client";

/**
 * The node palette: every registry type, grouped by category, searchable. A type is added by dragging it
 * onto the canvas, or from the keyboard: `/` focuses the search, arrows move, Enter adds the type next to
 * the selected node (and connects it) or in the middle of the view. It folds to a rail of the types' icons
 * (still draggable and clickable, named by their tooltips) to give the canvas the room; `/` unfolds it.
 */
import { useReactFlow } from "@xyflow/react";
import { clsx } from "clsx";
import { PanelLeftClose, PanelLeftOpen, Search } from "lucide-react";
import { useId, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { nodeDefinitions } from "@/lib/nodes/registry";
import { NODE_CATEGORIES, type AnyNodeDefinition, type NodeCategory } from "@/lib/nodes/types";
import { useEditorApi } from "./editor-context";
import { PALETTE_DRAG_TYPE } from "./canvas/workflow-canvas";
import { useEditorLayout } from "./layout-context";
import { DEFAULT_NODE_SIZE, type EditorNode } from "./model/document";
import { nodeIcon } from "./node-icons";

const CATEGORY_LABELS: Record<NodeCategory, string> = {
  flow: "Flow",
  ai: "AI",
  data: "Data",
  logic: "Logic",
  integration: "Integrations",
  human: "People",
};

const definitions = nodeDefinitions as unknown as readonly AnyNodeDefinition[];

export function matchesSearch(definition: AnyNodeDefinition, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [definition.type, definition.label, definition.description, CATEGORY_LABELS[definition.category]]
    .join(" ")
    .toLowerCase()
    .includes(q);
}

/** The nearest place at or below `wanted` where a new node overlaps no other node (with a margin). */
export function freeSpot(nodes: readonly EditorNode[], wanted: { x: number; y: number }): { x: number; y: number } {
  const margin = 24;
  const { width, height } = DEFAULT_NODE_SIZE;
  const overlaps = (at: { x: number; y: number }) =>
    nodes.some((node) => {
      const w = node.measured?.width ?? width;
      const h = node.measured?.height ?? height;
      return (
        at.x < node.position.x + w + margin &&
        at.x + width + margin > node.position.x &&
        at.y < node.position.y + h + margin &&
        at.y + height + margin > node.position.y
      );
    });
  let position = wanted;
  for (let step = 0; step < 60 && overlaps(position); step += 1) position = { x: wanted.x, y: position.y + 40 };
  return position;
}

/** Adds a node where a keyboard user expects it: after the selected node, else in the middle of the view. */
export function useAddNode() {
  const store = useEditorApi();
  const { screenToFlowPosition, flowToScreenPosition, setCenter, getZoom } = useReactFlow();
  /** A node added beside one at the edge of the view lands outside it: bring it into view, keeping the zoom. */
  const reveal = (position: { x: number; y: number }) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!canvas) return;
    const topLeft = flowToScreenPosition(position);
    const bottomRight = flowToScreenPosition({
      x: position.x + DEFAULT_NODE_SIZE.width,
      y: position.y + DEFAULT_NODE_SIZE.height,
    });
    const inside =
      topLeft.x >= canvas.left &&
      topLeft.y >= canvas.top &&
      bottomRight.x <= canvas.right &&
      bottomRight.y <= canvas.bottom;
    if (!inside)
      void setCenter(position.x + DEFAULT_NODE_SIZE.width / 2, position.y + DEFAULT_NODE_SIZE.height / 2, {
        zoom: getZoom(),
        duration: 200,
      });
  };
  return (type: string) => {
    const state = store.getState();
    const selected = state.nodes.filter((node) => node.selected);
    const anchor = selected.length === 1 ? selected[0] : undefined;
    let position: { x: number; y: number };
    if (anchor) {
      position = {
        x: anchor.position.x + (anchor.measured?.width ?? DEFAULT_NODE_SIZE.width) + 80,
        y: anchor.position.y,
      };
    } else {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const centre = canvas
        ? screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 })
        : { x: 0, y: 0 };
      position = { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - DEFAULT_NODE_SIZE.height / 2 };
    }
    position = freeSpot(state.nodes, position);
    const id = state.addNode(type, position, anchor ? { connectFrom: anchor.id } : undefined);
    if (id) reveal(position);
    return id;
  };
}

const railButton =
  "rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500";

export function Palette() {
  const { paletteOpen } = useEditorLayout();
  return paletteOpen ? <OpenPalette /> : <FoldedPalette />;
}

/** Folds an open palette, unfolds a folded one. */
function PaletteToggle({ open }: { open: boolean }) {
  const { setPaletteOpen } = useEditorLayout();
  const label = open ? "Fold the node palette" : "Show the node palette";
  const Icon = open ? PanelLeftClose : PanelLeftOpen;
  return (
    <button
      type="button"
      data-testid="palette-toggle"
      onClick={() => setPaletteOpen(!open)}
      aria-expanded={open}
      aria-label={label}
      title={label}
      className={clsx(railButton, open && "text-zinc-400")}
    >
      <Icon aria-hidden className="size-4" />
    </button>
  );
}

/** Folded: a rail with the unfold button, the search (which unfolds), and every type as an icon. */
function FoldedPalette() {
  const { focusPaletteSearch } = useEditorLayout();
  const [tip, setTip] = useState<Tip | null>(null);
  const addNode = useAddNode();
  return (
    <aside
      aria-label="Node palette (folded)"
      data-testid="palette"
      data-folded="true"
      className="flex h-full w-12 shrink-0 flex-col items-center border-r border-zinc-200 bg-white"
    >
      <div className="flex flex-col items-center gap-1 border-b border-zinc-100 py-2">
        <PaletteToggle open={false} />
        <button
          type="button"
          onClick={focusPaletteSearch}
          aria-label="Search nodes (/)"
          title="Search nodes (/)"
          className={railButton}
        >
          <Search aria-hidden className="size-4" />
        </button>
      </div>
      <div
        role="listbox"
        aria-label="Node types"
        className="flex w-full flex-1 flex-col items-center gap-0.5 overflow-y-auto py-2"
      >
        {NODE_CATEGORIES.map((category, index) => (
          // One group per category, as in the open palette, set apart by a rule.
          <fieldset
            key={category}
            aria-label={CATEGORY_LABELS[category]}
            className={clsx("flex flex-col items-center gap-0.5", index > 0 && "mt-1 border-t border-zinc-100 pt-1")}
          >
            {definitions
              .filter((definition) => definition.category === category)
              .map((definition) => (
                <PaletteItem
                  key={definition.type}
                  id={`palette-rail-${definition.type}`}
                  definition={definition}
                  active={false}
                  compact
                  onAdd={() => addNode(definition.type)}
                  onTip={setTip}
                />
              ))}
          </fieldset>
        ))}
      </div>
      <PaletteTooltip tip={tip} />
    </aside>
  );
}

function OpenPalette() {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [tip, setTip] = useState<Tip | null>(null);
  const listId = useId();
  const searchRef = useRef<HTMLInputElement>(null);
  const addNode = useAddNode();

  const visible = useMemo(() => definitions.filter((definition) => matchesSearch(definition, query)), [query]);
  const grouped = useMemo(
    () =>
      NODE_CATEGORIES.map((category) => ({
        category,
        items: visible.filter((definition) => definition.category === category),
      })).filter((group) => group.items.length > 0),
    [visible],
  );
  const ordered = grouped.flatMap((group) => group.items);
  const activeType = ordered[Math.min(active, ordered.length - 1)]?.type;

  const add = (type: string) => {
    addNode(type);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((i) => Math.min(i + 1, ordered.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === "Enter" && activeType) {
      event.preventDefault();
      add(activeType);
    } else if (event.key === "Escape") {
      setQuery("");
      searchRef.current?.blur();
    }
  };

  return (
    <aside
      aria-label="Node palette"
      data-testid="palette"
      className="flex h-full w-48 shrink-0 flex-col border-r border-zinc-200 bg-white xl:w-52"
    >
      {/* A heading row for the fold button: beside the search it would squeeze the field's placeholder. */}
      <div className="flex items-center justify-between pt-2 pr-1.5 pl-4">
        <h2 className="text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">Nodes</h2>
        <PaletteToggle open />
      </div>
      <div className="border-b border-zinc-100 px-3 pt-1 pb-3">
        <label className="relative block">
          <span className="sr-only">Search nodes</span>
          <Search
            aria-hidden
            className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400"
          />
          <input
            ref={searchRef}
            data-testid="palette-search"
            data-palette-search
            type="search"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActive(0);
            }}
            onKeyDown={onSearchKey}
            placeholder="Search nodes"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={activeType ? `${listId}-${activeType}` : undefined}
            className="h-8 w-full rounded-md border border-zinc-200 bg-zinc-50 pr-10 pl-8 text-[13px] text-zinc-900 placeholder:text-zinc-400 focus:border-indigo-400 focus:bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500/30"
          />
          <kbd className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-zinc-200 bg-white px-1.5 font-mono text-[10px] text-zinc-400">
            /
          </kbd>
        </label>
      </div>
      <div id={listId} role="listbox" aria-label="Node types" className="flex-1 overflow-y-auto px-2 pt-1 pb-4">
        {grouped.length === 0 ? (
          <p className="px-2 py-6 text-center text-[13px] text-zinc-500">No node matches “{query}”.</p>
        ) : (
          grouped.map(({ category, items }) => (
            <fieldset key={category} aria-label={CATEGORY_LABELS[category]} className="mt-2 min-w-0">
              <p className="px-2 pb-1 text-[10.5px] font-semibold tracking-wider text-zinc-400 uppercase">
                {CATEGORY_LABELS[category]}
              </p>
              {items.map((definition) => (
                <PaletteItem
                  key={definition.type}
                  id={`${listId}-${definition.type}`}
                  definition={definition}
                  active={definition.type === activeType && query.trim() !== ""}
                  onAdd={() => add(definition.type)}
                  onTip={setTip}
                />
              ))}
            </fieldset>
          ))
        )}
      </div>
      <PaletteTooltip tip={tip} />
      <p className="border-t border-zinc-100 px-3 py-2 text-[11px] leading-snug text-zinc-400">
        Drag onto the canvas, or select a node and press Enter on a type to add it after.
      </p>
    </aside>
  );
}

interface Tip {
  definition: AnyNodeDefinition;
  top: number;
  left: number;
}

function PaletteItem({
  id,
  definition,
  active,
  compact = false,
  onAdd,
  onTip,
}: {
  id: string;
  definition: AnyNodeDefinition;
  active: boolean;
  /** The folded rail's icon only; the label stays the item's accessible name and heads its tooltip. */
  compact?: boolean;
  onAdd: () => void;
  onTip: (tip: Tip | null) => void;
}) {
  const Icon = nodeIcon(definition.icon);
  const onDragStart = (event: DragEvent<HTMLButtonElement>) => {
    onTip(null);
    event.dataTransfer.setData(PALETTE_DRAG_TYPE, definition.type);
    event.dataTransfer.setData("text/plain", definition.label);
    event.dataTransfer.effectAllowed = "move";
  };
  const showTip = (element: HTMLElement) => {
    const rect = element.getBoundingClientRect();
    onTip({ definition, top: rect.top, left: rect.right + 10 });
  };
  return (
    <button
      id={id}
      type="button"
      role="option"
      aria-selected={active}
      aria-describedby={`${id}-description`}
      draggable
      onDragStart={onDragStart}
      onClick={onAdd}
      onMouseEnter={(event) => showTip(event.currentTarget)}
      onMouseLeave={() => onTip(null)}
      onFocus={(event) => showTip(event.currentTarget)}
      onBlur={() => onTip(null)}
      data-testid={`palette-item-${definition.type}`}
      className={clsx(
        "flex cursor-grab items-center gap-2.5 rounded-md text-left text-[13px] text-zinc-700 active:cursor-grabbing",
        compact ? "justify-center p-1" : "w-full px-2 py-1.5",
        "hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-indigo-500",
        active && "bg-indigo-50 text-indigo-900 ring-1 ring-indigo-200",
      )}
    >
      <span
        className="flex size-6 shrink-0 items-center justify-center rounded-md text-white"
        style={{ backgroundColor: definition.color }}
      >
        <Icon aria-hidden className="size-3.5" />
      </span>
      <span className={compact ? "sr-only" : "truncate font-medium"}>{definition.label}</span>
      <span id={`${id}-description`} className="sr-only">
        {definition.description}
      </span>
    </button>
  );
}

/**
 * The tooltip of the hovered or focused item. Fixed-positioned and drawn outside the scrolling list, which
 * would otherwise clip it.
 */
function PaletteTooltip({ tip }: { tip: Tip | null }) {
  if (!tip) return null;
  return (
    <div
      role="tooltip"
      data-testid="palette-tooltip"
      style={{ top: tip.top, left: tip.left }}
      className="pointer-events-none fixed z-50 w-64 animate-[fade-in_150ms_ease-out_200ms_both] rounded-lg bg-zinc-900 px-3 py-2 text-[12px] leading-snug text-zinc-200 shadow-lg"
    >
      <span className="mb-0.5 block font-semibold text-white">{tip.definition.label}</span>
      {tip.definition.description}
    </div>
  );
}
