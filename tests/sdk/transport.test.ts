/**
 * The TypeScript SDK's transport and stream without a server: what it retries (429/503 after Retry-After,
 * network failures of reads) and what it never retries (other 4xx), the error it builds from the API's
 * error body, and a run stream that resumes after a cut with Last-Event-ID and delivers each event once.
 */
import { describe, expect, it } from "vitest";
import { LatticeClient, LatticeError, parseRetryAfter, RunStream } from "@/sdk/typescript/src/index";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** A fetch that answers from a list and records each request. */
function scripted(answers: Array<Response | Error>) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const result = { executionId: "01JB8Z3V4Q5R6S7T8V9W0X1Y2Z", status: "completed" };

describe("retries", () => {
  it("retries a 429 after its Retry-After and sends the same body again", async () => {
    const server = scripted([
      json(429, { error: { code: "rate_limit:runs", message: "Too many" } }, { "retry-after": "0" }),
      json(200, result),
    ]);
    const retries: number[] = [];
    const client = new LatticeClient({
      baseUrl: "http://lattice.test/",
      apiKey: "lat_key",
      fetch: server.fetch,
      onRetry: (info) => retries.push(info.status),
    });
    const answer = await client.executions.run({ type: "CHAT", input: { message: "hi" } } as never);
    expect(answer).toEqual(result);
    expect(retries).toEqual([429]);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.url).toBe("http://lattice.test/api/executions");
      expect(request.headers.get("authorization")).toBe("Bearer lat_key");
      expect(await request.json()).toEqual({ type: "CHAT", input: { message: "hi" } });
    }
  });

  it("never retries another 4xx, and throws it as a LatticeError with its issues", async () => {
    const server = scripted([
      json(422, {
        error: {
          code: "validation:body",
          message: "Invalid",
          issues: [{ path: "input.message", message: "too long" }],
        },
      }),
    ]);
    const client = new LatticeClient({ baseUrl: "http://lattice.test", fetch: server.fetch });
    const error = await client.executions.run({ type: "CHAT", input: {} } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatticeError);
    expect(error).toMatchObject({ code: "validation:body", status: 422, type: "validation" });
    expect((error as LatticeError).issues).toEqual([{ path: "input.message", message: "too long" }]);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after maxRetries and throws the last 503 with its Retry-After", async () => {
    const busy = () => json(503, { error: { code: "unavailable:shutdown", message: "Bye" } }, { "retry-after": "0" });
    const server = scripted([busy(), busy(), busy()]);
    const client = new LatticeClient({ baseUrl: "http://lattice.test", fetch: server.fetch, retry: { maxRetries: 2 } });
    await expect(client.workflows.list()).rejects.toMatchObject({ code: "unavailable:shutdown", retryAfterSeconds: 0 });
    expect(server.requests).toHaveLength(3);
  });

  it("does not wait for a Retry-After beyond maxRetryAfterMs", async () => {
    const server = scripted([
      json(429, { error: { code: "rate_limit:runs", message: "Later" } }, { "retry-after": "120" }),
    ]);
    const client = new LatticeClient({ baseUrl: "http://lattice.test", fetch: server.fetch });
    await expect(client.workflows.list()).rejects.toMatchObject({ status: 429, retryAfterSeconds: 120 });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a network failure of a read, not of a write", async () => {
    const read = scripted([new TypeError("fetch failed"), json(200, { workflows: [] })]);
    const client = new LatticeClient({ baseUrl: "http://lattice.test", fetch: read.fetch, retry: { baseDelayMs: 1 } });
    await expect(client.workflows.list()).resolves.toEqual({ workflows: [] });
    const write = scripted([new TypeError("fetch failed")]);
    const writer = new LatticeClient({ baseUrl: "http://lattice.test", fetch: write.fetch });
    await expect(writer.apiKeys.create({ name: "k" })).rejects.toMatchObject({
      code: "unavailable:network",
      status: 0,
    });
    expect(write.requests).toHaveLength(1);
  });

  it("an aborted call rejects with the signal's reason, also while waiting for a retry", async () => {
    const server = scripted([
      json(429, { error: { code: "rate_limit:runs", message: "Wait" } }, { "retry-after": "30" }),
    ]);
    const client = new LatticeClient({ baseUrl: "http://lattice.test", fetch: server.fetch });
    const controller = new AbortController();
    const call = client.workflows.list({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await expect(call).rejects.toThrow("stop");
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("RunStream", () => {
  const id = "01JB8Z3V4Q5R6S7T8V9W0X1Y2Z";
  const event = (seq: number, type = "token") =>
    `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ seq, type, executionId: id, at: "", data: { text: `t${seq}`, nodeId: "m" } })}\n\n`;
  /** A body that sends `frames` and then errors (a cut connection) or ends. */
  const body = (frames: string[], cut: boolean) => {
    const queue = [...frames];
    return new ReadableStream<Uint8Array>({
      // One frame per read; after the last, an error (a cut connection) or the end.
      pull(controller) {
        const frame = queue.shift();
        if (frame !== undefined) controller.enqueue(new TextEncoder().encode(frame));
        else if (cut) controller.error(new TypeError("terminated"));
        else controller.close();
      },
    });
  };

  it("resumes after a cut from the last event it delivered, skipping replays", async () => {
    const asked: number[] = [];
    const connections = [
      body([event(1), event(2), event(3)], true),
      // The server replays 3 (a proxy's buffer, say): it must not be delivered twice.
      body([event(3), event(4), event(5, "run_completed")], false),
    ];
    const open = async ({ afterSeq }: { afterSeq: number }) => {
      asked.push(afterSeq);
      return new Response(connections.shift()!, { headers: { "content-type": "text/event-stream" } });
    };
    const reconnects: number[] = [];
    const stream = new RunStream(open, open, { executionId: id, onReconnect: (info) => reconnects.push(info.lastSeq) });
    const seqs: number[] = [];
    for await (const e of stream) seqs.push(e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([0, 3]);
    expect(reconnects).toEqual([3]);
    expect(stream.terminal?.type).toBe("run_completed");
  });

  it("delivers nothing after an abort, not even events that had already arrived", async () => {
    // Three events in one chunk: parsed together, so two are still buffered when the first is delivered.
    const open = async () => new Response(body([event(1) + event(2) + event(3)], false));
    const controller = new AbortController();
    const stream = new RunStream(open, open, { executionId: id, signal: controller.signal });
    const seqs: number[] = [];
    const iterating = (async () => {
      for await (const e of stream) {
        seqs.push(e.seq);
        controller.abort(new Error("stop"));
      }
    })();
    await expect(iterating).rejects.toThrow("stop");
    expect(seqs).toEqual([1]);
  });

  it("a stream that ends without its last event twice says so instead of waiting forever", async () => {
    const open = async () => new Response(body([], false));
    const stream = new RunStream(open, open, { executionId: id, maxReconnects: 3 });
    await expect(stream.finalResult()).rejects.toMatchObject({ code: "unavailable:stream" });
  });
});
