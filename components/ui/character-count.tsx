import { clsx } from "clsx";
import type { ComponentPropsWithRef } from "react";
import { lengthHint } from "./length-hint";

/**
 * A text field's count near its limit ("182/200"), amber once the limit is reached; nothing before 80% of
 * it. Pass the limit the API validates with (lib/contracts), the same one the field's maxLength uses.
 */
export function CharacterCount({
  length,
  max,
  className,
  ...rest
}: { length: number; max: number } & Omit<ComponentPropsWithRef<"span">, "children">) {
  const hint = lengthHint(length, max);
  if (!hint) return null;
  return (
    <span
      title={hint.label}
      data-at-limit={hint.atLimit}
      className={clsx(
        "text-[11px] whitespace-nowrap tabular-nums",
        hint.atLimit ? "font-medium text-amber-700" : "text-zinc-500",
        className,
      )}
      {...rest}
    >
      <span aria-hidden>{hint.atLimit ? `${hint.text} · limit reached` : hint.text}</span>
      <span className="sr-only">{hint.label}</span>
    </span>
  );
}
