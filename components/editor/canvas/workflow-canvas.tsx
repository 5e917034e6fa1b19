"use client";

/**
 * The canvas: React Flow in controlled mode over the editor store. Nodes come from the palette (drag and
 * drop, or the keyboard), connections are checked as they are drawn (a refused one says why), and
 * deletion goes through the store so that one key press is one undo step.
 */
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type DefaultEdgeOptions,
  type Edge,
  type EdgeTypes,
  type FinalConnectionState,
  type FitViewOptions,
  type IsValidConnection,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Map as MapIcon, MousePointerClick } from "lucide-react";
import { useCallback, useState, type DragEvent } from "react";
import { getNodeDefinition, nodeDefinitions } from "@/lib/nodes/registry";
import { useEditor, useEditorApi, useEditorShallow } from "../editor-context";
import { useEditorLayout } from "../layout-context";
import { checkConnection } from "../model/connections";
import { DEFAULT_NODE_SIZE, type EditorNode } from "../model/document";
import { boundsOf, FIT_MIN_ZOOM, MINIMAP_RESERVE, MINIMAP_SIZE } from "../model/viewport";
import { useFrameGraph } from "./use-frame";
import { WorkflowEdge } from "./workflow-edge";
import { WorkflowNode } from "./workflow-node";

/** The drag-and-drop payload type of a palette item. */
export const PALETTE_DRAG_TYPE = "application/x-lattice-node";

// Module-scope constants: new objects on every render would make React Flow re-mount every node.
const nodeTypes: NodeTypes = Object.fromEntries([
  ...nodeDefinitions.map((definition) => [definition.type, WorkflowNode]),
  // An imported node of a type this deployment does not know is still drawn (and flagged).
  ["default", WorkflowNode],
]);
const edgeTypes: EdgeTypes = { default: WorkflowEdge };
const defaultEdgeOptions: DefaultEdgeOptions = {
  markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: "#a1a1aa" },
};
const proOptions = { hideAttribution: true };

/** Beyond this many nodes, opening a workflow frames its beginning instead of shrinking all of it to dots. */
const LARGE_GRAPH = 60;
/**
 * How far the first framing may zoom out to show a whole workflow: a template's five steps in a row fit the
 * canvas beside the palette and the side panel (about 610 px at 1440 wide) at about 45%.
 */
export { FIT_MIN_ZOOM };
/** A canvas this size at FIT_MIN_ZOOM shows this much of the graph; anything wider is framed from its start. */
const WHOLE_GRAPH_EXTENT = { width: 1200 / FIT_MIN_ZOOM, height: 800 / FIT_MIN_ZOOM };
/** The first steps framed when the whole graph is too large to show, and the zoom they are shown at. */
const START_FRAME = { nodes: 3, minZoom: 0.7 };

/**
 * How a loaded workflow is first framed: all of it (Start to End on screen, zoomed out as far as
 * FIT_MIN_ZOOM if it must be) — a workflow just made from a template opens whole. A graph too large for that
 * (many nodes, or spread too wide) is framed from its Start node and the first steps after it at a readable
 * zoom; the rest is a pan or the minimap away (and React Flow only has to draw what is on screen).
 */
export function initialFitOptions(
  nodes: readonly EditorNode[],
  edges: readonly Edge[],
  { minimap = false }: { minimap?: boolean } = {},
): FitViewOptions {
  const extent = boundsOf(nodes);
  // A shown minimap takes the bottom-right corner: the graph is framed above it.
  const whole = {
    padding: minimap ? { x: 0.15, top: 0.15, bottom: `${MINIMAP_RESERVE.height}px` as const } : 0.15,
    maxZoom: 1.1,
    minZoom: FIT_MIN_ZOOM,
  };
  if (
    nodes.length <= LARGE_GRAPH &&
    extent.width <= WHOLE_GRAPH_EXTENT.width &&
    extent.height <= WHOLE_GRAPH_EXTENT.height
  )
    return whole;
  const start = nodes.find((node) => getNodeDefinition(node.type ?? "")?.entry) ?? nodes[0]!;
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const framed = new Set([start.id]);
  const queue = [start.id];
  for (let i = 0; i < queue.length && framed.size < START_FRAME.nodes; i += 1) {
    for (const target of next.get(queue[i]!) ?? []) {
      if (framed.has(target) || framed.size >= START_FRAME.nodes) continue;
      framed.add(target);
      queue.push(target);
    }
  }
  return {
    padding: 0.2,
    maxZoom: 1.1,
    minZoom: START_FRAME.minZoom,
    nodes: [...framed].map((id) => ({ id })),
  };
}

function miniMapColor(node: EditorNode): string {
  return getNodeDefinition(node.type ?? "")?.color ?? "#a1a1aa";
}

