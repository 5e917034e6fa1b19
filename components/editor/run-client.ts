/**
 * Starts (or resumes) a run over HTTP and reads its Server-Sent Events as they arrive: the same
 * `POST /api/executions` every API client uses, with `Accept: text/event-stream`. Events are parsed with the
 * stream contract's schema and handed over in batches (one per network chunk), so a burst of tokens costs
 * one store update, not one per token.
 */
import { errorBodySchema } from "@/lib/api/common";
import { executionEventSchema, type ExecutionEvent } from "@/lib/engine/events";
import { createSseParser } from "./model/sse";

export interface StreamHandlers {
  onEvents: (events: ExecutionEvent[]) => void;
  /** A failure of the request or the stream itself (not a failed run, which arrives as run_failed). */
  onError: (message: string) => void;
}

async function errorMessage(response: Response): Promise<string> {
  const body = errorBodySchema.safeParse(await response.json().catch(() => null));
  if (body.success) {
    const issues = body.data.error.issues?.slice(0, 3).map((issue) => `${issue.path}: ${issue.message}`);
    return issues?.length ? `${body.data.error.message} (${issues.join("; ")})` : body.data.error.message;
  }
  return `The server answered HTTP ${response.status}.`;
}

/** Resolves when the stream ends (normally, by error, or aborted through `signal`). */
export async function streamRun(
  url: string,
  body: unknown,
  { signal, onEvents, onError }: StreamHandlers & { signal: AbortSignal },
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      signal,
      credentials: "same-origin",
      headers: { accept: "text/event-stream", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    if (!signal.aborted) onError("Could not reach the server.");
    return;
  }
  if (!response.ok || !response.body) {
    onError(await errorMessage(response));
    return;
  }

  let batch: ExecutionEvent[] = [];
  const parser = createSseParser((message) => {
    if (message.event === "error") {
      const parsed = errorBodySchema.safeParse(safeJson(message.data));
      onError(parsed.success ? parsed.data.error.message : "The run’s stream failed.");
      return;
    }
    const event = executionEventSchema.safeParse(safeJson(message.data));
    // Events of types this page does not know (a newer server) are skipped, not fatal.
    if (event.success) batch.push(event.data);
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
      if (batch.length > 0) {
        onEvents(batch);
        batch = [];
      }
    }
  } catch {
    if (!signal.aborted) onError("The connection to the run was lost.");
  } finally {
    parser.end();
    reader.releaseLock();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
