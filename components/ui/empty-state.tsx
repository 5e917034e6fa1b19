import { clsx } from "clsx";
import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/** What a list shows when it has nothing yet: what goes here, and what to do next. */
export function EmptyState({
  icon: Icon,
  title,
  description,
  actions,
  compact = false,
}: {
  icon: LucideIcon;
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Inside a card: no border of its own, less height. */
  compact?: boolean;
}) {
  // Inside a card the card's title is the h2, so the empty state's heading sits one level below it.
  const Heading = compact ? "h3" : "h2";
  return (
    <div
      data-testid="empty-state"
      className={clsx(
        "flex flex-col items-center text-center",
        compact ? "px-4 py-10" : "rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-14",
      )}
    >
      <div className="flex size-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
        <Icon aria-hidden className="size-5" />
      </div>
      <Heading className="mt-4 text-[15px] font-semibold text-zinc-900">{title}</Heading>
      {description ? <p className="mt-1.5 max-w-md text-sm text-zinc-500">{description}</p> : null}
      {actions ? <div className="mt-6 flex flex-wrap items-center justify-center gap-2">{actions}</div> : null}
    </div>
  );
}
