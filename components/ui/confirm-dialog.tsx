"use client";

import type { ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { ErrorNote } from "./error-note";

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
  onConfirm: () => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: string | null;
  /** `<testId>-dialog` on the dialog, `<testId>-confirm` on its confirm button. */
  testId: string;
}) {
  const cancel = () => {
    if (!pending) onCancel();
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
          <Button variant="secondary" onClick={cancel} disabled={pending}>
            Cancel
          </Button>
          <Button variant="danger" data-testid={`${testId}-confirm`} disabled={pending} onClick={onConfirm}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <ErrorNote message={error} /> : null}
    </Dialog>
  );
}