export function WorkflowCanvas() {
  const store = useEditorApi();
  const { nodes, edges, onNodesChange, onEdgesChange } = useEditorShallow((state) => ({
    nodes: state.nodes,
    edges: state.edges,
    onNodesChange: state.onNodesChange,
    onEdgesChange: state.onEdgesChange,
  }));
  const notice = useEditor((state) => state.notice);
  const { minimapShown, setMinimapShown } = useEditorLayout();
  const frame = useFrameGraph();
  // Fit a loaded workflow into view once; an empty canvas stays put, so the first drop lands where it is dropped.
  const [fitOnLoad] = useState(() => store.getState().nodes.length > 0);
  const [fitViewOptions] = useState(() =>
    initialFitOptions(store.getState().nodes, store.getState().edges, { minimap: minimapShown }),
  );
  const { screenToFlowPosition } = useReactFlow();

  const onConnect = useCallback(
    (connection: Connection) => {
      const verdict = store.getState().connect(connection);
      if (!verdict.ok) store.getState().notify(verdict.reason, "error");
    },
    [store],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (connection: Connection | Edge) => {
      const { nodes: current, edges: currentEdges } = store.getState();
      return checkConnection(connection, current, currentEdges).ok;
    },
    [store],
  );

  // React Flow drops a refused connection silently; say why, so the user is not left guessing.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const fromSource = state.fromHandle?.type !== "target";
      const attempt = fromSource
        ? {
            source: state.fromNode.id,
            sourceHandle: state.fromHandle?.id ?? null,
            target: state.toNode.id,
            targetHandle: state.toHandle?.id ?? null,
          }
        : {
            source: state.toNode.id,
            sourceHandle: state.toHandle?.id ?? null,
            target: state.fromNode.id,
            targetHandle: state.fromHandle?.id ?? null,
          };
      const { nodes: current, edges: currentEdges } = store.getState();
      const verdict = checkConnection(attempt, current, currentEdges);
      if (!verdict.ok) store.getState().notify(verdict.reason, "error");
    },
    [store],
  );

  // Selecting a node opens its settings, whatever panel was showing.
  const onNodeClick = useCallback(() => store.getState().setPanel("inspector"), [store]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // The node lands centred under the pointer, as it was held.
      store.getState().addNode(type, { x: point.x - DEFAULT_NODE_SIZE.width / 2, y: point.y - 28 });
    },
    [screenToFlowPosition, store],
  );

  return (
    <div className="relative h-full w-full" data-testid="canvas">
      <ReactFlow<EditorNode>
        // Drops from the palette land on the flow itself (its role="application" element, which fills this box).
        onDragOver={onDragOver}
        onDrop={onDrop}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeClick={onNodeClick}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        // Deletion and copy/paste are the editor's own shortcuts (one undo step each).
        deleteKeyCode={null}
        fitView={fitOnLoad}
        fitViewOptions={fitViewOptions}
        minZoom={0.1}
        maxZoom={2}
        snapToGrid
        snapGrid={[8, 8]}
        connectionRadius={28}
        proOptions={proOptions}
        // Large graphs: draw only what is on screen, so opening a 500-node workflow stays fast.
        onlyRenderVisibleElements={nodes.length > 150}
        className="bg-zinc-50"
        aria-label="Workflow canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#d4d4d8" />
        {minimapShown ? (
          <MiniMap<EditorNode>
            pannable
            zoomable
            nodeColor={miniMapColor}
            nodeBorderRadius={6}
            maskColor="rgb(244 244 245 / 0.7)"
            className="!rounded-lg !border !border-zinc-200 !shadow-sm"
            style={MINIMAP_SIZE}
            ariaLabel="Mini map"
          />
        ) : null}
        <Controls
          showInteractive={false}
          onFitView={() => frame("fit")}
          className="!rounded-lg !border !border-zinc-200 !shadow-sm"
        >
          <ControlButton
            data-testid="minimap-toggle"
            onClick={() => setMinimapShown(!minimapShown)}
            aria-pressed={minimapShown}
            aria-label={minimapShown ? "Hide the minimap" : "Show the minimap"}
            title={minimapShown ? "Hide the minimap" : "Show the minimap"}
          >
            <MapIcon aria-hidden className={minimapShown ? "text-indigo-600" : "text-zinc-500"} />
          </ControlButton>
        </Controls>
        {nodes.length === 0 ? (
          <Panel position="top-center" className="!mt-24">
            <div className="flex max-w-sm flex-col items-center rounded-xl border border-dashed border-zinc-300 bg-white/90 px-6 py-5 text-center shadow-xs backdrop-blur">
              <MousePointerClick aria-hidden className="size-6 text-indigo-500" />
              <p className="mt-2 text-sm font-medium text-zinc-800">Start building</p>
              <p className="mt-1 text-[13px] text-zinc-500">
                Drag a node from the palette, or press{" "}
                <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1 font-mono text-[11px]">/</kbd> to search
                and <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1 font-mono text-[11px]">Enter</kbd> to
                add. Every workflow begins with a Start node and finishes at an End node.
              </p>
            </div>
          </Panel>
        ) : null}
        {notice ? (
          <Panel position="top-center">
            <div
              role={notice.tone === "error" ? "alert" : "status"}
              data-testid="canvas-notice"
              className={
                notice.tone === "error"
                  ? "max-w-md rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 shadow-sm"
                  : "max-w-md rounded-lg border border-zinc-200 bg-white px-3 py-2 text-[13px] text-zinc-700 shadow-sm"
              }
            >
              {notice.text}
            </div>
          </Panel>
        ) : null}
      </ReactFlow>
    </div>
  );
}
