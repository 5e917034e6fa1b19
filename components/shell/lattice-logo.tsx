import { clsx } from "clsx";

/** The Lattice mark: a small grid of connected nodes, drawn inline so it needs no asset request. */
export function LatticeMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden className={clsx("shrink-0", className)} fill="none">
      <rect width="24" height="24" rx="6" className="fill-indigo-600" />
      <path d="M7 7h10M7 7v10M17 7v10M7 17h10M7 7l10 10" stroke="white" strokeOpacity=".55" strokeWidth="1.4" />
      <circle cx="7" cy="7" r="2" fill="white" />
      <circle cx="17" cy="7" r="2" fill="white" />
      <circle cx="7" cy="17" r="2" fill="white" />
      <circle cx="17" cy="17" r="2" fill="white" />
    </svg>
  );
}
