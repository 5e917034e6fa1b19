"use client";

/**
 * The inspector: the selected node's name and generated settings form, its retry policy, a run of it alone
 * from a pinned input (./node-run), and actions;
 * with several nodes selected, what can be done to all of them; with none, the workflow's own settings
 * and the keyboard shortcuts.
 */
import { clsx } from "clsx";
import { ChevronRight, Copy, Trash2 } from "lucide-react";
import { useId, useState, type ReactNode } from "react";
import { CharacterCount } from "@/components/ui/character-count";
import { WORKFLOW_LIMITS } from "@/lib/contracts/workflows";
import { getNodeDefinition } from "@/lib/nodes/registry";
import type { AnyNodeDefinition } from "@/lib/nodes/types";
import type { RetryPolicy } from "@/lib/workflow/definition";
import { useEditor, useEditorApi } from "../editor-context";
import type { EditorNode } from "../model/document";
import { nodeIcon } from "../node-icons";
import { ConfigForm } from "./config-form";
import { McpToolSetting } from "./mcp-tool-setting";
import { NodeRun } from "./node-run";
import { FieldMessage, NumberInput, TextArea, TextInput } from "./widgets";

/** A field's label, with its count beside it near the limit (`<htmlFor>-count`, for aria-describedby). */
function LimitedLabel({
  htmlFor,
  length,
  max,
  children,
}: {
  htmlFor: string;
  length: number;
  max: number;
  children: ReactNode;
}) {
  return (
    <div className="flex items-baseline justify-between gap-2">
      <label htmlFor={htmlFor} className="block text-[12.5px] font-medium text-zinc-800">
        {children}
      </label>
      <CharacterCount id={`${htmlFor}-count`} length={length} max={max} />
    </div>
  );
}

/** The selected node when exactly one is selected (same object until that node changes). */
function useSingleSelection(): { node: EditorNode | null; count: number } {
  const node = useEditor((state) => {
    let found: EditorNode | null = null;
    for (const candidate of state.nodes) {
      if (!candidate.selected) continue;
      if (found) return null;
      found = candidate;
    }
    return found;
  });
  const count = useEditor((state) => {
    let n = 0;
    for (const candidate of state.nodes) if (candidate.selected) n += 1;
    return n;
  });
  return { node, count };
}

export function Inspector() {
  const { node, count } = useSingleSelection();
  const definition = node ? getNodeDefinition(node.type ?? "") : undefined;
  return (
    <section data-testid="inspector" aria-label="Inspector" className="flex flex-col gap-4 p-4">
      {node ? (
        definition ? (
          <NodeInspector key={node.id} node={node} definition={definition} />
        ) : (
          <UnknownNode node={node} />
        )
      ) : count > 1 ? (
        <MultiSelection count={count} />
      ) : (
        <WorkflowSettings />
      )}
    </section>
  );
}

function NodeInspector({ node, definition }: { node: EditorNode; definition: AnyNodeDefinition }) {
  const store = useEditorApi();
  const labelId = useId();
  const Icon = nodeIcon(definition.icon);
  return (
    <>
      <header className="flex items-start gap-3">
        <span
          className="flex size-9 shrink-0 items-center justify-center rounded-lg text-white shadow-inner"
          style={{ backgroundColor: definition.color }}
        >
          <Icon aria-hidden className="size-4.5" />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-[13px] font-semibold text-zinc-900">{definition.label}</p>
          <p className="text-[12px] leading-snug text-zinc-500">{definition.description}</p>
        </div>
      </header>

      <div>
        <LimitedLabel
          htmlFor={labelId}
          length={(node.data.label ?? "").length}
          max={WORKFLOW_LIMITS.nodeLabelMaxLength}
        >
          Name
        </LimitedLabel>
        <TextInput
          id={labelId}
          data-testid="inspector-label"
          className="mt-1"
          maxLength={WORKFLOW_LIMITS.nodeLabelMaxLength}
          aria-describedby={`${labelId}-count`}
          value={node.data.label ?? ""}
          placeholder={definition.label}
          onChange={(event) => store.getState().updateLabel(node.id, event.target.value)}
          onBlur={() => store.getState().sealHistory()}
        />
        <p className="mt-1 text-[11px] text-zinc-400">
          Id <code className="rounded bg-zinc-100 px-1 font-mono text-zinc-600">{node.id}</code>
        </p>
      </div>

      {/* The node's settings: leaving any of them ends one undo step (blur bubbles up from the fields). */}
      <fieldset className="min-w-0 border-t border-zinc-100 pt-4" onBlur={() => store.getState().sealHistory()}>
        <ConfigForm node={node} definition={definition} />
      </fieldset>

      {definition.terminal ? null : <RetryEditor node={node} />}

      <NodeRun node={node} />

      <div className="flex gap-2 border-t border-zinc-100 pt-4">
        <button
          type="button"
          data-testid="inspector-duplicate"
          onClick={() => store.getState().duplicateSelection()}
          className="flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-[12px] font-medium text-zinc-700 shadow-xs hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <Copy aria-hidden className="size-3.5" /> Duplicate
        </button>
        <button
          type="button"
          data-testid="inspector-delete"
          onClick={() => store.getState().deleteElements({ nodeIds: [node.id] })}
          className="flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-[12px] font-medium text-red-600 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <Trash2 aria-hidden className="size-3.5" /> Delete
        </button>
      </div>
    </>
  );
}

