"use client";

/**
 * The workflow editor: toolbar, palette, canvas and a side panel (inspector, issues, versions, test run),
 * filling the space beside the app's sidebar. Owns one editor store for its lifetime.
 */
import { ReactFlowProvider } from "@xyflow/react";
import { clsx } from "clsx";
import {
  CalendarClock,
  CircleAlert,
  FlaskConical,
  History,
  PanelRightClose,
  PanelRightOpen,
  SlidersHorizontal,
} from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { BESIDE_APP_SIDEBAR } from "@/components/shell/sidebar-preference";
import { Dialog } from "@/components/ui/dialog";
import { WorkflowCanvas } from "./canvas/workflow-canvas";
import { EditorStoreProvider, useEditor, useEditorApi } from "./editor-context";
import {
  useLiveValidation,
  useNoticeTimeout,
  useSave,
  useShortcutsAndClipboard,
  useUnsavedGuard,
} from "./editor-hooks";
import { Inspector } from "./inspector/inspector";
import { EditorLayoutProvider } from "./layout-context";
import { documentFromDefinition, emptyDocument, type DefinitionLike } from "./model/document";
import type { PanelId } from "./model/editor-store";
import { DEFAULT_EDITOR_LAYOUT, type EditorLayout as EditorLayoutChoice } from "./model/layout-preference";
import type { EditorResources } from "./model/resources";
import { Palette } from "./palette";
import { IssuesPanel } from "./panels/issues-panel";
import { RunPanel } from "./panels/run-panel";
import { TriggersPanel } from "./panels/triggers-panel";
import { VersionsPanel } from "./panels/versions-panel";
import { EditorResourcesProvider } from "./resources-context";
import { EditorToolbar } from "./toolbar";
import "./editor.css";

export interface WorkflowEditorProps {
  /** The saved workflow to open, or null for a new, blank one. */
  workflow: (DefinitionLike & { id: string; version: number }) | null;
  resources: EditorResources;
  /** The palette and minimap as the user left them (the page reads their cookies). */
  layout?: EditorLayoutChoice;
}

export function WorkflowEditor({ workflow, resources, layout = DEFAULT_EDITOR_LAYOUT }: WorkflowEditorProps) {
  // Read once, on mount: the editor is keyed by workflow id by its page; later prop changes (a refresh) must not reset it.
  const [init] = useState(() =>
    workflow
      ? { doc: documentFromDefinition(workflow), workflowId: workflow.id, version: workflow.version }
      : { doc: emptyDocument() },
  );
  return (
    <EditorResourcesProvider resources={resources}>
      <EditorStoreProvider init={init}>
        <EditorLayoutProvider initial={layout}>
          <ReactFlowProvider>
            <EditorLayout />
          </ReactFlowProvider>
        </EditorLayoutProvider>
      </EditorStoreProvider>
    </EditorResourcesProvider>
  );
}

const PANELS: Array<{ id: PanelId; label: string; icon: typeof SlidersHorizontal }> = [
  { id: "inspector", label: "Inspector", icon: SlidersHorizontal },
  { id: "issues", label: "Issues", icon: CircleAlert },
  { id: "versions", label: "Versions", icon: History },
  { id: "triggers", label: "Triggers", icon: CalendarClock },
  { id: "run", label: "Test", icon: FlaskConical },
];

function EditorLayout() {
  const store = useEditorApi();
  const router = useRouter();
  const { save, saving, conflict, dismissConflict } = useSave();
  const { pendingHref, clearPending } = useUnsavedGuard(store);
  useLiveValidation();
  useNoticeTimeout();
  useShortcutsAndClipboard({ onSave: () => void save() });
  // Set once the editor is hydrated and its shortcuts listen (tests and the benchmark wait for it).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  return (
    <div
      data-testid="workflow-editor"
      data-ready={ready}
      // Full-bleed beside the app sidebar, as wide or folded as it is, and below the phone top bar.
      className={`${BESIDE_APP_SIDEBAR} flex flex-col bg-zinc-50`}
    >
      <EditorToolbar onSave={() => void save()} saving={saving} />
      {conflict ? (
        <div
          role="alert"
          data-testid="save-conflict"
          className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-[12.5px] text-amber-900"
        >
          <CircleAlert aria-hidden className="size-4 shrink-0" />
          <span className="flex-1">{conflict}</span>
          <Button size="sm" variant="secondary" onClick={() => window.location.reload()}>
            Reload
          </Button>
          <Button
            size="sm"
            variant="danger"
            data-testid="save-overwrite"
            disabled={saving}
            onClick={() => void save({ overwrite: true })}
          >
            Save over it
          </Button>
          <Button size="sm" variant="ghost" onClick={dismissConflict}>
            Dismiss
          </Button>
        </div>
      ) : null}
      <div className="flex min-h-0 flex-1">
        <Palette />
        <div className="relative min-w-0 flex-1">
          <WorkflowCanvas />
        </div>
        <SidePanel />
      </div>
      <Dialog
        open={pendingHref !== null}
        onClose={clearPending}
        title="Leave without saving?"
        description="This workflow has changes that are not saved. If you leave now, they are lost."
        data-testid="leave-dialog"
        footer={
          <>
            <Button variant="secondary" data-testid="leave-cancel" onClick={clearPending}>
              Stay
            </Button>
            <Button
              variant="secondary"
              data-testid="leave-save"
              onClick={async () => {
                const href = pendingHref;
                clearPending();
                if ((await save()) === "saved" && href) router.push(href);
              }}
            >
              Save and leave
            </Button>
            <Button
              variant="danger"
              data-testid="leave-confirm"
              onClick={() => {
                const href = pendingHref;
                // The user chose to discard: let this navigation through the guard.
                store.setState({ savedRevision: store.getState().revision });
                clearPending();
                if (href) router.push(href);
              }}
            >
              Leave
            </Button>
          </>
        }
      />
    </div>
  );
}

