"use client";

/**
 * The editor's behaviours that are not a component: live validation, keyboard shortcuts, clipboard,
 * saving, and the guard against leaving with unsaved changes.
 */
import { useEffect, useRef, useState } from "react";
import { validateWorkflow } from "@/lib/validation";
import { useSaveWorkflow } from "./queries";
import { useFrameGraph } from "./canvas/use-frame";
import { useEditor, useEditorApi } from "./editor-context";
import { useEditorLayout } from "./layout-context";
import { parseClipboard, serializeClipboard, type ClipboardPayload } from "./model/clipboard";
import { toDefinition } from "./model/document";
import { documentOf, isDirty, type EditorStore } from "./model/editor-store";
import { createSaver } from "./model/save";
import { useEditorResources } from "./resources-context";

/** How long the validator waits for the user to pause before it runs. */
export const VALIDATION_DEBOUNCE_MS = 250;

/** Runs `validateWorkflow` (the same function the server runs on save) whenever the document settles. */
export function useLiveValidation() {
  const store = useEditorApi();
  const { userId, validationContext } = useEditorResources();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const validate = () => {
      const state = store.getState();
      const context = state.workflowId ? { ...validationContext, definitionId: state.workflowId } : validationContext;
      state.setValidation(validateWorkflow(toDefinition(documentOf(state)), { id: userId }, context));
    };
    // The first check waits until the browser is idle, so opening a large workflow paints and answers the
    // first click before its validation runs.
    let idle: number | undefined;
    if (typeof window.requestIdleCallback === "function")
      idle = window.requestIdleCallback(validate, { timeout: 1000 });
    else timer = setTimeout(validate, 0);
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.revision === previous.revision && state.workflowId === previous.workflowId) return;
      clearTimeout(timer);
      timer = setTimeout(validate, VALIDATION_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) window.cancelIdleCallback(idle);
      unsubscribe();
    };
  }, [store, userId, validationContext]);
}

/** Hides a canvas notice after a few seconds. */
export function useNoticeTimeout() {
  const store = useEditorApi();
  useEffect(
    () =>
      store.subscribe((state, previous) => {
        if (!state.notice || state.notice === previous.notice) return;
        const id = state.notice.id;
        setTimeout(() => {
          if (store.getState().notice?.id === id) store.getState().dismissNotice();
        }, 4500);
      }),
    [store],
  );
}

/** The editor's Save: one save per click (see ./model/save), its state kept in the editor store. */
export function useSave() {
  const store = useEditorApi();
  const { mutateAsync } = useSaveWorkflow();
  const send = useRef(mutateAsync);
  useEffect(() => {
    send.current = mutateAsync;
  });
  const [saver] = useState(() =>
    createSaver(store, {
      send: (request) => send.current(request),
      // The page becomes the saved workflow's page without remounting the editor (history is kept).
      onCreated: (id) => window.history.replaceState(null, "", `/workflows/${id}`),
    }),
  );
  const saving = useEditor((state) => state.saving);
  const conflict = useEditor((state) => state.conflict);
  return {
    save: saver.save,
    saving,
    conflict,
    dismissConflict: () => store.setState({ conflict: null }),
  };
}

function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "range", "color"].includes(type);
}

function dialogOpen(): boolean {
  return Boolean(document.querySelector("dialog[open]"));
}

/** The last selection copied in this tab: pasting works even where the system clipboard is unavailable. */
let lastCopied: ClipboardPayload | null = null;

export function useShortcutsAndClipboard({ onSave }: { onSave: () => void }) {
  const store = useEditorApi();
  const frame = useFrameGraph();
  const { focusPaletteSearch } = useEditorLayout();
  const onSaveRef = useRef(onSave);
  useEffect(() => {
    onSaveRef.current = onSave;
  });

  useEffect(() => {
    let pasteHandled = false;

    const paste = (payload: ClipboardPayload) => {
      store.getState().paste(payload);
      const count = payload.nodes.length;
      store.getState().notify(`Pasted ${count} ${count === 1 ? "node" : "nodes"}.`);
    };

    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      if (mod && key === "s") {
        // Saving works from anywhere, also while typing in a field.
        event.preventDefault();
        if (!dialogOpen()) onSaveRef.current();
        return;
      }
      if (event.defaultPrevented || dialogOpen() || isEditableTarget(event.target)) return;
      const state = store.getState();
      if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && key === "y") {
        event.preventDefault();
        state.redo();
      } else if (mod && key === "d") {
        event.preventDefault();
        state.duplicateSelection();
      } else if (mod && key === "a") {
        event.preventDefault();
        state.selectAll();
      } else if (mod && key === "v") {
        // Some browsers send no paste event when nothing editable has focus: fall back to this tab's copy.
        pasteHandled = false;
        setTimeout(() => {
          if (!pasteHandled && lastCopied) paste(lastCopied);
        }, 60);
      } else if (!mod && (event.key === "Delete" || event.key === "Backspace")) {
        event.preventDefault();
        state.deleteSelection();
      } else if (!mod && event.key === "/") {
        event.preventDefault();
        focusPaletteSearch();
      } else if (!mod && event.key === "Escape") {
        state.clearSelection();
      } else if (!mod && event.shiftKey && key === "1") {
        frame("fit");
      }
    };

    const onCopy = (event: ClipboardEvent, cut: boolean) => {
      if (isEditableTarget(event.target) || dialogOpen()) return;
      if (window.getSelection()?.toString()) return; // the user is copying text, not nodes
      const payload = store.getState().copySelection();
      if (!payload) return;
      lastCopied = payload;
      event.clipboardData?.setData("text/plain", serializeClipboard(payload));
      event.preventDefault();
      if (cut) store.getState().deleteSelection();
      else store.getState().notify(`Copied ${payload.nodes.length} ${payload.nodes.length === 1 ? "node" : "nodes"}.`);
    };

    const onPaste = (event: ClipboardEvent) => {
      if (isEditableTarget(event.target) || dialogOpen()) return;
      const text = event.clipboardData?.getData("text/plain") ?? "";
      const payload = parseClipboard(text) ?? (text === "" ? lastCopied : null);
      pasteHandled = true;
      if (!payload) return;
      event.preventDefault();
      paste(payload);
    };

    const copy = (event: ClipboardEvent) => onCopy(event, false);
    const cut = (event: ClipboardEvent) => onCopy(event, true);
    window.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", copy);
    document.addEventListener("cut", cut);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", copy);
      document.removeEventListener("cut", cut);
      document.removeEventListener("paste", onPaste);
    };
  }, [store, frame, focusPaletteSearch]);
}

/**
 * Unsaved changes are not lost by accident: closing or reloading the tab asks the browser's question, and
 * following a link inside the app asks ours (`pendingHref` is where the user wanted to go).
 */
export function useUnsavedGuard(store: EditorStore) {
  const [pendingHref, setPendingHref] = useState<string | null>(null);
  useEffect(() => {
    const hasUnsaved = () => {
      const state = store.getState();
      return isDirty(state) && (state.workflowId !== null || state.nodes.length > 0);
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!hasUnsaved()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    const onClick = (event: MouseEvent) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      const anchor = (event.target as Element | null)?.closest?.("a[href]");
      if (!(anchor instanceof HTMLAnchorElement) || anchor.target === "_blank" || anchor.hasAttribute("download"))
        return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      if (!hasUnsaved()) return;
      event.preventDefault();
      event.stopPropagation();
      setPendingHref(url.pathname + url.search + url.hash);
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    // Capture phase: before Next's Link handler starts a client-side navigation.
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [store]);
  return { pendingHref, clearPending: () => setPendingHref(null) };
}
