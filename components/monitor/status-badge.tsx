import { clsx } from "clsx";
import { Badge } from "@/components/ui/badge";
import { statusMeta } from "./format";

/** A run's status: a coloured dot (pulsing while it runs) and its name. */
export function StatusBadge({ status, className }: { status: string; className?: string }) {
  const meta = statusMeta(status);
  const live = status === "running" || status === "pending";
  return (
    <Badge
      tone={meta.tone}
      className={clsx("gap-1.5", className)}
      data-testid="status-badge"
      data-status={status}
      data-tone={meta.tone}
    >
      <span aria-hidden className="relative flex size-1.5">
        {live ? (
          <span className={clsx("absolute inline-flex size-full animate-ping rounded-full opacity-75", meta.dot)} />
        ) : null}
        <span className={clsx("relative inline-flex size-1.5 rounded-full", meta.dot)} />
      </span>
      {meta.label}
    </Badge>
  );
}
