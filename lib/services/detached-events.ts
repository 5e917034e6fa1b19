/**
 * A run's events that keep being read to the end when the client stops reading. The engine stops a run
 * whose event stream is abandoned; a chat must not: a dropped connection (a train tunnel, a closed laptop
 * lid, a reload) is not a request to stop, and the client comes back for the rest through
 * GET /api/executions/:id/events with its Last-Event-ID. Stopping is explicit: POST /api/executions/:id/cancel.
 */
import "server-only";

export function keepRunningWhenClientLeaves<T>(events: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const source = events[Symbol.asyncIterator]();
      const buffered: T[] = [];
      let started = false;
      let finished = false;
      let left = false;
      let failure: unknown;
      let wake: (() => void) | undefined;

      // Reads the run to its end whatever the client does; what the client no longer wants is dropped.
      const pump = async () => {
        try {
          for (;;) {
            const next = await source.next();
            if (next.done) break;
            if (!left) buffered.push(next.value);
            wake?.();
          }
        } catch (error) {
          failure = error;
        } finally {
          finished = true;
          wake?.();
        }
      };

      return {
        async next(): Promise<IteratorResult<T>> {
          if (!started) {
            started = true;
            void pump();
          }
          for (;;) {
            if (buffered.length > 0) return { value: buffered.shift()!, done: false };
            if (failure !== undefined) throw failure;
            if (finished) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<T>> {
          left = true;
          buffered.length = 0;
          // The run is going (the engine starts it before handing its events over): read it to its end.
          if (!started) {
            started = true;
            void pump();
          }
          return { value: undefined, done: true };
        },
      };
    },
  };
}
