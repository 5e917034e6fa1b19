/** The answer to a request whose run went to the job queue: 202 with the execution id to follow. */
import "server-only";
import type { DetachedRunResponse } from "@/lib/contracts/executions";
import { json } from "@/lib/http";
import type { QueuedRun } from "@/lib/services/enqueue";

export function queuedRunResponse(run: QueuedRun): Response {
  const body: DetachedRunResponse = { executionId: run.executionId, status: run.status, runAt: run.runAt };
  return json(body, { status: 202, headers: { location: `/api/executions/${run.executionId}` } });
}
