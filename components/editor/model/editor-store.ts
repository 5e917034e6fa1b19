/**
 * The editor's state: the workflow document on the canvas, its undo/redo history, what is saved, the live
 * validation result, the side panel and the test run. One store per editor, made by `createEditorStore`
 * (zustand's vanilla store, so it is framework-free: tests drive it without React or a DOM).
 *
 * Every document edit goes through `edit()`, which records the undo step and bumps the revision; selection,
 * measured sizes, validation and run state are not document edits and never enter the history.
 */
import type { Connection, EdgeChange, NodeChange } from "@xyflow/react";
import { createStore, type StoreApi } from "zustand/vanilla";
import { isNodeType } from "@/lib/nodes/registry";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ValidationResult } from "@/lib/validation/types";
import type { PinnedInput, RetryPolicy } from "@/lib/workflow/definition";
import { copySelection, materializePaste, type ClipboardPayload } from "./clipboard";
import { checkConnection, type ConnectionVerdict } from "./connections";
import {
  createNode,
  edgeIdFor,
  nodeHandles,
  OUTPUT_HANDLE,
  type EditorEdge,
  type EditorNode,
  type WorkflowDocument,
} from "./document";
import { emptyHistory, record, redo as redoStep, seal, undo as undoStep, type History, type Snapshot } from "./history";
import { EMPTY_ISSUE_INDEX, indexIssues, type IssueIndex } from "./issues";
import { applyRunEvent, IDLE_RUN, startingRun, type RunState } from "./run-state";
import type { NodeRunSession } from "./single-node";

export type PanelId = "inspector" | "issues" | "versions" | "triggers" | "run";

export interface EditorNotice {
  id: number;
  tone: "info" | "error";
  text: string;
}

export interface EditorFocus {
  nodeId: string;
  /** A config field path ("branches.0.expression"), or null for the node as a whole. */
  field: string | null;
  /** Changes on every request, so focusing the same field twice still scrolls to it. */
  nonce: number;
}

export interface EditorData extends WorkflowDocument {
  /** null until the first save creates the workflow. */
  workflowId: string | null;
  /** The version the canvas was loaded from or last saved as (the save's `baseVersion`). */
  savedVersion: number | null;
  revision: number;
  savedRevision: number;
  /** A save is in flight (see ./save): the Save button is busy and another save starts nothing. */
  saving: boolean;
  /** Why the last save was refused because someone saved since (HTTP 409), until dismissed or saved over. */
  conflict: string | null;
  history: History;
  /** A node drag is in progress (its undo step was recorded when it began). */
  dragging: boolean;
  validation: ValidationResult | null;
  issues: IssueIndex;
  focus: EditorFocus | null;
  panel: PanelId;
  /** The side panel can be folded away to give the canvas the room. */
  panelOpen: boolean;
  run: RunState;
  /** The last "Run this node" (see ./single-node), apart from the Test panel's run. */
  nodeRun: NodeRunSession | null;
  notice: EditorNotice | null;
}

