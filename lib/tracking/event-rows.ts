/**
 * How run events are stored in `execution_events`, and read back. A single event is one row (seq, type,
 * node, data). Token chunks are many and tiny, so a run of consecutive tokens from one node becomes ONE row
 * holding seq..seq_end, the joined text and each chunk's length: storage stays small, and reading the row
 * back yields the very events that were published (same seq, text and time), so a client resuming from any
 * sequence number — even one in the middle of an answer — misses nothing and sees nothing twice.
 */
import { executionEventSchema, type ExecutionEvent } from "@/lib/contracts/events";
import type { EventRow } from "@/lib/db/queries/events";

/** A row to insert (camelCase, as lib/db/queries/events.ts takes it). */
export type EventRowInput = EventRow;

/** A stored row as read back. */
export type StoredEventRow = EventRowInput;

/** `data` of a row that holds several token chunks. */
interface TokenRunData {
  nodeId: string;
  text: string;
  /** UTF-16 lengths of the chunks, in order: `text` split by them gives the chunks back. */
  lengths: number[];
  /** Each chunk's emission time, in ms after the row's created_at (the first chunk's). */
  offsets?: number[];
}

/** jsonb cannot hold U+0000; a same-length replacement keeps the chunk lengths valid. */
function jsonSafe<T>(value: T): T {
  // Almost always there is none: one plain stringify finds out (the row is stringified again when written).
  const plain = JSON.stringify(value);
  if (plain === undefined || !plain.includes("\\u0000")) return value;
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "string" && v.includes("\u0000") ? v.replaceAll("\u0000", "\uFFFD") : v,
  );
  return (text === undefined ? value : JSON.parse(text)) as T;
}

function atOf(event: ExecutionEvent): Date {
  const at = new Date(event.at);
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/**
 * Rows for a batch of events. Events are grouped per execution and ordered by seq; consecutive tokens
 * (contiguous seq, same node) collapse into one row.
 */
export function toEventRows(events: readonly ExecutionEvent[]): EventRowInput[] {
  const sorted = [...events].sort((a, b) =>
    a.executionId === b.executionId ? a.seq - b.seq : a.executionId < b.executionId ? -1 : 1,
  );
  const rows: EventRowInput[] = [];
  let run: { row: EventRowInput; texts: string[]; ats: number[] } | undefined;
  const closeRun = () => {
    if (!run) return;
    if (run.texts.length === 1) {
      run.row.data = jsonSafe({ text: run.texts[0]!, nodeId: run.row.nodeId ?? "" });
    } else {
      const first = run.row.createdAt.getTime();
      const data: TokenRunData = {
        nodeId: run.row.nodeId ?? "",
        text: run.texts.join(""),
        lengths: run.texts.map((t) => t.length),
        offsets: run.ats.map((at) => at - first),
      };
      run.row.data = jsonSafe(data);
      run.row.seqEnd = run.row.seq + run.texts.length - 1;
    }
    rows.push(run.row);
    run = undefined;
  };
  for (const event of sorted) {
    if (event.type === "token") {
      const last = run?.row;
      const continues =
        last &&
        last.executionId === event.executionId &&
        last.nodeId === event.data.nodeId &&
        last.seq + run!.texts.length === event.seq;
      if (continues) {
        run!.texts.push(event.data.text);
        run!.ats.push(atOf(event).getTime());
        continue;
      }
      closeRun();
      const at = atOf(event);
      run = {
        row: {
          executionId: event.executionId,
          seq: event.seq,
          seqEnd: null,
          type: "token",
          nodeId: event.data.nodeId,
          data: null,
          createdAt: at,
        },
        texts: [event.data.text],
        ats: [at.getTime()],
      };
      continue;
    }
    closeRun();
    rows.push({
      executionId: event.executionId,
      seq: event.seq,
      seqEnd: null,
      type: event.type,
      nodeId: event.nodeId ?? null,
      data: jsonSafe(event.data),
      createdAt: atOf(event),
    });
  }
  closeRun();
  return rows;
}

function isTokenRun(data: unknown): data is TokenRunData {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Partial<TokenRunData>;
  return typeof d.text === "string" && typeof d.nodeId === "string" && Array.isArray(d.lengths);
}

/**
 * The events stored in `rows` with seq > afterSeq, in order. Rows that no longer parse as the event
 * contract (written by another version) are skipped rather than breaking a stream.
 */
export function fromEventRows(rows: readonly StoredEventRow[], afterSeq = 0): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  const push = (candidate: unknown) => {
    const parsed = executionEventSchema.safeParse(candidate);
    if (parsed.success) events.push(parsed.data);
  };
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    const createdAt = new Date(row.createdAt).getTime();
    const at = new Date(createdAt).toISOString();
    const envelope = { executionId: row.executionId, at, ...(row.nodeId !== null ? { nodeId: row.nodeId } : {}) };
    if (row.type === "token" && row.seqEnd !== null && isTokenRun(row.data)) {
      const data = row.data;
      let offset = 0;
      data.lengths.forEach((length, i) => {
        const text = data.text.slice(offset, offset + length);
        offset += length;
        const seq = row.seq + i;
        const chunkAt = new Date(createdAt + (data.offsets?.[i] ?? 0)).toISOString();
        if (seq > afterSeq) push({ ...envelope, at: chunkAt, seq, type: "token", data: { text, nodeId: data.nodeId } });
      });
      continue;
    }
    if (row.seq > afterSeq) push({ ...envelope, seq: row.seq, type: row.type, data: row.data });
  }
  return events;
}
