/**
 * Server-Sent Events responses for runs. Every engine event goes out with `toSse` (the stream contract);
 * routes may add their own closing events (chat's saved message). A comment line every few seconds keeps
 * proxies from closing a quiet stream. When the client goes away the event iterator is closed, which the
 * engine takes as "stop the run".
 */
import "server-only";
import { toSse, type ExecutionEvent } from "@/lib/engine/events";
import { AppError, isAppError } from "@/lib/errors";

const KEEP_ALIVE_MS = 15_000;

/** True when the client asked for a stream (`Accept: text/event-stream`). */
export function wantsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** A non-contract event (no `id:`, so a reconnecting client's Last-Event-ID stays the last run event's). */
export function namedSse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function errorSse(error: unknown): string {
  if (isAppError(error)) return namedSse("error", error.toJSON());
  console.error("[api] stream failed", error);
  return namedSse("error", new AppError("internal:stream", "The stream failed.").toJSON());
}

export function sseResponse(
  events: AsyncIterable<ExecutionEvent>,
  { after }: { after?: (last: ExecutionEvent | undefined) => Promise<string | undefined> } = {},
): Response {
  const iterator = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
      }, KEEP_ALIVE_MS);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (!next.done) {
          lastEvent = next.value;
          controller.enqueue(encoder.encode(toSse(next.value)));
          return;
        }
        const closing = after ? await after(lastEvent) : undefined;
        if (closing) controller.enqueue(encoder.encode(closing));
      } catch (error) {
        controller.enqueue(encoder.encode(errorSse(error)));
      }
      finish();
      controller.close();
    },
    async cancel() {
      finish();
      await iterator.return?.();
    },
  });
  let lastEvent: ExecutionEvent | undefined;

  function finish() {
    closed = true;
    if (keepAlive) clearInterval(keepAlive);
  }

  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
