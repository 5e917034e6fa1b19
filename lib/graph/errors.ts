/**
 * Why a node or a run stopped, as errors the engine maps to result codes ("node:failed", "node:timeout").
 */

/** One attempt of a node ran past its time limit (`data.retry.timeoutMs`). */
export class NodeAttemptTimeoutError extends Error {
  override readonly name = "NodeAttemptTimeoutError";
  constructor(
    readonly nodeId: string,
    readonly timeoutMs: number,
  ) {
    super(`Node "${nodeId}" took longer than ${timeoutMs} ms.`);
  }
}

/** A node failed after its retry policy and had no error edge to follow: the run fails with this. */
export class NodeFailedError extends Error {
  override readonly name = "NodeFailedError";
  readonly code: "node:timeout" | "node:failed";
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(
      `${nodeType} node "${nodeId}" failed${attempts > 1 ? ` after ${attempts} attempts` : ""}: ${errorMessage(lastError)}`,
      {
        cause: lastError,
      },
    );
    this.code = lastError instanceof NodeAttemptTimeoutError ? "node:timeout" : "node:failed";
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
