/**
 * Undo/redo as a stack of document snapshots. Edits are immutable updates, so a snapshot shares every
 * untouched node and edge with its neighbours and costs little even on a 500-node graph.
 *
 * Coalescing: a burst of edits with the same key (typing into one inspector field, one drag) becomes a
 * single undo step, as users expect from any editor; a different key or a pause starts a new step.
 */
import type { WorkflowDocument } from "./document";

export interface Snapshot {
  doc: WorkflowDocument;
  /** Identifies the document state, so "unsaved changes" survives undoing back to the saved state. */
  revision: number;
}

export interface History {
  past: Snapshot[];
  future: Snapshot[];
  /** The key and time of the last recorded edit, for coalescing. */
  lastKey: string | null;
  lastAt: number;
}

export const HISTORY_LIMIT = 200;
/** Edits with one key closer together than this merge into one undo step. */
export const COALESCE_MS = 1000;

export function emptyHistory(): History {
  return { past: [], future: [], lastKey: null, lastAt: 0 };
}

/**
 * Records `before` (the state an edit is about to replace) unless the edit continues the previous one.
 * Any new edit clears the redo stack.
 */
export function record(history: History, before: Snapshot, key: string | null, now: number): History {
  const continues = key !== null && key === history.lastKey && now - history.lastAt < COALESCE_MS;
  if (continues) return { ...history, future: [], lastAt: now };
  const past = history.past.length >= HISTORY_LIMIT ? history.past.slice(1) : history.past.slice();
  past.push(before);
  return { past, future: [], lastKey: key, lastAt: now };
}

/** Steps back: returns the snapshot to restore and the history with `current` pushed onto the redo stack. */
export function undo(history: History, current: Snapshot): { history: History; restore: Snapshot } | null {
  const restore = history.past[history.past.length - 1];
  if (!restore) return null;
  return {
    restore,
    history: { past: history.past.slice(0, -1), future: [...history.future, current], lastKey: null, lastAt: 0 },
  };
}

export function redo(history: History, current: Snapshot): { history: History; restore: Snapshot } | null {
  const restore = history.future[history.future.length - 1];
  if (!restore) return null;
  return {
    restore,
    history: { past: [...history.past, current], future: history.future.slice(0, -1), lastKey: null, lastAt: 0 },
  };
}

/** Ends a coalescing burst, so the next edit with the same key is a step of its own (e.g. on blur). */
export function seal(history: History): History {
  return history.lastKey === null ? history : { ...history, lastKey: null };
}