export interface EditorActions {
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<EditorEdge>[]): void;
  /** Adds an edge if the rules allow it; the verdict says why not. */
  connect(connection: Connection): ConnectionVerdict;
  /** Adds a node of a registry type; `connectFrom` also links it after that node's single output. */
  addNode(type: string, position: { x: number; y: number }, options?: { connectFrom?: string }): string | null;
  updateConfig(nodeId: string, key: string, value: unknown): void;
  updateLabel(nodeId: string, label: string): void;
  updateRetry(nodeId: string, retry: RetryPolicy | undefined): void;
  /** Pins the input "Run this node" starts the node from (undefined clears it); one undo step. */
  setPinnedInput(nodeId: string, input: PinnedInput | undefined): void;
  setName(name: string): void;
  setDescription(description: string): void;
  deleteSelection(): void;
  deleteElements(ids: { nodeIds?: string[]; edgeIds?: string[] }): void;
  duplicateSelection(): void;
  copySelection(): ClipboardPayload | null;
  paste(payload: ClipboardPayload, at?: { x: number; y: number }): void;
  selectAll(): void;
  clearSelection(): void;
  selectNode(nodeId: string, field?: string | null): void;
  /** Moves nodes to new positions as one undo step (tidy-up computes them: see `tidyUp` in ../tidy-up). */
  applyPositions(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  undo(): void;
  redo(): void;
  /** Ends a coalescing burst (an input lost focus): the next edit is its own undo step. */
  sealHistory(): void;
  /** Replaces the document as one undoable step (restoring a version); `saved` marks the result as saved. */
  replaceDocument(doc: WorkflowDocument, saved?: { workflowId: string; version: number }): void;
  markSaved(saved: { workflowId: string; version: number; revision: number }): void;
  setValidation(result: ValidationResult | null): void;
  setPanel(panel: PanelId): void;
  setPanelOpen(open: boolean): void;
  notify(text: string, tone?: EditorNotice["tone"]): void;
  dismissNotice(): void;
  resetRun(run?: RunState): void;
  applyRunEvents(events: readonly ExecutionEvent[]): void;
  updateRun(update: (run: RunState) => RunState): void;
  /** A new single-node run of `nodeId` (one at a time: it replaces the last). */
  startNodeRun(nodeId: string): void;
  updateNodeRun(update: (session: NodeRunSession) => NodeRunSession): void;
}

export type EditorState = EditorData & EditorActions;
export type EditorStore = StoreApi<EditorState>;

export interface EditorInit {
  doc: WorkflowDocument;
  workflowId?: string | null;
  version?: number | null;
  /** Injected clock, for tests of coalescing. */
  now?: () => number;
}

export function documentOf(state: WorkflowDocument): WorkflowDocument {
  return {
    name: state.name,
    description: state.description,
    metadata: state.metadata,
    nodes: state.nodes,
    edges: state.edges,
  };
}

export function isDirty(state: Pick<EditorData, "revision" | "savedRevision">): boolean {
  return state.revision !== state.savedRevision;
}

export function selectedNodes(state: Pick<EditorData, "nodes">): EditorNode[] {
  return state.nodes.filter((node) => node.selected);
}

/** Renames and removals of a branching node's outputs carry over to its edges. */
function followHandleChanges(nodeId: string, before: string[], after: string[], edges: EditorEdge[]): EditorEdge[] {
  if (before.join("\u0000") === after.join("\u0000")) return edges;
  let mapping: Map<string, string | null> | null = null;
  if (before.length === after.length) {
    // Same count: a rename in place (the user edited a branch key).
    mapping = new Map();
    before.forEach((handle, i) => {
      if (after[i] !== handle && !after.includes(handle)) mapping!.set(handle, after[i]!);
    });
  } else if (before.length === after.length + 1) {
    // One fewer: the user removed a branch; its connections go with it.
    const removed = before.find((handle, i) => after[i] !== handle);
    if (removed && before.filter((handle) => handle !== removed).join("\u0000") === after.join("\u0000")) {
      mapping = new Map([[removed, null]]);
    }
  }
  if (!mapping || mapping.size === 0) return edges;
  let changed = false;
  const next: EditorEdge[] = [];
  for (const edge of edges) {
    if (edge.source !== nodeId || !edge.sourceHandle || !mapping.has(edge.sourceHandle)) {
      next.push(edge);
      continue;
    }
    changed = true;
    const handle = mapping.get(edge.sourceHandle);
    if (handle) next.push({ ...edge, sourceHandle: handle });
  }
  return changed ? next : edges;
}

