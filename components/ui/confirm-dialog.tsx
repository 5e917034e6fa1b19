"use client";

import type { MouseEvent, ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { ErrorNote } from "./error-note";
import { isRepeatClick, useSingleFlight } from "./single-flight";

/**
 * "Delete …?": a destructive action asked for once more. While `pending` it cannot be dismissed (the
 * answer is on its way); `error`, when the action failed, shows in the dialog, which stays open to retry.
 */
export function ConfirmDialog({
  open,
  onCancel,
  onConfirm,
  title,
  description,
  confirmLabel,
  pendingLabel,
  pending,
  error,
  testId,
}: {
  open: boolean;
  onCancel: () => void;
  /** May return a promise: the dialog stays busy (and ignores more clicks) until it settles. */
  onConfirm: () => unknown;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: string | null;
  /** `<testId>-dialog` on the dialog, `<testId>-confirm` on its confirm button. */
  testId: string;
}) {
  // One confirmation per click: a double-click must not send the action twice (the second would fail, the
  // thing being gone already) before `pending` (a mutation's, notified on a timer) disables the button.
  const flight = useSingleFlight();
  const busy = pending || flight.pending;
  const cancel = () => {
    if (!busy) onCancel();
  };
  const confirm = (event: MouseEvent) => {
    if (busy || isRepeatClick(event)) return;
    flight.run(async () => {
      await onConfirm();
    });
  };
  return (
    <Dialog
      open={open}
      onClose={cancel}
      title={title}
      description={description}
      data-testid={`${testId}-dialog`}
      footer={
        <>
          <Button variant="secondary" onClick={cancel} disabled={busy}>
            Cancel
          </Button>
          <Button variant="danger" data-testid={`${testId}-confirm`} disabled={busy} aria-busy={busy} onClick={confirm}>
            {busy ? pendingLabel : confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <ErrorNote message={error} /> : null}
    </Dialog>
  );
}
