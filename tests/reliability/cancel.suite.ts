/**
 * Cancel: a streaming run that is cancelled — by the cancel endpoint, or by its client going away — asks
 * its model for nothing more. Counted at the model: an OpenAI-compatible wire-format server in this process
 * that notes every text piece it writes; the run's graph has two model calls in a row, so a second request
 * would show too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWireServer, type WireServer } from "../helpers/wire-server";
import { freePort, startProductionServer, type ProductionServer } from "../helpers/production-server";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { suiteSql } from "./lib/database";
import { SUITE_SERVER_ENV } from "./lib/global-setup";
import { edge, eventually, graph, node, sleep, suiteServer } from "./lib/suite";

const { dir, databaseUrl } = suiteServer();
const sql = suiteSql(databaseUrl);
const PIECE_LATENCY_MS = 25;
const ANSWER = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
const MARKER = /\[cancel:(\w+)\]/;

/** Per run marker: model requests started and text pieces written. */
const seen = new Map<string, { requests: number; pieces: number }>();
const entry = (marker: string) => {
  let e = seen.get(marker);
  if (!e) seen.set(marker, (e = { requests: 0, pieces: 0 }));
  return e;
};
const isTitleRequest = (messages: Array<{ role: string; content: string }>) =>
  messages[0]?.role === "system" && messages[0].content.startsWith("You name chat conversations");
const markerOf = (messages: Array<{ role: string; content: string }>) =>
  MARKER.exec(messages.map((m) => m.content).join("\n"))?.[1] ?? "none";

let wire: WireServer;
let server: ProductionServer;
let user: HttpUser;

beforeAll(async () => {
  wire = await startWireServer({
    latencyMs: PIECE_LATENCY_MS,
    record: false,
    respond: (req) => {
      // A new conversation's title is asked beside its first answer, once the first token is out (before
      // any cancel): counted apart, it is not the answer's model asked again.
      if (isTitleRequest(req.messages)) return { text: "A title" };
      entry(markerOf(req.messages)).requests += 1;
      return { text: ANSWER };
    },
    onTextPiece: (req) => {
      if (!isTitleRequest(req.messages)) entry(markerOf(req.messages)).pieces += 1;
    },
  });
  server = await startProductionServer({
    dir,
    port: await freePort(),
    databaseUrl,
    env: { ...SUITE_SERVER_ENV, OPENAI_BASE_URL: `${wire.url}/v1`, OPENAI_API_KEY: "suite-key" },
  });
  user = await signUpOverHttp(server.url, "cancel");
});

afterAll(async () => {
  await server?.kill("SIGTERM");
  await wire?.close();
  await sql.end({ timeout: 5 });
});

/** start → first answer → second answer → end, both from the wire model. */
const twoCalls = graph(
  [
    node("start", "start"),
    node("first", "model", { provider: "openai", model: "gpt-4o-mini" }),
    node("second", "model", { provider: "openai", model: "gpt-4o-mini" }),
    node("end", "end"),
  ],
  [edge("start", "first"), edge("first", "second"), edge("second", "end")],
);

async function statusOf(executionId: string): Promise<string | undefined> {
  const [row] = await sql<Array<{ status: string }>>`select status from workflow_executions where id = ${executionId}`;
  return row?.status;
}