function SidePanel() {
  const store = useEditorApi();
  const panel = useEditor((state) => state.panel);
  const open = useEditor((state) => state.panelOpen);
  const errors = useEditor((state) => state.issues.errorCount);
  const warnings = useEditor((state) => state.issues.warningCount);
  const count = (id: PanelId) =>
    id === "issues" && errors + warnings > 0 ? (
      <span
        className={clsx(
          "rounded-full px-1.5 text-[10.5px] font-semibold text-white",
          errors ? "bg-red-500" : "bg-amber-500",
        )}
      >
        {errors + warnings}
      </span>
    ) : null;

  if (!open) {
    // Folded: a rail of the panels' icons, one click from any of them.
    return (
      <aside
        aria-label="Side panel (folded)"
        className="flex w-11 shrink-0 flex-col items-center gap-1 border-l border-zinc-200 bg-white py-2"
      >
        <button
          type="button"
          data-testid="panel-open"
          onClick={() => store.getState().setPanelOpen(true)}
          title="Show the side panel"
          aria-label="Show the side panel"
          className="mb-1 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <PanelRightOpen aria-hidden className="size-4" />
        </button>
        {PANELS.map(({ id, label, icon: Icon }) => (
          <button
            key={id}
            type="button"
            data-testid={`tab-${id}`}
            onClick={() => store.getState().setPanel(id)}
            title={label}
            aria-label={label}
            className="relative rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            <Icon aria-hidden className="size-4" />
            {id === "issues" && errors + warnings > 0 ? (
              <span
                aria-hidden
                className={clsx(
                  "absolute top-0.5 right-0.5 size-2 rounded-full",
                  errors ? "bg-red-500" : "bg-amber-500",
                )}
              />
            ) : null}
          </button>
        ))}
      </aside>
    );
  }

  return (
    <aside
      aria-label="Side panel"
      className="flex w-[320px] shrink-0 flex-col border-l border-zinc-200 bg-white xl:w-[380px]"
    >
      <div role="tablist" aria-label="Panels" className="flex shrink-0 items-center border-b border-zinc-200 pl-1">
        {PANELS.map(({ id, label, icon: Icon }) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={panel === id}
            aria-controls={`panel-${id}`}
            data-testid={`tab-${id}`}
            onClick={() => store.getState().setPanel(id)}
            title={label}
            className={clsx(
              "-mb-px flex items-center gap-1.5 border-b-2 px-2 py-2.5 text-[12.5px] font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-500",
              panel === id
                ? "border-indigo-600 text-indigo-700"
                : "border-transparent text-zinc-500 hover:text-zinc-800",
            )}
          >
            <Icon aria-hidden className="size-3.5" />
            {/* Five tabs do not fit the panel's width with every label: the open one is named, the others by icon
                (their names stay for screen readers and in the tooltip). */}
            <span className={panel === id ? undefined : "sr-only"}>{label}</span>
            {count(id)}
          </button>
        ))}
        <button
          type="button"
          data-testid="panel-close"
          onClick={() => store.getState().setPanelOpen(false)}
          title="Fold the side panel"
          aria-label="Fold the side panel"
          className="ml-auto mr-1 rounded-md p-1.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <PanelRightClose aria-hidden className="size-4" />
        </button>
      </div>
      <div
        role="tabpanel"
        id={`panel-${panel}`}
        aria-labelledby={`tab-${panel}`}
        className="min-h-0 flex-1 overflow-y-auto"
      >
        {panel === "inspector" ? (
          <Inspector />
        ) : panel === "issues" ? (
          <IssuesPanel />
        ) : panel === "versions" ? (
          <VersionsPanel />
        ) : panel === "triggers" ? (
          <TriggersPanel />
        ) : (
          <RunPanel />
        )}
      </div>
    </aside>
  );
}