export function createEditorStore(init: EditorInit): EditorStore {
  const now = init.now ?? (() => Date.now());
  let revisionCounter = 1;
  let noticeCounter = 0;
  let focusCounter = 0;

  return createStore<EditorState>()((set, get) => {
    const snapshot = (): Snapshot => ({ doc: documentOf(get()), revision: get().revision });

    /** Applies a document change as an undo step (merged into the previous one when `key` repeats). */
    const edit = (key: string | null, change: (state: EditorState) => Partial<WorkflowDocument> | null): boolean => {
      const state = get();
      const patch = change(state);
      if (!patch) return false;
      revisionCounter += 1;
      set({ ...patch, history: record(state.history, snapshot(), key, now()), revision: revisionCounter });
      return true;
    };

    /** Puts a snapshot back, keeping what is not part of the document (selection, measured size). */
    const restore = (target: Snapshot): Partial<EditorData> => {
      const current = new Map(get().nodes.map((node) => [node.id, node]));
      const nodes = target.doc.nodes.map((node) => {
        const live = current.get(node.id);
        if (!live) return node.selected ? { ...node, selected: false } : node;
        if (live.data === node.data && live.position === node.position && live.type === node.type) return live;
        return { ...node, selected: live.selected, measured: live.measured, dragging: false };
      });
      return { ...target.doc, nodes, revision: target.revision, dragging: false };
    };

    const setSelection = (nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()) => {
      const { nodes, edges } = get();
      set({
        nodes: nodes.map((node) =>
          Boolean(node.selected) === nodeIds.has(node.id) ? node : { ...node, selected: nodeIds.has(node.id) },
        ),
        edges: edges.map((edge) =>
          Boolean(edge.selected) === edgeIds.has(edge.id) ? edge : { ...edge, selected: edgeIds.has(edge.id) },
        ),
      });
    };

    const removeElements = (nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string>): boolean =>
      edit(null, (state) => {
        if (nodeIds.size === 0 && edgeIds.size === 0) return null;
        const nodes = state.nodes.filter((node) => !nodeIds.has(node.id));
        const edges = state.edges.filter(
          (edge) => !edgeIds.has(edge.id) && !nodeIds.has(edge.source) && !nodeIds.has(edge.target),
        );
        if (nodes.length === state.nodes.length && edges.length === state.edges.length) return null;
        return { nodes, edges };
      });

    const updateNode = (nodeId: string, key: string, update: (node: EditorNode) => EditorNode | null) =>
      edit(key, (state) => {
        const index = state.nodes.findIndex((node) => node.id === nodeId);
        const node = state.nodes[index];
        if (!node) return null;
        const next = update(node);
        if (!next) return null;
        const nodes = state.nodes.slice();
        nodes[index] = next;
        const before = nodeHandles(node.type, node.data.config).outputs;
        const after = nodeHandles(next.type, next.data.config).outputs;
        return { nodes, edges: followHandleChanges(nodeId, before, after, state.edges) };
      });

    return {
      ...init.doc,
      workflowId: init.workflowId ?? null,
      savedVersion: init.version ?? null,
      revision: 1,
      // A new workflow starts clean: an empty canvas has nothing to lose.
      savedRevision: 1,
      saving: false,
      conflict: null,
      history: emptyHistory(),
      dragging: false,
      validation: null,
      issues: EMPTY_ISSUE_INDEX,
      focus: null,
      panel: "inspector",
      panelOpen: true,
      run: IDLE_RUN,
      nodeRun: null,
      notice: null,

      onNodesChange(changes) {
        const state = get();
        const byId = new Map<string, NodeChange<EditorNode>[]>();
        const removed = new Set<string>();
        let dragStarts = false;
        let dragEnds = false;
        let moves = false;
        for (const change of changes) {
          if (change.type === "remove") {
            removed.add(change.id);
            continue;
          }
          if (change.type === "add" || change.type === "replace") continue;
          if (change.type === "position") {
            moves ||= change.position !== undefined;
            if (change.dragging === true && !state.dragging) dragStarts = true;
            if (change.dragging === false && state.dragging) dragEnds = true;
          }
          const list = byId.get(change.id);
          if (list) list.push(change);
          else byId.set(change.id, [change]);
        }
        if (removed.size > 0) removeElements(removed, new Set());
        if (byId.size === 0) return;

        const apply = (nodes: EditorNode[]) =>
          nodes.map((node) => {
            const list = byId.get(node.id);
            if (!list) return node;
            let next = node;
            for (const change of list) {
              if (change.type === "select") {
                if (Boolean(next.selected) !== change.selected) next = { ...next, selected: change.selected };
              } else if (change.type === "dimensions" && change.dimensions) {
                next = { ...next, measured: { ...change.dimensions } };
              } else if (change.type === "position") {
                next = {
                  ...next,
                  ...(change.position ? { position: change.position } : {}),
                  ...(change.dragging !== undefined ? { dragging: change.dragging } : {}),
                };
              }
            }
            return next;
          });

        if (dragStarts) {
          // The whole drag is one undo step, recorded as it begins.
          revisionCounter += 1;
          set({
            nodes: apply(get().nodes),
            dragging: true,
            history: record(state.history, snapshot(), null, now()),
            revision: revisionCounter,
          });
        } else if (moves && !state.dragging) {
          // Moves without a drag (arrow keys on selected nodes): one undo step per burst.
          edit("nudge", (current) => ({ nodes: apply(current.nodes) }));
        } else {
          set({ nodes: apply(state.nodes), ...(dragEnds ? { dragging: false } : {}) });
        }
      },

      onEdgesChange(changes) {
        const removed = new Set<string>();
        const selection = new Map<string, boolean>();
        for (const change of changes) {
          if (change.type === "remove") removed.add(change.id);
          else if (change.type === "select") selection.set(change.id, change.selected);
        }
        if (removed.size > 0) removeElements(new Set(), removed);
        if (selection.size > 0) {
          set({
            edges: get().edges.map((edge) => {
              const selected = selection.get(edge.id);
              return selected === undefined || Boolean(edge.selected) === selected ? edge : { ...edge, selected };
            }),
          });
        }
      },

      connect(connection) {
        const state = get();
        const verdict = checkConnection(connection, state.nodes, state.edges);
        if (!verdict.ok) return verdict;
        edit(null, (current) => {
          const id = edgeIdFor(
            connection.source,
            verdict.sourceHandle,
            connection.target,
            new Set(current.edges.map((edge) => edge.id)),
          );
          const edge: EditorEdge = {
            id,
            source: connection.source,
            target: connection.target,
            sourceHandle: verdict.sourceHandle,
          };
          return { edges: [...current.edges, edge] };
        });
        return verdict;
      },

      addNode(type, position, options) {
        if (!isNodeType(type)) return null;
        let created: string | null = null;
        edit(null, (state) => {
          const node = { ...createNode(type, position, new Set(state.nodes.map((n) => n.id))), selected: true };
          created = node.id;
          const nodes = [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
          let edges = state.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
          const from = options?.connectFrom ? nodes.find((n) => n.id === options.connectFrom) : undefined;
          if (from) {
            const outputs = nodeHandles(from.type, from.data.config).outputs;
            const verdict =
              outputs.length === 1
                ? checkConnection({ source: from.id, target: node.id, sourceHandle: outputs[0] }, nodes, edges)
                : null;
            if (verdict?.ok) {
              const id = edgeIdFor(from.id, verdict.sourceHandle, node.id, new Set(edges.map((e) => e.id)));
              edges = [...edges, { id, source: from.id, target: node.id, sourceHandle: verdict.sourceHandle }];
            }
          }
          return { nodes, edges };
        });
        return created;
      },

      updateConfig(nodeId, key, value) {
        updateNode(nodeId, `config:${nodeId}:${key}`, (node) => {
          if (Object.is(node.data.config[key], value)) return null;
          const config = { ...node.data.config };
          if (value === undefined) delete config[key];
          else config[key] = value;
          return { ...node, data: { ...node.data, config } };
        });
      },

      updateLabel(nodeId, label) {
        updateNode(nodeId, `label:${nodeId}`, (node) =>
          node.data.label === label ? null : { ...node, data: { ...node.data, label } },
        );
      },

      updateRetry(nodeId, retry) {
        updateNode(nodeId, `retry:${nodeId}`, (node) => {
          const data = { ...node.data };
          if (retry) data.retry = retry;
          else delete data.retry;
          return { ...node, data };
        });
      },

      setPinnedInput(nodeId, input) {
        updateNode(nodeId, `pin:${nodeId}`, (node) => {
          if (JSON.stringify(input) === JSON.stringify(node.data.pinnedInput)) return null;
          const data = { ...node.data };
          if (input) data.pinnedInput = input;
          else delete data.pinnedInput;
          return { ...node, data };
        });
        get().sealHistory();
      },

      setName(name) {
        edit("name", (state) => (state.name === name ? null : { name }));
      },

      setDescription(description) {
        edit("description", (state) => (state.description === description ? null : { description }));
      },

      deleteSelection() {
        const { nodes, edges } = get();
        removeElements(
          new Set(nodes.filter((node) => node.selected && node.deletable !== false).map((node) => node.id)),
          new Set(edges.filter((edge) => edge.selected).map((edge) => edge.id)),
        );
      },

      deleteElements({ nodeIds = [], edgeIds = [] }) {
        removeElements(new Set(nodeIds), new Set(edgeIds));
      },

      duplicateSelection() {
        const payload = copySelection(documentOf(get()));
        if (payload) get().paste(payload);
      },

      copySelection() {
        return copySelection(documentOf(get()));
      },

      paste(payload, at) {
        edit(null, (state) => {
          const pasted = materializePaste(payload, documentOf(state), at);
          return {
            nodes: [
              ...state.nodes.map((node) => (node.selected ? { ...node, selected: false } : node)),
              ...pasted.nodes,
            ],
            edges: [
              ...state.edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)),
              ...pasted.edges,
            ],
          };
        });
      },

      selectAll() {
        const { nodes, edges } = get();
        setSelection(new Set(nodes.map((node) => node.id)), new Set(edges.map((edge) => edge.id)));
      },

      clearSelection() {
        setSelection(new Set());
      },

      selectNode(nodeId, field = null) {
        if (!get().nodes.some((node) => node.id === nodeId)) return;
        setSelection(new Set([nodeId]));
        focusCounter += 1;
        set({ focus: { nodeId, field, nonce: focusCounter }, panel: "inspector", panelOpen: true });
      },

      applyPositions(positions) {
        edit(null, (state) => {
          if (positions.size === 0) return null;
          return {
            nodes: state.nodes.map((node) => {
              const position = positions.get(node.id);
              return position && (position.x !== node.position.x || position.y !== node.position.y)
                ? { ...node, position }
                : node;
            }),
          };
        });
      },

      undo() {
        const state = get();
        if (state.dragging) return;
        const step = undoStep(state.history, snapshot());
        if (step) set({ ...restore(step.restore), history: step.history });
      },

      redo() {
        const state = get();
        if (state.dragging) return;
        const step = redoStep(state.history, snapshot());
        if (step) set({ ...restore(step.restore), history: step.history });
      },

      sealHistory() {
        set({ history: seal(get().history) });
      },

      replaceDocument(doc, saved) {
        edit(null, () => ({ ...doc }));
        if (saved)
          set({
            workflowId: saved.workflowId,
            savedVersion: saved.version,
            savedRevision: get().revision,
            history: seal(get().history),
          });
      },

      markSaved({ workflowId, version, revision }) {
        set({ workflowId, savedVersion: version, savedRevision: revision, history: seal(get().history) });
      },

      setValidation(result) {
        set({ validation: result, issues: indexIssues(result) });
      },

      setPanel(panel) {
        set({ panel, panelOpen: true });
      },

      setPanelOpen(open) {
        set({ panelOpen: open });
      },

      notify(text, tone = "info") {
        noticeCounter += 1;
        set({ notice: { id: noticeCounter, text, tone } });
      },

      dismissNotice() {
        set({ notice: null });
      },

      resetRun(run = IDLE_RUN) {
        set({ run });
      },

      applyRunEvents(events) {
        if (events.length === 0) return;
        set({ run: events.reduce(applyRunEvent, get().run) });
      },

      updateRun(update) {
        set({ run: update(get().run) });
      },

      startNodeRun(nodeId) {
        set({ nodeRun: { nodeId, run: startingRun(), refusal: null, issues: [] } });
      },

      updateNodeRun(update) {
        const current = get().nodeRun;
        if (current) set({ nodeRun: update(current) });
      },
    };
  });
}

export { OUTPUT_HANDLE };
