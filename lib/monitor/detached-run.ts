/**
 * `Prefer: respond-async` (RFC 7240) for the routes that start or continue a run: instead of holding the
 * request open until the run ends (JSON) or tying the run to the connection (a stream whose reader leaves
 * cancels the run), answer 202 with the execution id as soon as the run has started, and let the server
 * read the run to its end. The monitor uses it to re-run or answer a run and then follow it live over
 * GET /api/executions/:id/events, like any other run.
 */
import "server-only";
import type { DetachedRunResponse } from "@/lib/contracts/executions";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http";
import type { RunOutcome } from "@/lib/services/executions";

export function prefersRespondAsync(request: Request): boolean {
  return /(^|[\s,;])respond-async($|[\s,;])/i.test(request.headers.get("prefer") ?? "");
}

/** 202 once the run has emitted its first event (run_started: its row exists); the rest is drained here. */
export async function detachedRunResponse(outcome: RunOutcome): Promise<Response> {
  if (outcome.kind !== "stream") throw new AppError("internal:run", "A detached run must be started as a stream.");
  const iterator = outcome.events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new AppError("internal:run", "The run ended before it started.");
  const { executionId } = first.value;
  void (async () => {
    try {
      for (;;) if ((await iterator.next()).done) return;
    } catch (error) {
      // The run's own failure is recorded by its tracker; this is the stream breaking underneath it.
      console.error("[monitor] a detached run's stream failed", error);
    }
  })();
  const body: DetachedRunResponse = { executionId, status: "running" };
  return json(body, {
    status: 202,
    headers: { location: `/api/executions/${executionId}`, "preference-applied": "respond-async" },
  });
}
