"use client";

/**
 * The editor's top bar: back to the list, the workflow's name, whether it is saved, undo/redo, tidy-up,
 * and the actions (issues, versions, export, test run, save). Every control is a real button with a
 * tooltip naming its shortcut.
 */
import { clsx } from "clsx";
import {
  ArrowLeft,
  CircleAlert,
  Download,
  History,
  Loader2,
  Maximize,
  Play,
  Redo2,
  Save,
  Sparkles,
  TriangleAlert,
  Undo2,
  type LucideIcon,
} from "lucide-react";
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { CharacterCount } from "@/components/ui/character-count";
import { WORKFLOW_LIMITS } from "@/lib/contracts/workflows";
import { downloadExport } from "@/lib/api-client/workflows";
import { useFrameGraph } from "./canvas/use-frame";
import { useEditor, useEditorApi } from "./editor-context";
import { isDirty, type PanelId } from "./model/editor-store";
import { isRunActive } from "./model/run-state";
import { tidyUp } from "./tidy-up";

export function ToolButton({
  label,
  shortcut,
  icon: Icon,
  onClick,
  disabled,
  testId,
  active,
  children,
}: {
  label: string;
  shortcut?: string;
  icon: LucideIcon;
  onClick: () => void;
  disabled?: boolean;
  testId: string;
  active?: boolean;
  children?: ReactNode;
}) {
  const title = shortcut ? `${label} (${shortcut})` : label;
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      disabled={disabled}
      title={title}
      aria-label={children ? undefined : title}
      aria-pressed={active}
      className={clsx(
        "inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md px-2 text-[12.5px] font-medium whitespace-nowrap transition-colors",
        "disabled:pointer-events-none disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500",
        active ? "bg-indigo-50 text-indigo-700" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
      )}
    >
      <Icon aria-hidden className="size-4" />
      {children}
    </button>
  );
}

function SaveStatus({ saving }: { saving: boolean }) {
  const workflowId = useEditor((state) => state.workflowId);
  const version = useEditor((state) => state.savedVersion);
  const dirty = useEditor(isDirty);
  const text = saving
    ? "Saving…"
    : workflowId === null
      ? "Not saved yet"
      : dirty
        ? "Unsaved changes"
        : `Saved · v${version}`;
  return (
    <span
      data-testid="save-status"
      data-dirty={dirty || workflowId === null}
      className={clsx(
        "hidden items-center gap-1.5 text-[12px] whitespace-nowrap sm:inline-flex",
        dirty || workflowId === null ? "text-amber-700" : "text-zinc-500",
      )}
    >
      <span
        aria-hidden
        className={clsx(
          "size-1.5 rounded-full",
          saving ? "bg-sky-500" : dirty || workflowId === null ? "bg-amber-500" : "bg-emerald-500",
        )}
      />
      {text}
    </span>
  );
}

