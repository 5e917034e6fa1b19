/**
 * Server-Sent Events read with fetch (a run starts with a POST, which EventSource cannot send). Follows the
 * HTML spec's line rules: chunks may split anywhere, lines end in LF, CR or CRLF, `:` lines are comments
 * (the server's keep-alives), and an event is dispatched on a blank line; an event cut off by the end of the
 * stream is dropped.
 */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export function createSseParser(onMessage: (message: SseMessage) => void) {
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let id: string | undefined;
  let pendingCr = false;

  const dispatch = () => {
    if (data.length > 0)
      onMessage({ ...(id !== undefined ? { id } : {}), event: event || "message", data: data.join("\n") });
    data = [];
    event = "";
  };

  const line = (text: string) => {
    if (text === "") return dispatch();
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\u0000")) id = value;
  };

  return {
    push(chunk: string) {
      let text = chunk;
      // A CR at the end of the previous chunk may be the first half of a CRLF.
      if (pendingCr && text.startsWith("\n")) text = text.slice(1);
      pendingCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const char = buffer[i];
        if (char !== "\n" && char !== "\r") continue;
        line(buffer.slice(start, i));
        if (char === "\r") {
          if (i + 1 === buffer.length) pendingCr = true;
          else if (buffer[i + 1] === "\n") i += 1;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    /** The stream ended: an event without its closing blank line is dropped, as the spec says. */
    end() {
      buffer = "";
      data = [];
      event = "";
    },
  };
}

/**
 * The messages of an event-stream body, as they arrive. Throws what reading throws (a dropped connection);
 * stopping early (break/return) cancels the body.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let ready: SseMessage[] = [];
  const parser = createSseParser((message) => ready.push(message));
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        parser.push(decoder.decode());
        break;
      }
      parser.push(decoder.decode(value, { stream: true }));
      const batch = ready;
      ready = [];
      yield* batch;
    }
    yield* ready;
  } finally {
    parser.end();
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
