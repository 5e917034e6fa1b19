/**
 * Recovery: no run stays `running` forever. A run's process beats for it (RunRegistry); a run whose
 * heartbeat is older than LATTICE_RUN_TIMEOUT_MS belonged to a process that died (crash, SIGKILL, deploy),
 * so the sweeper — on start and periodically, on any instance — marks it `interrupted` with a clear error,
 * counts it as failed in the analytics, appends its terminal event (subscribers stop waiting) and, for a
 * chat, stores an error answer. Runs paused at a human node are not touched: their state is checkpointed
 * and any process can resume them.
 */
import "server-only";
import type { EventRow, Notification } from "@/lib/db/queries/events";
import { finalizeExecutions, type ChatOutcome, type ExecutionStatusRow } from "@/lib/db/queries/executions";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { newId } from "@/lib/ids";
import { env } from "@/lib/env";
import type { EventBus } from "./event-bus";
import { toEventRows } from "./event-rows";
import { orphanResult, toRunStatusEvent } from "./records";
import type { RunRegistry } from "./run-registry";

export const INTERRUPTED_ERROR_CODE = "run:interrupted";

export function interruptedMessage(timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return `The process running this execution stopped responding (no heartbeat for ${seconds} s), so the run was interrupted. Its partial results are lost; start it again to retry.`;
}

/**
 * The terminal event, notifications and chat answer of an execution ended without its process. The
 * event built is kept in `published` (the last one per execution: a retry takes the next seq) so the
 * caller can deliver it locally after the commit.
 */
export function orphanWrites({
  row,
  seq,
  status,
  error,
  bus,
  published,
}: {
  row: ExecutionStatusRow;
  seq: number;
  status: "failed" | "cancelled";
  error: { code: string; message: string };
  bus: EventBus;
  published: Map<string, ExecutionEvent>;
}): { events: EventRow[]; notifications: Notification[]; chat?: ChatOutcome } {
  const result = orphanResult(row, status, error);
  const event = {
    seq,
    type: status === "cancelled" ? "run_cancelled" : "run_failed",
    executionId: row.id,
    at: new Date().toISOString(),
    data: result,
  } as ExecutionEvent;
  published.set(row.id, event);
  const notifications: Notification[] = [bus.feedNotification(row.ownerId, toRunStatusEvent(row))];
  const notice = bus.eventNotification(row.id, row.ownerId, [event]);
  if (notice) notifications.push(notice);
  const chat =
    row.workflowType === "CHAT" && row.conversationId && status === "failed"
      ? {
          conversationId: row.conversationId,
          answer: {
            id: newId(),
            content: "",
            status: "error" as const,
            tokens: 0,
            cost: 0,
            durationMs: row.executionTimeMs,
            metadata: { executionId: row.id, error },
          },
        }
      : undefined;
  return { events: toEventRows([event]), notifications, ...(chat ? { chat } : {}) };
}

/** Marks runs whose process died `interrupted`; returns them. Safe to run on every instance at once. */
export async function sweepStaleExecutions({
  bus,
  registry,
  timeoutMs = env().LATTICE_RUN_TIMEOUT_MS,
}: {
  bus: EventBus;
  registry?: RunRegistry;
  timeoutMs?: number;
}): Promise<ExecutionStatusRow[]> {
  const message = interruptedMessage(timeoutMs);
  const published = new Map<string, ExecutionEvent>();
  const rows = await finalizeExecutions({
    from: "running",
    to: "interrupted",
    staleAfterMs: timeoutMs,
    excludeIds: registry?.ids() ?? [],
    errorMessage: message,
    describe: (row, seq) =>
      orphanWrites({ row, seq, status: "failed", error: { code: INTERRUPTED_ERROR_CODE, message }, bus, published }),
  });
  deliverLocally(bus, rows, published);
  return rows;
}

/** After the commit: this process's subscribers get what other instances got by NOTIFY. */
export function deliverLocally(
  bus: EventBus,
  rows: ExecutionStatusRow[],
  published: Map<string, ExecutionEvent>,
): void {
  for (const row of rows) {
    const event = published.get(row.id);
    if (event) bus.publishLocal(event);
  }
  for (const row of rows) bus.publishFeedLocal(row.ownerId, toRunStatusEvent(row));
}