export function EditorToolbar({ onSave, saving }: { onSave: () => void; saving: boolean }) {
  const store = useEditorApi();
  const name = useEditor((state) => state.name);
  const canUndo = useEditor((state) => state.history.past.length > 0);
  const canRedo = useEditor((state) => state.history.future.length > 0);
  const errors = useEditor((state) => state.issues.errorCount);
  const warnings = useEditor((state) => state.issues.warningCount);
  const panel = useEditor((state) => state.panel);
  const workflowId = useEditor((state) => state.workflowId);
  const dirty = useEditor(isDirty);
  const running = useEditor((state) => isRunActive(state.run));
  const hasNodes = useEditor((state) => state.nodes.length > 0);
  const frame = useFrameGraph();
  const [exporting, setExporting] = useState(false);
  const nameCountId = useId();
  const open = (target: PanelId) => store.getState().setPanel(target);

  const exportFile = async () => {
    if (!workflowId) return;
    setExporting(true);
    try {
      await downloadExport(workflowId);
      if (dirty) store.getState().notify("Exported the last saved version; your unsaved changes are not in the file.");
    } catch (error) {
      store.getState().notify(error instanceof Error ? error.message : "The export failed.", "error");
    } finally {
      setExporting(false);
    }
  };

  return (
    <header className="flex h-12 shrink-0 items-center gap-2 border-b border-zinc-200 bg-white px-2 sm:px-3">
      <Link
        href="/workflows"
        data-testid="editor-back"
        title="Back to workflows"
        aria-label="Back to workflows"
        className="inline-flex size-8 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <ArrowLeft aria-hidden className="size-4" />
      </Link>
      <input
        data-testid="workflow-name"
        aria-label="Workflow name"
        aria-describedby={nameCountId}
        // The limit the save's schema holds it to (lib/contracts/workflows), so a save never fails on it.
        maxLength={WORKFLOW_LIMITS.nameMaxLength}
        value={name}
        onChange={(event) => store.getState().setName(event.target.value)}
        onBlur={() => store.getState().sealHistory()}
        onKeyDown={(event) => {
          if (event.key === "Enter") event.currentTarget.blur();
        }}
        className="h-8 w-40 min-w-0 rounded-md border border-transparent bg-transparent px-2 text-[14px] font-semibold text-zinc-900 hover:border-zinc-200 focus:border-indigo-400 focus:bg-white focus:outline-none focus:ring-2 focus:ring-indigo-500/20 md:w-56 lg:w-72"
      />
      <CharacterCount
        id={nameCountId}
        data-testid="workflow-name-count"
        length={name.length}
        max={WORKFLOW_LIMITS.nameMaxLength}
        className="-ml-1"
      />
      <SaveStatus saving={saving} />

      <div className="mx-1 h-5 w-px bg-zinc-200" aria-hidden />
      <ToolButton
        testId="undo"
        label="Undo"
        shortcut="Ctrl/⌘ Z"
        icon={Undo2}
        onClick={() => store.getState().undo()}
        disabled={!canUndo}
      />
      <ToolButton
        testId="redo"
        label="Redo"
        shortcut="Shift Ctrl/⌘ Z"
        icon={Redo2}
        onClick={() => store.getState().redo()}
        disabled={!canRedo}
      />
      <ToolButton
        testId="tidy-up"
        label="Tidy up: arrange the nodes left to right"
        icon={Sparkles}
        onClick={() => {
          // Framed at a readable zoom once React Flow has drawn the new positions.
          void tidyUp(store).then(() => requestAnimationFrame(() => frame("tidy")));
        }}
        disabled={!hasNodes}
      >
        <span className="hidden 2xl:inline">Tidy up</span>
      </ToolButton>
      <ToolButton
        testId="fit-view"
        label="Fit to screen"
        shortcut="Shift 1"
        icon={Maximize}
        onClick={() => frame("fit")}
        disabled={!hasNodes}
      />

      <div className="ml-auto flex items-center gap-1">
        <button
          type="button"
          data-testid="issues-toggle"
          onClick={() => open("issues")}
          title="Issues found by the live validator"
          aria-pressed={panel === "issues"}
          className={clsx(
            "inline-flex h-8 items-center gap-2 rounded-md px-2 text-[12.5px] font-medium focus-visible:outline-2 focus-visible:outline-indigo-500",
            panel === "issues" ? "bg-indigo-50" : "hover:bg-zinc-100",
          )}
        >
          <span className={clsx("inline-flex items-center gap-1", errors ? "text-red-600" : "text-zinc-400")}>
            <CircleAlert aria-hidden className="size-4" />
            <span data-testid="error-count">{errors}</span>
            <span className="sr-only">errors</span>
          </span>
          <span className={clsx("inline-flex items-center gap-1", warnings ? "text-amber-600" : "text-zinc-400")}>
            <TriangleAlert aria-hidden className="size-4" />
            <span data-testid="warning-count">{warnings}</span>
            <span className="sr-only">warnings</span>
          </span>
        </button>
        <ToolButton
          testId="versions-toggle"
          label="Versions"
          icon={History}
          onClick={() => open("versions")}
          active={panel === "versions"}
        >
          <span className="hidden lg:inline">Versions</span>
        </ToolButton>
        <ToolButton
          testId="export"
          label={workflowId ? "Export as JSON" : "Save the workflow to export it"}
          icon={exporting ? Loader2 : Download}
          onClick={() => void exportFile()}
          disabled={!workflowId || exporting}
        >
          <span className="hidden lg:inline">Export</span>
        </ToolButton>
        <button
          type="button"
          data-testid="run-toggle"
          onClick={() => open("run")}
          aria-pressed={panel === "run"}
          title="Test run"
          className={clsx(
            "inline-flex h-8 items-center gap-1.5 rounded-md border px-2.5 text-[12.5px] font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500",
            panel === "run"
              ? "border-emerald-300 bg-emerald-50 text-emerald-800"
              : "border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50",
          )}
        >
          {running ? (
            <Loader2 aria-hidden className="size-3.5 animate-spin" />
          ) : (
            <Play aria-hidden className="size-3.5 fill-current text-emerald-600" />
          )}
          Test
        </button>
        <button
          type="button"
          data-testid="save"
          onClick={onSave}
          disabled={saving || (workflowId !== null && !dirty)}
          aria-busy={saving}
          title="Save (Ctrl/⌘ S)"
          className="inline-flex h-8 items-center gap-1.5 rounded-md bg-indigo-600 px-3 text-[12.5px] font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
        >
          {saving ? (
            <Loader2 aria-hidden className="size-3.5 animate-spin" />
          ) : (
            <Save aria-hidden className="size-3.5" />
          )}
          Save
        </button>
      </div>
    </header>
  );
}
