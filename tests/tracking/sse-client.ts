/**
 * A minimal Server-Sent Events reader for tests: frames as a browser's EventSource would see them
 * (id, event, data), plus the comment lines (keep-alives) it ignores.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

export function parseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    const frame: SseFrame = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) frame.comment = line.slice(1).trim();
      else {
        const at = line.indexOf(":");
        const field = at < 0 ? line : line.slice(0, at);
        const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
        if (field === "id") frame.id = value;
        else if (field === "event") frame.event = value;
        else if (field === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
        else if (field === "retry") frame.retry = Number(value);
      }
    }
    frames.push(frame);
  }
  return frames;
}

/** Frames with an event (not comments or the retry hint), their data parsed as JSON. */
export function eventFrames(frames: SseFrame[]) {
  return frames
    .filter((f) => f.event !== undefined)
    .map((f) => ({ id: f.id, event: f.event!, data: JSON.parse(f.data ?? "null") as unknown }));
}

/**
 * Reads a streaming response until `until(frames)` is true or the stream ends; returns the frames read
 * and whether the server ended the stream.
 */
export async function readSse(
  response: Response,
  { until, timeoutMs = 15_000 }: { until?: (frames: SseFrame[]) => boolean; timeoutMs?: number } = {},
): Promise<{ frames: SseFrame[]; ended: boolean; cancel: () => Promise<void> }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
    const frames = parseFrames(complete);
    if (until?.(frames)) break;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`readSse: timed out; read so far:\n${text.slice(-2000)}`);
    let timer: NodeJS.Timeout | undefined;
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`readSse: timed out; read so far:\n${text.slice(-2000)}`)),
            remaining,
          )),
      ),
    ]).finally(() => clearTimeout(timer));
    if (chunk.done) {
      ended = true;
      break;
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  const frames = parseFrames(text.slice(0, text.lastIndexOf("\n\n") + 2));
  return {
    frames,
    ended,
    cancel: async () => {
      await reader.cancel().catch(() => {});
    },
  };
}
