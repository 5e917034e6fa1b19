// A preload (`node --require bench/timeline/preload.cjs`) that records the process's socket I/O for
// bench/timeline/run.ts: every socket write and `data` event, and each HTTP request's arrival, with the time
// in microseconds of the monotonic clock (the clock of `--cpu-prof` profiles, so a gap between two I/O
// events can be matched with the samples inside it). SIGUSR2 writes what was recorded to TIMELINE_OUT
// (JSON lines [timeMs, kind, "localPort>remotePort", bytes, first bytes]) and starts afresh. For measuring
// only: it slows every write a little.
const net = require("node:net");
const http = require("node:http");
const fs = require("node:fs");

const log = [];
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;
const ends = (socket) => `${socket?.localPort ?? "?"}>${socket?.remotePort ?? "?"}`;
const head = (chunk) => {
  try {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1");
    return text.slice(0, 60).replace(/[^\x20-\x7e]/g, ".");
  } catch {
    return "";
  }
};

const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (chunk, ...rest) {
  const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk) : (chunk?.length ?? 0);
  log.push([now(), "W", ends(this), bytes, head(chunk)]);
  return write.call(this, chunk, ...rest);
};

const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (event, ...args) {
  if (event === "data") log.push([now(), "R", ends(this), args[0]?.length ?? 0, head(args[0])]);
  return emit.call(this, event, ...args);
};

// An HTTP server reads its requests without `data` events: its `request` event marks their arrival.
const serverEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === "request") log.push([now(), "Q", ends(args[0].socket), 0, `${args[0].method} ${args[0].url}`]);
  return serverEmit.call(this, event, ...args);
};

process.on("SIGUSR2", () => {
  fs.writeFileSync(process.env.TIMELINE_OUT || "/tmp/lattice-timeline.json", JSON.stringify(log));
  log.length = 0;
});
