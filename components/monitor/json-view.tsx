"use client";

import { clsx } from "clsx";
import { Check, Copy } from "lucide-react";
import { useState } from "react";

/** A value as indented JSON (strings as themselves), scrollable, with a copy button. */
export function JsonView({ value, className, testId }: { value: unknown; className?: string; testId?: string }) {
  const text = typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? "undefined");
  const [copied, setCopied] = useState(false);
  return (
    <div className={clsx("group relative", className)}>
      <pre
        data-testid={testId}
        className="max-h-64 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-[11.5px] leading-relaxed whitespace-pre-wrap break-words text-zinc-800"
      >
        {text}
      </pre>
      <button
        type="button"
        aria-label="Copy"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          });
        }}
        className="absolute top-1.5 right-1.5 rounded border border-zinc-200 bg-white p-1 text-zinc-500 opacity-0 shadow-xs transition-opacity group-hover:opacity-100 hover:text-zinc-800 focus-visible:opacity-100"
      >
        {copied ? (
          <Check aria-hidden className="size-3.5 text-emerald-600" />
        ) : (
          <Copy aria-hidden className="size-3.5" />
        )}
      </button>
    </div>
  );
}
