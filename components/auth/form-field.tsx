import type { ComponentPropsWithRef } from "react";
import { Input, Label } from "@/components/ui/input";

/** A labelled input with its inline error, wired for screen readers (aria-invalid + aria-describedby). */
export function FormField({
  id,
  label,
  error,
  hint,
  ...input
}: ComponentPropsWithRef<"input"> & { id: string; label: string; error?: string; hint?: string }) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && !error ? (
        <p id={hintId} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} data-testid={`${id}-error`} className="text-xs text-red-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The form-level error box (wrong credentials, a taken email, a server problem). */
export function FormError({ testId, message }: { testId: string; message?: string }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      data-testid={testId}
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-700"
    >
      {message}
    </div>
  );
}
