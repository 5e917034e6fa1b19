/**
 * The steps of a chat turn, read from the server's socket I/O as bench/timeline/preload.cjs records it: the
 * load's statement out and back, the start's, the model request and its first chunk, the response's headers
 * and first token, the finish, the last write. Shared by bench/timeline/run.ts (the medians) and
 * bench/profile-summary.ts (`--timeline`: the CPU samples between two steps).
 */

/** [time in ms of the monotonic clock, write/read/request, "localPort>remotePort", bytes, first bytes]. */
export type Entry = [timeMs: number, kind: "W" | "R" | "Q", ends: string, bytes: number, head: string];

export const PHASES = [
  "request in",
  "load statement out",
  "load answer in",
  "start statement out",
  "start answered",
  "model request out",
  "model's first chunk in",
  "response headers out",
  "first token out",
  "finish statement out",
  "last write to the client",
] as const;
export type Phase = (typeof PHASES)[number];

/** The log cut into turns: each from a request to `route` (e.g. "POST /api/chat") to the next one. */
export function turnsOf(log: Entry[], route: string): Entry[][] {
  const turns: Entry[][] = [];
  for (const entry of log) {
    if (entry[1] === "Q" && entry[4].startsWith(route)) turns.push([entry]);
    else turns.at(-1)?.push(entry);
  }
  return turns;
}

/**
 * When each step of a turn happened (ms, the log's clock). The database is the connection to port 5432; the
 * model server, the first other connection the server writes to that is not the client's.
 */
export function phasesOf(turn: Entry[]): Map<Phase, number> {
  const phases = new Map<Phase, number>();
  const first = (pick: (e: Entry) => boolean) => turn.find(pick)?.[0];
  const note = (name: Phase, at: number | undefined) => {
    if (at !== undefined) phases.set(name, at);
  };
  const clientEnds = turn[0]![2];
  const serverPort = clientEnds.split(">")[0];
  const database = (e: Entry) => e[2].endsWith(">5432");
  const toClient = (e: Entry) => e[2] === clientEnds && e[1] === "W";
  const startConn = turn.find((e) => database(e) && e[1] === "W" && e[4].includes("begin"))?.[2];
  const modelConn = turn.find((e) => e[1] === "W" && !database(e) && !e[2].startsWith(`${serverPort}>`))?.[2];
  note("request in", turn[0]![0]);
  note(
    "load statement out",
    first((e) => database(e) && e[1] === "W"),
  );
  note(
    "load answer in",
    first((e) => database(e) && e[1] === "R"),
  );
  note(
    "start statement out",
    first((e) => e[2] === startConn && e[1] === "W"),
  );
  // Its BEGIN … COMMIT go out in one write, and mostly come back in one read (a late COMMIT follows).
  note(
    "start answered",
    first((e) => e[2] === startConn && e[1] === "R"),
  );
  note(
    "model request out",
    first((e) => e[2] === modelConn && e[1] === "W"),
  );
  note(
    "model's first chunk in",
    first((e) => e[2] === modelConn && e[1] === "R"),
  );
  note(
    "response headers out",
    first((e) => toClient(e) && e[4].startsWith("HTTP/1.1")),
  );
  note(
    "first token out",
    first((e) => toClient(e) && e[4].includes("event: token")),
  );
  note(
    "finish statement out",
    first((e) => database(e) && e[1] === "W" && e[3] > 4096),
  );
  note("last write to the client", turn.filter(toClient).at(-1)?.[0]);
  return phases;
}
