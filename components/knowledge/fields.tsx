/** Form pieces shared by the knowledge pages' forms. */
import type { ReactNode } from "react";
import { Label } from "@/components/ui/input";
import { isAppError } from "@/lib/errors";

/** The API's message for one field of a refused request (a 422's issue at `path`), or null. */
export function fieldIssue(error: unknown, path: string): string | null {
  if (!isAppError(error)) return null;
  const issue = error.issues?.find((i) => i.path === path);
  if (!issue) return null;
  const text = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

/** A labelled control with the message about it below; the control takes `invalidProps(id, error)`. */
export function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  error: string | null;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-[13px] text-red-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Marks a control invalid and points it at its message (see Field). */
export function invalidProps(id: string, error: string | null) {
  return error ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
}
