import { clsx } from "clsx";

/** A placeholder block while content loads; hidden from assistive technology (the region says it is busy). */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={clsx("animate-pulse rounded-md bg-zinc-200/70", className)} />;
}