/** Attempts, backoff and a time limit: the failure policy every node has. */
function RetryEditor({ node }: { node: EditorNode }) {
  const store = useEditorApi();
  const retry = node.data.retry;
  const [open, setOpen] = useState(Boolean(retry));
  const ids = { attempts: useId(), backoff: useId(), timeout: useId() };
  const update = (patch: Partial<RetryPolicy>) => {
    const next = { maxAttempts: 1, backoffMs: 200, ...retry, ...patch } as RetryPolicy;
    if (patch.timeoutMs === undefined && "timeoutMs" in patch) delete next.timeoutMs;
    const isDefault = next.maxAttempts === 1 && next.backoffMs === 200 && next.timeoutMs === undefined;
    store.getState().updateRetry(node.id, isDefault ? undefined : next);
  };
  return (
    <div className="rounded-lg border border-zinc-200">
      <button
        type="button"
        onClick={() => setOpen((value) => !value)}
        aria-expanded={open}
        className="flex w-full items-center gap-1.5 px-3 py-2 text-[12px] font-medium text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <ChevronRight aria-hidden className={clsx("size-3.5 transition-transform", open && "rotate-90")} />
        Retries and time limit
        {retry ? (
          <span className="ml-auto text-[11px] font-normal text-zinc-500">{retry.maxAttempts} attempts</span>
        ) : null}
      </button>
      {open ? (
        <div className="grid grid-cols-3 gap-2 border-t border-zinc-100 p-3">
          <div>
            <label htmlFor={ids.attempts} className="mb-1 block text-[11px] font-medium text-zinc-600">
              Attempts
            </label>
            <NumberInput
              id={ids.attempts}
              value={retry?.maxAttempts}
              placeholder="1"
              min={1}
              max={10}
              integer
              onValue={(n) => update({ maxAttempts: n ?? 1 })}
            />
          </div>
          <div>
            <label htmlFor={ids.backoff} className="mb-1 block text-[11px] font-medium text-zinc-600">
              Backoff ms
            </label>
            <NumberInput
              id={ids.backoff}
              value={retry?.backoffMs}
              placeholder="200"
              min={0}
              max={60000}
              integer
              onValue={(n) => update({ backoffMs: n ?? 200 })}
            />
          </div>
          <div>
            <label htmlFor={ids.timeout} className="mb-1 block text-[11px] font-medium text-zinc-600">
              Timeout ms
            </label>
            <NumberInput
              id={ids.timeout}
              value={retry?.timeoutMs}
              placeholder="none"
              min={1}
              max={600000}
              integer
              onValue={(n) => update({ timeoutMs: n })}
            />
          </div>
          <p className="col-span-3 text-[11px] leading-snug text-zinc-500">
            After the last failed attempt the run follows the node’s error output, or fails when it has none.
          </p>
        </div>
      ) : null}
    </div>
  );
}

