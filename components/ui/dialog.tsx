"use client";

import { clsx } from "clsx";
import { X } from "lucide-react";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { focusRing } from "./focus-ring";

/**
 * A modal on the native <dialog> element: the browser provides the focus trap, Escape to close, the inert
 * background and the top layer, so none of that is re-implemented here. Controlled by `open`; every way
 * of closing (Escape, the close button, a click on the backdrop) calls `onClose`.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  className,
  ...rest
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  className?: string;
  "data-testid"?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the click is on the backdrop; its keyboard equivalent is Escape, handled by `onCancel`
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape fires `cancel`: let the parent decide (it owns `open`) instead of closing behind its back.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the dialog element itself (not its content) is a click on the backdrop.
        if (event.target === event.currentTarget) onClose();
      }}
      className={clsx(
        "m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl",
        "backdrop:bg-zinc-950/40 backdrop:backdrop-blur-[2px]",
        className,
      )}
      {...rest}
    >
      {open ? (
        <div className="relative p-5">
          <h2 id={titleId} className="pr-8 text-[15px] font-semibold">
            {title}
          </h2>
          {description ? (
            <p id={descriptionId} className="mt-2 text-sm text-zinc-600">
              {description}
            </p>
          ) : null}
          {children ? <div className="mt-4">{children}</div> : null}
          {footer ? <div className="mt-6 flex justify-end gap-2">{footer}</div> : null}
          {/* Last in the DOM so that showModal() focuses the content first (in a confirmation, "Cancel"). */}
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            className={clsx(
              "absolute top-4 right-4 rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700",
              focusRing,
            )}
          >
            <X aria-hidden className="size-4" />
          </button>
        </div>
      ) : null}
    </dialog>
  );
}
