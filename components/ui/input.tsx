import { clsx } from "clsx";
import type { ComponentPropsWithRef } from "react";
import { focusRingTight } from "./focus-ring";

/** What text inputs and text areas share: border, text, placeholder, disabled and invalid states, focus ring. */
const CONTROL = clsx(
  "w-full rounded-md border border-zinc-300 bg-white text-sm text-zinc-900 shadow-sm",
  "placeholder:text-zinc-400 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500",
  "aria-invalid:border-red-500",
  focusRingTight,
);

export function Input({ className, ...props }: ComponentPropsWithRef<"input">) {
  return <input className={clsx(CONTROL, "h-9 px-3", className)} {...props} />;
}

export function TextArea({ className, ...props }: ComponentPropsWithRef<"textarea">) {
  return <textarea className={clsx(CONTROL, "px-3 py-2", className)} {...props} />;
}

/** A field's label; `htmlFor` is required so every label names its control. */
export function Label({
  className,
  htmlFor,
  children,
  ...props
}: ComponentPropsWithRef<"label"> & { htmlFor: string }) {
  return (
    <label htmlFor={htmlFor} className={clsx("text-[13px] font-medium text-zinc-700", className)} {...props}>
      {children}
    </label>
  );
}
