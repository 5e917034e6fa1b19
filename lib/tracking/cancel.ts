/**
 * Cancel a run from any instance. A running execution is stopped by the process that runs it (its
 * AbortController, through the bus): the model call and every tool stop, and the engine ends the run
 * `cancelled` with the tokens and cost spent so far. A paused one, or a pending one (queued, not started),
 * has no process: it is ended here, in one transaction (a queued run's job then finds it over and does
 * nothing). A finished one stays as it is.
 */
import "server-only";
import { finalizeExecutions, getExecutionStatus } from "@/lib/db/queries/executions";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { AppError } from "@/lib/errors";
import { getEventBus, type EventBus } from "./event-bus";
import { deliverLocally, orphanWrites } from "./sweeper";

export const CANCELLED_MESSAGE = "The run was cancelled.";

export interface CancelOutcome {
  executionId: string;
  /** The status after the request: "running" while the run's process stops it (it ends `cancelled`). */
  status: string;
  /** False when the run had already ended. */
  accepted: boolean;
}

export async function cancelExecution({
  executionId,
  ownerId,
  reason = CANCELLED_MESSAGE,
  bus = getEventBus(),
}: {
  executionId: string;
  ownerId: string;
  reason?: string;
  bus?: EventBus;
}): Promise<CancelOutcome> {
  const row = await getExecutionStatus({ executionId, ownerId });
  if (!row) throw new AppError("not_found:execution", "No such execution.");
  if (row.status === "running") {
    await bus.requestCancel({ executionId, ownerId, reason });
    return { executionId, status: "running", accepted: true };
  }
  if (row.status === "paused" || row.status === "pending") {
    // No process runs it: a paused run waits for an answer, a pending one for a worker (or its start here).
    const published = new Map<string, ExecutionEvent>();
    const error = { code: "cancelled", message: reason };
    const rows = await finalizeExecutions({
      from: row.status,
      to: "cancelled",
      executionId,
      ownerId,
      errorMessage: reason,
      describe: (paused, seq) => orphanWrites({ row: paused, seq, status: "cancelled", error, bus, published }),
    });
    deliverLocally(bus, rows, published);
    if (rows.length) return { executionId, status: "cancelled", accepted: true };
    // Resumed or ended meanwhile: answer with what it is now.
    const now = await getExecutionStatus({ executionId, ownerId });
    if (now?.status === "running") return cancelExecution({ executionId, ownerId, reason, bus });
    return { executionId, status: now?.status ?? row.status, accepted: false };
  }
  return { executionId, status: row.status, accepted: false };
}
