/**
 * Said plainly wherever answers would come from the built-in test model (no provider configured, no
 * credential chosen): what it is, and how to connect a real one. Shown by the chat and Settings.
 */
import { FlaskConical } from "lucide-react";

export function TestModelNotice({ className = "" }: { className?: string }) {
  return (
    <div
      role="note"
      data-testid="test-model-notice"
      className={`flex items-start gap-2.5 rounded-lg border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-[13px] text-amber-900 ${className}`}
    >
      <FlaskConical aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600" />
      <p>
        Answers come from the built-in <strong>test model</strong> (local · echo), which repeats what it is sent. To use
        a real model, add a credential in{" "}
        <a href="/settings#credentials" className="font-medium underline">
          Settings → Model providers
        </a>{" "}
        or ask whoever runs Lattice to configure a provider.
      </p>
    </div>
  );
}