describe("cancel: no model tokens after a cancel", () => {
  it("POST /api/executions/:id/cancel stops the model stream and starts no further model request", async () => {
    const marker = "endpoint";
    const response = await request(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: twoCalls, input: { message: `Tell me everything [cancel:${marker}]` } },
    });
    expect(response.status).toBe(200);
    let executionId = "";
    let tokens = 0;
    let cancelled: Promise<unknown> | undefined;
    let piecesAtCancel = 0;
    const events = await readSse(response, {
      onEvent: (m) => {
        if (m.event === "run_started") executionId = m.data.executionId;
        if (m.event === "token" && ++tokens === 5) {
          piecesAtCancel = entry(marker).pieces;
          cancelled = callJson(server.url, `/api/executions/${executionId}/cancel`, {
            method: "POST",
            apiKey: user.apiKey,
          });
        }
      },
    });
    const cancelAnswer = (await cancelled) as { status: number };
    expect(cancelAnswer.status).toBeLessThan(300);
    expect(events.at(-1)?.event).toBe("run_cancelled");
    const piecesAtEnd = entry(marker).pieces;
    await sleep(20 * PIECE_LATENCY_MS);

    expect(entry(marker).requests, "model requests").toBe(1);
    // Pieces already on their way when the cancel arrived may still be written; then nothing.
    expect(entry(marker).pieces - piecesAtCancel, "pieces written after the cancel").toBeLessThanOrEqual(3);
    expect(entry(marker).pieces).toBe(piecesAtEnd);
    expect(entry(marker).pieces).toBeLessThan(ANSWER.split(" ").length);
    expect(await statusOf(executionId)).toBe("cancelled");
  });

  it("a streamed execution whose client goes away is cancelled and its model stream stops", async () => {
    const marker = "disconnect";
    const abort = new AbortController();
    const response = await request(server.url, "/api/executions", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { type: "CUSTOM", definition: twoCalls, input: { message: `Tell me everything [cancel:${marker}]` } },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    let executionId = "";
    let tokens = 0;
    let piecesAtAbort = 0;
    await readSse(response, {
      onEvent: (m) => {
        if (m.event === "run_started") executionId = m.data.executionId;
        if (m.event === "token") tokens += 1;
      },
      until: () => {
        if (tokens < 5) return false;
        piecesAtAbort = entry(marker).pieces;
        abort.abort();
        return true;
      },
    }).catch(() => []);
    expect(executionId).not.toBe("");
    const final = await eventually(
      async () => {
        const status = await statusOf(executionId);
        return status && status !== "running" ? status : undefined;
      },
      { what: "the run to end" },
    );
    expect(final).toBe("cancelled");
    const piecesAtEnd = entry(marker).pieces;
    await sleep(20 * PIECE_LATENCY_MS);
    expect(entry(marker).requests, "model requests").toBe(1);
    expect(entry(marker).pieces - piecesAtAbort, "pieces written after the client left").toBeLessThanOrEqual(3);
    expect(entry(marker).pieces).toBe(piecesAtEnd);
  });

  it("a streaming chat stopped with the cancel endpoint asks the model for nothing more and keeps its answer as stopped", async () => {
    // (A chat whose connection merely drops keeps answering by design: its client resumes from the run's events.)
    const marker = "chat";
    const saved = await callJson(server.url, "/api/workflows", {
      method: "POST",
      apiKey: user.apiKey,
      body: { name: "Two calls", description: "", ...twoCalls },
    });
    expect(saved.status).toBe(201);
    const response = await request(server.url, "/api/chat", {
      method: "POST",
      apiKey: user.apiKey,
      headers: { accept: "text/event-stream" },
      body: { message: `Tell me everything [cancel:${marker}]`, workflowId: saved.json.workflow.id },
    });
    expect(response.status).toBe(200);
    let executionId = "";
    let tokens = 0;
    let piecesAtCancel = 0;
    let cancelled: Promise<{ status: number }> | undefined;
    const events = await readSse(response, {
      onEvent: (m) => {
        if (m.event === "run_started") executionId = m.data.executionId;
        if (m.event === "token" && ++tokens === 5) {
          piecesAtCancel = entry(marker).pieces;
          cancelled = callJson(server.url, `/api/executions/${executionId}/cancel`, {
            method: "POST",
            apiKey: user.apiKey,
          });
        }
      },
    });
    expect((await cancelled)?.status).toBeLessThan(300);
    expect(events.some((m) => m.event === "run_cancelled")).toBe(true);
    const piecesAtEnd = entry(marker).pieces;
    await sleep(20 * PIECE_LATENCY_MS);
    expect(entry(marker).requests, "model requests").toBe(1);
    expect(entry(marker).pieces - piecesAtCancel, "pieces written after the cancel").toBeLessThanOrEqual(3);
    expect(entry(marker).pieces).toBe(piecesAtEnd);
    expect(await statusOf(executionId)).toBe("cancelled");
    const [message] = await sql<
      Array<{ status: string }>
    >`select status from messages where execution_id = ${executionId} and role = 'assistant'`;
    expect(message?.status).toBe("stopped");
  });
});
