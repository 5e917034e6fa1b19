/** A running run's events for one reader (the engine's stream). */
import type { Message } from "@/lib/db/schema";
import type { ExecutionContext } from "./context";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { ExecutionResult } from "@/lib/contracts/execution-result";

/** A run's events as `execute` streams them. */
export interface RunEventStream extends AsyncIterable<ExecutionEvent> {
  /**
   * A chat run's answer as its finish stored it — set before the terminal event is handed over, so a reader
   * that has read that event needs no read back (undefined before, without the database tracker, or when it
   * was not stored).
   */
  storedAnswer(): Message | undefined;
}

/**
 * A running run's events for one reader: buffered until read. A reader that stops early (a closed SSE
 * connection) cancels the run, which still ends with its tracker call and result; the stream ends after
 * the run's last event, or throws what broke the run underneath it.
 */
export class EventQueue {
  private readonly events: ExecutionEvent[] = [];
  private wake: (() => void) | undefined;

  push(event: ExecutionEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  streamOf(ctx: ExecutionContext, running: Promise<ExecutionResult>): RunEventStream {
    let done = false;
    let failure: unknown;
    const ended = running
      .then(
        () => undefined,
        (error: unknown) => {
          failure = error;
        },
      )
      .finally(() => {
        done = true;
        this.wake?.();
      });
    const queue = this;
    // Written out (not an async generator): a reader that gives up before its first read must still stop
    // the run, and a generator's return() before it started runs none of its body.
    return {
      storedAnswer: () => ctx.storedAnswer,
      [Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
        return {
          async next(): Promise<IteratorResult<ExecutionEvent>> {
            for (;;) {
              const next = queue.events.shift();
              if (next) return { value: next, done: false };
              if (done) {
                if (failure) throw failure;
                return { value: undefined, done: true };
              }
              await new Promise<void>((resolve) => (queue.wake = resolve));
              queue.wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<ExecutionEvent>> {
            if (!done) {
              ctx.stop({ kind: "cancelled", message: "The client stopped reading the run's stream." });
              await ended;
            }
            queue.events.length = 0;
            return { value: undefined, done: true };
          },
        };
      },
    };
  }
}
