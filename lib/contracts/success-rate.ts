/**
 * The one rule for a success rate, wherever one is shown or answered (the dashboard, GET /api/analytics/*):
 * completed runs out of those that finished by succeeding or failing. An interrupted run (its process
 * stopped under it) is a failure; a cancelled one was stopped on purpose and is neither: it is left out.
 * Client-safe.
 */

/** The counts a success rate is made of (others, such as `cancelled`, may be there: they do not count). */
export interface OutcomeCounts {
  completed: number;
  failed: number;
  /** Counted as failures. */
  interrupted?: number;
}

/** completed / (completed + failed + interrupted); null when no run succeeded or failed. */
export function successRate({ completed, failed, interrupted = 0 }: OutcomeCounts): number | null {
  const decided = completed + failed + interrupted;
  return decided === 0 ? null : completed / decided;
}

/** How the rate is made, in words, for tooltips and descriptions. */
export const SUCCESS_RATE_RULE =
  "Completed runs out of those that completed or failed (interrupted ones count as failed). Cancelled runs are not counted.";
