/**
 * Following an editor run (the Test panel's, or "Run this node"'s) into the RunState it is shown from, and
 * cancelling it: one stream at a time per follower. Framework-free apart from the browser's fetch.
 */
import { errorText } from "@/lib/api-client/fetch-json";
import { cancelExecution } from "@/lib/api-client/monitor";
import { followRun, postForEvents } from "@/lib/api-client/run-stream";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { AppError } from "@/lib/errors";
import { failRun, isRunActive, type RunState } from "./model/run-state";

export interface RunTarget {
  get(): RunState;
  apply(events: readonly ExecutionEvent[]): void;
  update(change: (run: RunState) => RunState): void;
  /** The request was refused before a run started (or the stream could not be kept): the error as sent. */
  refused?(error: AppError): void;
}

export interface RunFollower {
  /** Reads a run's stream into the target until it ends, then settles a run the stream left open. */
  follow(url: string, body: unknown): Promise<void>;
  /** Asks the server to stop the run (it ends `cancelled` with what it spent; the stream reports it). */
  cancel(): Promise<void>;
}

export function runFollower(target: RunTarget, fetchImpl: typeof fetch = (...args) => fetch(...args)): RunFollower {
  let current: AbortController | null = null;
  return {
    async follow(url, body) {
      current?.abort();
      const abort = new AbortController();
      current = abort;
      // The same reader as the chat: a dropped connection is resumed with Last-Event-ID, nothing shown twice.
      const outcome = await followRun({
        open: postForEvents(url, body, fetchImpl),
        signal: abort.signal,
        onEvents: (events) => target.apply(events),
      });
      // Replaced by a newer run's stream: the target is that run's now, and this one's end is not news.
      if (current !== abort) return;
      current = null;
      if (outcome.kind === "error") {
        target.update((run) => failRun(run, errorText(outcome.error)));
        target.refused?.(outcome.error);
      }
      if (isRunActive(target.get())) {
        target.update((run) =>
          abort.signal.aborted
            ? { ...run, phase: "cancelled" }
            : failRun(run, "The stream ended before the run finished."),
        );
      }
    },
    async cancel() {
      const id = target.get().executionId;
      const pending = current;
      if (id) {
        const accepted = await cancelExecution(id)
          .then(() => true)
          .catch(() => false);
        if (accepted) {
          setTimeout(() => {
            if (current === pending) pending?.abort();
          }, 3000);
          return;
        }
      }
      // No cancel endpoint reachable (or the run has no id yet): closing the stream stops the run too.
      pending?.abort();
    },
  };
}
