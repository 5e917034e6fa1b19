/**
 * What the browser test's page runs: the SDK as a browser app bundles it (esbuild, platform "browser"),
 * against the server the page was loaded from. Each scenario answers plain data for the test to check.
 * `window.cutConnections()` (exposed by the test) cuts every connection at the proxy in front of the server.
 */
import { LatticeClient, LatticeError, type RetryInfo } from "../../src/index.js";
import { custom, echo, edge, modelGraph, slow, streamCutMidRun, tokensOf } from "../graphs.js";

declare global {
  interface Window {
    cutConnections(): Promise<void>;
    scenarios: typeof scenarios;
  }
}

/** An error as data: what crosses back to the test. */
function describeError(error: unknown) {
  return {
    name: error instanceof Error ? error.name : typeof error,
    isLatticeError: error instanceof LatticeError,
    isDomException: error instanceof DOMException,
    code: error instanceof LatticeError ? error.code : undefined,
    status: error instanceof LatticeError ? error.status : undefined,
    issues: error instanceof LatticeError ? error.issues : [],
    retryAfterSeconds: error instanceof LatticeError ? error.retryAfterSeconds : undefined,
  };
}

/** The error a call that must fail rejects with, as data. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return describeError(error);
  }
  throw new Error("the call was expected to fail");
}

/** Reads a run to its end (frees the suite's one run slot). */
async function drain(client: LatticeClient, executionId: string) {
  return client.executions.events(executionId).finalResult();
}

const scenarios = {
  /** Runs a workflow and waits for its result; then reads it back. */
  async run(apiKey: string) {
    const client = new LatticeClient({ baseUrl: location.origin, apiKey });
    const result = await client.executions.run(echo("hello from a browser"));
    const detail = await client.executions.get(result.executionId);
    return { status: result.status, message: result.output.message, stored: detail.status };
  },

  /** Streams a slow run; after five tokens every connection is cut; the stream resumes with Last-Event-ID. */
  async streamWithCut(apiKey: string) {
    const client = new LatticeClient({ baseUrl: location.origin, apiKey });
    const { stream, events, cutAt, reconnectedAfter } = await streamCutMidRun(client, "stream me in a browser", () =>
      window.cutConnections(),
    );
    const result = await stream.finalResult();
    const stored = await client.executions.get(result.executionId);
    return {
      cutAt,
      reconnectedAfter,
      reconnects: stream.reconnects,
      seqs: events.map((e) => e.seq),
      types: events.map((e) => e.type),
      tokens: tokensOf(events),
      status: result.status,
      message: result.output.message,
      storedLastSeq: stored.events.lastSeq,
    };
  },

  /** A run of an invalid workflow and a missing run: both LatticeErrors with the server's code and fields. */
  async typedErrors(apiKey: string) {
    const client = new LatticeClient({ baseUrl: location.origin, apiKey });
    const broken = modelGraph({ model: "echo" });
    broken.edges.push(edge("model", "nowhere"));
    const invalid = await failure(client.executions.run(custom(broken, "hi")));
    const missing = await failure(client.executions.get("01JB8Z3V4Q5R6S7T8V9W0X1Y2Z"));
    return { invalid, missing };
  },

  /**
   * Aborts: a call whose signal is already aborted; a stream left mid-run by its signal (the run goes on
   * until cancelled); and a run waiting out a 429's Retry-After, aborted during the wait.
   */
  async aborts(apiKey: string) {
    const client = new LatticeClient({ baseUrl: location.origin, apiKey });
    const already = new AbortController();
    already.abort();
    const before = await failure(client.workflows.list({ signal: already.signal }));

    const controller = new AbortController();
    const stream = await client.executions.stream(slow("abort me", 20), { signal: controller.signal });
    let tokens = 0;
    const midStream = await failure(
      (async () => {
        for await (const event of stream) {
          if (event.type === "token" && ++tokens === 2) controller.abort();
        }
      })(),
    );
    const executionId = stream.executionId!;
    const statusAfterAbort = (await client.executions.get(executionId)).status;
    await client.executions.cancel(executionId);
    const cancelled = await drain(client, executionId);

    // The slot is taken by a slow run; the next run is refused with 429 and waits its Retry-After — aborted then.
    const busy = await client.executions.start(slow("hold the slot", 10));
    const waiting = new AbortController();
    const retries: RetryInfo[] = [];
    const patient = new LatticeClient({
      baseUrl: location.origin,
      apiKey,
      onRetry: (info) => {
        retries.push(info);
        waiting.abort();
      },
    });
    const startedAt = performance.now();
    const duringRetry = await failure(patient.executions.run(echo("let me in"), { signal: waiting.signal }));
    const abortedAfterMs = performance.now() - startedAt;
    await client.executions.cancel(busy.executionId);
    await drain(client, busy.executionId);
    return {
      before,
      midStream,
      tokensBeforeAbort: tokens,
      statusAfterAbort,
      cancelled: cancelled.status,
      duringRetry,
      retries: retries.map(({ status, delayMs }) => ({ status, delayMs })),
      abortedAfterMs,
    };
  },

  /** On the app's own origin with no API key, the SDK rides the session cookie. */
  async sessionCookie(email: string) {
    const client = new LatticeClient({ baseUrl: location.origin });
    const health = await client.health();
    const result = await client.executions.run(echo("signed in by cookie"));
    return {
      sameUser: "user" in health && health.user.email === email,
      status: result.status,
      message: result.output.message,
    };
  },
};

window.scenarios = scenarios;
