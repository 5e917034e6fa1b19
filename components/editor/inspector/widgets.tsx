"use client";

/**
 * The inspector's form widgets, one per `FieldWidget`. Each edits one config value and reports every change
 * at once (the store merges a burst of typing into one undo step). Widgets whose text may be invalid mid-
 * edit (numbers, JSON) keep a local draft and only report values that parse.
 */
import { clsx } from "clsx";
import { Check, CircleAlert } from "lucide-react";
import { useEffect, useState, type ComponentPropsWithRef } from "react";
import { parseExpression } from "@/lib/expressions";

export const inputClasses =
  "w-full rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] text-zinc-900 shadow-xs placeholder:text-zinc-400 " +
  "focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20 aria-invalid:border-red-400 aria-invalid:ring-red-500/10";

export function TextInput({ className, ...props }: ComponentPropsWithRef<"input">) {
  return <input type="text" className={clsx(inputClasses, "h-8", className)} {...props} />;
}

export function TextArea({ className, ...props }: ComponentPropsWithRef<"textarea">) {
  return (
    <textarea className={clsx(inputClasses, "min-h-[72px] resize-y py-1.5 leading-relaxed", className)} {...props} />
  );
}

export function NumberInput({
  value,
  onValue,
  min,
  max,
  integer,
  ...props
}: Omit<ComponentPropsWithRef<"input">, "value" | "onChange" | "min" | "max"> & {
  value: unknown;
  onValue: (value: number | undefined) => void;
  min?: number;
  max?: number;
  integer?: boolean;
}) {
  const external = typeof value === "number" ? String(value) : "";
  const [draft, setDraft] = useState(external);
  // Follow the store (undo, redo) unless the draft already says the same number ("1." while typing "1.5").
  useEffect(() => {
    setDraft((current) => (current.trim() !== "" && Number(current) === value ? current : external));
  }, [external, value]);
  const parsed = draft.trim() === "" ? undefined : Number(draft);
  const invalid = parsed !== undefined && (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)));
  return (
    <input
      type="number"
      inputMode={integer ? "numeric" : "decimal"}
      step={integer ? 1 : "any"}
      min={min}
      max={max}
      value={draft}
      aria-invalid={invalid || props["aria-invalid"] ? true : undefined}
      onChange={(event) => {
        const text = event.target.value;
        setDraft(text);
        if (text.trim() === "") onValue(undefined);
        else {
          const n = Number(text);
          if (Number.isFinite(n) && (!integer || Number.isInteger(n))) onValue(n);
        }
      }}
      className={clsx(inputClasses, "h-8 tabular-nums")}
      {...props}
    />
  );
}

export function Switch({
  checked,
  onChange,
  label,
  ...props
}: { checked: boolean; onChange: (checked: boolean) => void; label: string } & Omit<
  ComponentPropsWithRef<"button">,
  "onChange"
>) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      onClick={() => onChange(!checked)}
      className={clsx(
        "relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500",
        checked ? "bg-indigo-600" : "bg-zinc-300",
      )}
      {...props}
    >
      <span
        className={clsx(
          "inline-block size-4 rounded-full bg-white shadow transition-transform",
          checked ? "translate-x-4.5" : "translate-x-0.5",
        )}
      />
    </button>
  );
}

export function Select({ className, ...props }: ComponentPropsWithRef<"select">) {
  return <select className={clsx(inputClasses, "h-8 pr-7", className)} {...props} />;
}

/** JSON text: reports the parsed value when it parses, and says what is wrong when it does not. */
export function JsonInput({
  value,
  onValue,
  ...props
}: Omit<ComponentPropsWithRef<"textarea">, "value" | "onChange"> & {
  value: unknown;
  onValue: (value: unknown) => void;
}) {
  const external = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(external);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft((current) => {
      try {
        if (current.trim() && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        // The draft does not parse: the store's value wins.
      }
      return external;
    });
    setError(null);
  }, [external, value]);
  return (
    <div>
      <TextArea
        value={draft}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          if (!text.trim()) {
            setError(null);
            onValue(undefined);
            return;
          }
          try {
            onValue(JSON.parse(text));
            setError(null);
          } catch (cause) {
            setError(cause instanceof Error ? cause.message.replace(/^JSON\.parse: /, "") : "Not valid JSON.");
          }
        }}
        className="font-mono text-[12px]"
        {...props}
      />
      {error ? <FieldMessage tone="error">Not valid JSON yet: {error}</FieldMessage> : null}
    </div>
  );
}

/** A JSONata expression, parsed as the user types: valid, or the error and where it is. */
export function ExpressionInput({
  value,
  onValue,
  ...props
}: Omit<ComponentPropsWithRef<"textarea">, "value" | "onChange"> & {
  value: string;
  onValue: (value: string) => void;
}) {
  const parsed = value.trim() ? parseExpression(value) : null;
  return (
    <div>
      <TextArea
        value={value}
        spellCheck={false}
        rows={2}
        onChange={(event) => onValue(event.target.value)}
        aria-invalid={parsed && !parsed.ok ? true : props["aria-invalid"]}
        className="min-h-[52px] font-mono text-[12px]"
        {...props}
      />
      {parsed ? (
        parsed.ok ? (
          <FieldMessage tone="ok">Valid JSONata</FieldMessage>
        ) : (
          <div data-testid="expression-error">
            <FieldMessage tone="error">
              {parsed.message} (at character {parsed.position})
            </FieldMessage>
            <pre className="mt-1 overflow-x-auto rounded bg-red-50 px-2 py-1 font-mono text-[11px] leading-snug text-red-900">
              {value.slice(Math.max(0, parsed.position - 40), parsed.position)}
              <span className="bg-red-200 underline decoration-red-600 decoration-wavy">
                {value.slice(parsed.position, parsed.position + 1) || " "}
              </span>
              {value.slice(parsed.position + 1, parsed.position + 20)}
            </pre>
          </div>
        )
      ) : null}
    </div>
  );
}

export function FieldMessage({
  tone,
  children,
  id,
}: {
  tone: "error" | "ok" | "hint";
  children: React.ReactNode;
  id?: string;
}) {
  return (
    <p
      id={id}
      className={clsx(
        "mt-1 flex items-start gap-1 text-[11.5px] leading-snug",
        tone === "error" ? "text-red-700" : tone === "ok" ? "text-emerald-700" : "text-zinc-500",
      )}
    >
      {tone === "error" ? <CircleAlert aria-hidden className="mt-px size-3 shrink-0" /> : null}
      {tone === "ok" ? <Check aria-hidden className="mt-px size-3 shrink-0" /> : null}
      <span>{children}</span>
    </p>
  );
}