function UnknownNode({ node }: { node: EditorNode }) {
  const store = useEditorApi();
  return (
    <div>
      <p className="text-[13px] font-semibold text-zinc-900">Unknown node type “{node.type}”</p>
      <FieldMessage tone="error">
        This deployment has no node type of that name. Replace it with a known one, or delete it.
      </FieldMessage>
      <button
        type="button"
        onClick={() => store.getState().deleteElements({ nodeIds: [node.id] })}
        className="mt-3 rounded-md px-2.5 py-1.5 text-[12px] font-medium text-red-600 hover:bg-red-50"
      >
        Delete node
      </button>
    </div>
  );
}

function MultiSelection({ count }: { count: number }) {
  const store = useEditorApi();
  return (
    <div className="flex flex-col gap-3">
      <p className="text-[13px] font-semibold text-zinc-900">{count} nodes selected</p>
      <p className="text-[12px] text-zinc-500">
        Drag any of them to move them together. Copy them to paste into this or another workflow.
      </p>
      <div className="flex gap-2">
        <button
          type="button"
          onClick={() => store.getState().duplicateSelection()}
          className="flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-[12px] font-medium text-zinc-700 shadow-xs hover:bg-zinc-50"
        >
          <Copy aria-hidden className="size-3.5" /> Duplicate
        </button>
        <button
          type="button"
          onClick={() => store.getState().deleteSelection()}
          className="flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-[12px] font-medium text-red-600 hover:bg-red-50"
        >
          <Trash2 aria-hidden className="size-3.5" /> Delete {count}
        </button>
      </div>
    </div>
  );
}

const SHORTCUTS: Array<[string, string]> = [
  ["/", "Search the palette"],
  ["⌘/Ctrl S", "Save"],
  ["⌘/Ctrl Z", "Undo"],
  ["⇧ ⌘/Ctrl Z", "Redo"],
  ["⌘/Ctrl C, V", "Copy, paste"],
  ["⌘/Ctrl D", "Duplicate"],
  ["⌘/Ctrl A", "Select all"],
  ["Delete", "Delete selection"],
  ["Shift drag", "Select an area"],
];

function WorkflowSettings() {
  const store = useEditorApi();
  const name = useEditor((state) => state.name);
  const description = useEditor((state) => state.description);
  const nodeCount = useEditor((state) => state.nodes.length);
  const edgeCount = useEditor((state) => state.edges.length);
  const ids = { name: useId(), description: useId() };
  return (
    <>
      <div>
        <p className="text-[13px] font-semibold text-zinc-900">Workflow</p>
        <p className="text-[12px] text-zinc-500">
          {nodeCount} {nodeCount === 1 ? "node" : "nodes"}, {edgeCount} {edgeCount === 1 ? "connection" : "connections"}
          . Select a node to edit it.
        </p>
      </div>
      <div>
        <LimitedLabel htmlFor={ids.name} length={name.length} max={WORKFLOW_LIMITS.nameMaxLength}>
          Name
        </LimitedLabel>
        <TextInput
          id={ids.name}
          data-testid="inspector-workflow-name"
          className="mt-1"
          maxLength={WORKFLOW_LIMITS.nameMaxLength}
          aria-describedby={`${ids.name}-count`}
          value={name}
          onChange={(event) => store.getState().setName(event.target.value)}
          onBlur={() => store.getState().sealHistory()}
        />
      </div>
      <div>
        <LimitedLabel htmlFor={ids.description} length={description.length} max={WORKFLOW_LIMITS.descriptionMaxLength}>
          Description
        </LimitedLabel>
        <TextArea
          id={ids.description}
          className="mt-1"
          maxLength={WORKFLOW_LIMITS.descriptionMaxLength}
          aria-describedby={`${ids.description}-count`}
          value={description}
          placeholder="What this workflow does, for whoever opens it next."
          onChange={(event) => store.getState().setDescription(event.target.value)}
          onBlur={() => store.getState().sealHistory()}
        />
      </div>
      <McpToolSetting />
      <div className="rounded-lg border border-zinc-200 bg-zinc-50/60 p-3">
        <p className="mb-2 text-[12px] font-semibold text-zinc-700">Keyboard</p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-[12px]">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="contents">
              <dt>
                <kbd className="rounded border border-zinc-300 bg-white px-1.5 py-px font-mono text-[10.5px] text-zinc-700">
                  {keys}
                </kbd>
              </dt>
              <dd className="text-zinc-600">{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </>
  );
}
