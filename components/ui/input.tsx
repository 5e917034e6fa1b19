import { clsx } from "clsx";
import type { ComponentPropsWithRef } from "react";
import { focusRingTight } from "./focus-ring";

export function Input({ className, ...props }: ComponentPropsWithRef<"input">) {
  return (
    <input
      className={clsx(
        "h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-sm",
        "placeholder:text-zinc-400 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500",
        "aria-invalid:border-red-500",
        focusRingTight,
        className,
      )}
      {...props}
    />
  );
}

export function Label({ className, ...props }: ComponentPropsWithRef<"label">) {
  return <label className={clsx("text-[13px] font-medium text-zinc-700", className)} {...props} />;
}
