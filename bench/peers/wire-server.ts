/**
 * The peers' model: a minimal OpenAI-compatible server that answers instantly with a fixed reply, in its own
 * process (port of the reference harness's fake-openai.mjs; the same reply, chunks and usage).
 *   POST /v1/chat/completions   stream:false → JSON; stream:true → SSE, word by word, a usage chunk, [DONE]
 *   GET  /v1/models
 *   GET  /stats                 request counters (the runner reads them around each phase)
 * Binds 127.0.0.1 only.
 *   node --import tsx bench/peers/wire-server.ts [--port=8787] [--delay-ms=0] [--ttl=7200]
 * (--ttl: the server exits by itself after this many seconds, in case its parent died without stopping it.)
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const FIXED_REPLY = "This is a fixed reply from the benchmark model.";

export interface WireStats {
  chat: number;
  chatStream: number;
  models: number;
  other: number;
  startedAt: string;
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: unknown;
}

function json(res: http.ServerResponse, status: number, obj: unknown) {
  const s = JSON.stringify(obj);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(s) });
  res.end(s);
}

export function startWireServer({
  port = 8787,
  host = "127.0.0.1",
  delayMs = 0,
  reply = FIXED_REPLY,
  quiet = false,
} = {}) {
  const stats: WireStats = { chat: 0, chatStream: 0, models: 0, other: 0, startedAt: new Date().toISOString() };
  const words = reply.split(/(?<= )/); // stream word by word
  const usageFor = (body: ChatBody) => {
    const prompt = JSON.stringify(body.messages ?? "").length >> 2;
    const completion = words.length;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  };
  const id = () => `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  function plainReply(res: http.ServerResponse, body: ChatBody) {
    stats.chat++;
    json(res, 200, {
      id: id(),
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model || "fake-gpt",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply, refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: usageFor(body),
      system_fingerprint: "fp_bench",
    });
  }
  function streamReply(res: http.ServerResponse, body: ChatBody) {
    stats.chatStream++;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const base = {
      id: id(),
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model: body.model || "fake-gpt",
      system_fingerprint: "fp_bench",
    };
    const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    send({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
    for (const w of words)
      send({ ...base, choices: [{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] });
    // The usage chunk: OpenAI sends it when stream_options.include_usage is set; this server always does.
    send({ ...base, choices: [], usage: usageFor(body) });
    res.end("data: [DONE]\n\n");
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const p = url.pathname.replace(/\/+$/, "");
    if (req.method === "GET" && (p === "/v1/models" || p === "/models")) {
      stats.models++;
      return json(res, 200, {
        object: "list",
        data: ["fake-gpt", "gpt-4o-mini", "gpt-3.5-turbo"].map((id) => ({
          id,
          object: "model",
          created: 1700000000,
          owned_by: "bench",
        })),
      });
    }
    if (req.method === "GET" && p === "/stats") return json(res, 200, stats);
    if (req.method === "POST" && (p === "/v1/chat/completions" || p === "/chat/completions")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let body: ChatBody = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as ChatBody;
        } catch {
          return json(res, 400, { error: { message: "bad json" } });
        }
        const go = () => (body.stream ? streamReply(res, body) : plainReply(res, body));
        if (delayMs > 0) setTimeout(go, delayMs);
        else go();
      });
      return;
    }
    stats.other++;
    json(res, 404, { error: { message: `not found: ${req.method} ${p}` } });
  });
  return new Promise<{ server: http.Server; baseURL: string; stats: WireStats; close: () => Promise<void> }>(
    (resolve, reject) => {
      server.keepAliveTimeout = 65000;
      server.on("error", reject);
      server.listen(port, host, () => {
        const addr = server.address() as AddressInfo;
        const baseURL = `http://${host}:${addr.port}/v1`;
        if (!quiet) console.log(`fake-openai listening on ${baseURL}`);
        resolve({
          server,
          baseURL,
          stats,
          close: () =>
            new Promise<void>((r) => {
              server.closeAllConnections?.();
              server.close(() => r());
            }),
        });
      });
    },
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("="))) as Record<
    string,
    string | undefined
  >;
  const ttl = Number(args.ttl ?? 7200);
  const srv = await startWireServer({
    port: Number(args.port ?? process.env.FAKE_OPENAI_PORT ?? 8787),
    delayMs: Number(args["delay-ms"] ?? 0),
  });
  const t = setTimeout(() => {
    console.log(`fake-openai: ttl ${ttl}s reached, exiting`);
    void srv.close().then(() => process.exit(0));
  }, ttl * 1000);
  t.unref?.();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void srv.close().then(() => process.exit(0)));
}
