"use client";

/**
 * One request per click. A double-click sends two clicks before React Query's `isPending` (notified on a
 * timer) has disabled the button, so a button that creates or submits something guards itself: while its
 * action is in flight, another call starts nothing. And where the button is swapped for another as the
 * action starts (Run → Cancel, Send → Stop), the second click of a double-click lands on the new one:
 * `isRepeatClick` tells it to ignore that click.
 */
import { useCallback, useState, type MouseEvent } from "react";

export interface SingleFlight<T> {
  /** Starts `action` unless one is in flight; then it returns that one's promise and starts nothing. */
  run(action: () => Promise<T>): Promise<T>;
  readonly pending: boolean;
}

/** Framework-free: one action at a time. */
export function singleFlight<T = unknown>(): SingleFlight<T> {
  let current: Promise<T> | null = null;
  return {
    run(action) {
      if (current) return current;
      let started: Promise<T>;
      try {
        started = action();
      } catch (error) {
        return Promise.reject(error);
      }
      const flight = started.finally(() => {
        if (current === flight) current = null;
      });
      current = flight;
      return flight;
    },
    get pending() {
      return current !== null;
    },
  };
}

/**
 * `run(action)` starts `action` unless the previous one is still in flight; `pending` is true meanwhile
 * (set in the click's own event, so the button is disabled before a second click arrives). A failure is
 * not thrown again: show it from the mutation's own `error`.
 */
export function useSingleFlight(): { run: (action: () => Promise<unknown>) => void; pending: boolean } {
  const [flight] = useState(() => singleFlight());
  const [pending, setPending] = useState(false);
  const run = useCallback(
    (action: () => Promise<unknown>) => {
      if (flight.pending) return;
      setPending(true);
      flight
        .run(action)
        .catch(() => undefined)
        .finally(() => setPending(false));
    },
    [flight],
  );
  return { run, pending };
}

/** The second (or later) click of a double-click: a button that just took the place of another ignores it. */
export function isRepeatClick(event: Pick<MouseEvent, "detail">): boolean {
  return event.detail > 1;
}
