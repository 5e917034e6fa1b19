import { clsx } from "clsx";
import type { ComponentPropsWithRef, ReactNode } from "react";

export function Card({ className, ...props }: ComponentPropsWithRef<"section">) {
  return <section className={clsx("rounded-lg border border-zinc-200 bg-white shadow-xs", className)} {...props} />;
}

export function CardHeader({
  title,
  description,
  actions,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <header className={clsx("flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-4", className)}>
      <div className="min-w-0">
        <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
        {description ? <p className="mt-1 text-[13px] text-zinc-500">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </header>
  );
}

export function CardContent({ className, ...props }: ComponentPropsWithRef<"div">) {
  return <div className={clsx("px-5 py-4", className)} {...props} />;
}
