"use client";

import { createContext, useContext, type ReactNode } from "react";

/**
 * The server's clock when it rendered the page (epoch ms), handed to the page's client components: the
 * first render of a live run's time reads it on the server and in the browser alike, so the server's HTML
 * and the hydrating render agree (a time read from `Date.now()` in each would differ: React error #418,
 * the page thrown away and rendered again). Pages that show live times wrap their view in it.
 */
const ServerClock = createContext<number | null>(null);

export function ServerClockProvider({ now, children }: { now: number; children: ReactNode }) {
  return <ServerClock.Provider value={now}>{children}</ServerClock.Provider>;
}

/** The time the server rendered the page at; throws outside a ServerClockProvider (no silent fallback). */
export function useServerClock(): number {
  const now = useContext(ServerClock);
  if (now === null) throw new Error("A live time needs the server's clock: wrap the page in <ServerClockProvider>.");
  return now;
}
