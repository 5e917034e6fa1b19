"use client";

/**
 * The run's workflow on a read-only canvas, drawn with the editor's own node and edge components (so a
 * node looks the same here as where it was built), each coloured by its state as the run's events arrive:
 * the editor store (components/editor) folds them into `run.nodes`, which the node components read.
 * Nothing can be moved, connected or deleted; clicking a node selects it for the detail panel.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  ReactFlow,
  type DefaultEdgeOptions,
  type EdgeTypes,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useState, type ReactNode } from "react";
import { WorkflowEdge } from "@/components/editor/canvas/workflow-edge";
import { WorkflowNode } from "@/components/editor/canvas/workflow-node";
import { EditorStoreProvider, useEditorApi, useEditorShallow } from "@/components/editor/editor-context";
import { documentFromDefinition, type DefinitionLike, type EditorNode } from "@/components/editor/model/document";
import { layoutPositions } from "@/components/editor/model/layout";
import type { EditorResources } from "@/components/editor/model/resources";
import { EditorResourcesProvider } from "@/components/editor/resources-context";
import { nodeDefinitions } from "@/lib/nodes/registry";
import { defaultValidationContext } from "@/lib/validation/types";

// Module scope: new objects on every render would make React Flow re-mount every node.
const nodeTypes: NodeTypes = Object.fromEntries([
  ...nodeDefinitions.map((d) => [d.type, WorkflowNode]),
  ["default", WorkflowNode],
]);
const edgeTypes: EdgeTypes = { default: WorkflowEdge };
const defaultEdgeOptions: DefaultEdgeOptions = {
  markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: "#a1a1aa" },
};
const proOptions = { hideAttribution: true };
const fitViewOptions = { padding: 0.18, maxZoom: 1 };

/**
 * Graphs made outside the editor (API calls, tests) often leave every node at the origin: lay those out
 * left to right, as the editor's tidy-up would, instead of drawing a pile.
 */
function withLayout(definition: DefinitionLike) {
  const doc = documentFromDefinition(definition);
  const spots = new Set(doc.nodes.map((n) => `${Math.round(n.position.x / 40)}:${Math.round(n.position.y / 40)}`));
  if (doc.nodes.length > 1 && spots.size < doc.nodes.length) {
    const positions = layoutPositions(doc.nodes, doc.edges);
    doc.nodes = doc.nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position }));
  }
  return doc;
}

/** Provides the editor store and resources the node components read, for one run's graph. */
export function LiveCanvasProvider({
  definition,
  names,
  children,
}: {
  definition: DefinitionLike;
  names: { knowledgeBases: Array<{ id: string; name: string }>; workflows: Array<{ id: string; name: string }> };
  children: ReactNode;
}) {
  const [resources] = useState<EditorResources>(() => ({
    userId: "",
    providers: [],
    // A run's canvas edits nothing: the model pickers it never shows need no real default.
    defaultModel: { provider: "local", model: "echo", builtin: true },
    credentials: [],
    knowledgeBases: names.knowledgeBases,
    workflows: names.workflows,
    tools: [],
    validationContext: defaultValidationContext(),
  }));
  const [init] = useState(() => ({ doc: withLayout(definition) }));
  return (
    <EditorStoreProvider init={init}>
      <EditorResourcesProvider resources={resources}>{children}</EditorResourcesProvider>
    </EditorStoreProvider>
  );
}

export function LiveCanvas({ onSelect }: { onSelect: (nodeId: string | null) => void }) {
  const store = useEditorApi();
  const { nodes, edges } = useEditorShallow((state) => ({ nodes: state.nodes, edges: state.edges }));

  // Only what React Flow measures and selects reaches the store: the graph itself is read-only here.
  const onNodesChange = useCallback(
    (changes: NodeChange<EditorNode>[]) => {
      const allowed = changes.filter((change) => change.type === "dimensions" || change.type === "select");
      if (allowed.length) store.getState().onNodesChange(allowed);
    },
    [store],
  );

  return (
    <div className="relative h-full w-full" data-testid="run-canvas">
      <ReactFlow<EditorNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.15}
        maxZoom={1.6}
        proOptions={proOptions}
        onlyRenderVisibleElements={nodes.length > 150}
        className="bg-zinc-50"
        aria-label="The run's workflow"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#d4d4d8" />
        <Controls showInteractive={false} className="!rounded-lg !border !border-zinc-200 !shadow-sm" />
      </ReactFlow>
    </div>
  );
}
