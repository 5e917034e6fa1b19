"use client";

import { useEffect, useState } from "react";
import { useServerClock } from "./server-clock";

/**
 * The current time (epoch ms), ticking every `intervalMs` while `active` — for the running time of live runs.
 *
 * The first render reads the server's clock from when it rendered the page (ServerClockProvider), on the
 * server and in the browser alike: a live duration computed from `Date.now()` there would differ between
 * the server's HTML and the hydrating render (React error #418). The browser's clock takes over as soon as
 * the component has mounted.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const renderedAt = useServerClock();
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
