/**
 * The fetch every SDK call goes through: the API key, and retries with backoff on 429 and 503 that honour
 * the server's Retry-After (both are answered before anything starts — a refused run did not run — so a
 * retry never runs anything twice). Other 4xx answers are never retried. A network failure is retried for
 * reads (GET) only. Every wait ends at once when the call's signal aborts.
 */
import { networkError, parseRetryAfter } from "./errors.js";

export interface RetryOptions {
  /** Tries after the first (default 3; 0 turns retrying off). */
  maxRetries?: number;
  /** The first backoff when the server names no Retry-After (default 500 ms; doubled each time, with jitter). */
  baseDelayMs?: number;
  /** The longest backoff (default 10 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown (default 60 s). */
  maxRetryAfterMs?: number;
}

export interface RetryInfo {
  attempt: number;
  status: number;
  delayMs: number;
  method: string;
  url: string;
}

export interface TransportOptions {
  apiKey?: string;
  headers?: Record<string, string>;
  retry?: RetryOptions;
  /** A fetch to use instead of the global one (tests, proxies, a custom agent). */
  fetch?: typeof fetch;
  /** Called before each retry (logging, metrics). */
  onRetry?: (info: RetryInfo) => void;
}

const RETRYABLE_STATUSES = new Set([429, 503]);

/** Waits `ms`, or less when `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The backoff before retry `attempt` (1, 2, …) when the server gave no Retry-After: exponential, jittered. */
export function backoffDelay(attempt: number, { baseDelayMs = 500, maxDelayMs = 10_000 }: RetryOptions = {}): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * A fetch that adds the API key and default headers and retries 429/503 as described above. Takes what
 * `fetch` takes; a Request's body is replayed from a clone on each try.
 */
export function createTransport(options: TransportOptions): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const retry = options.retry ?? {};
  const maxRetries = retry.maxRetries ?? 3;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 60_000;

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!request.headers.has(name)) request.headers.set(name, value);
    }
    if (options.apiKey && !request.headers.has("authorization")) {
      request.headers.set("authorization", `Bearer ${options.apiKey}`);
    }
    const signal = request.signal;
    for (let attempt = 1; ; attempt += 1) {
      const isLast = attempt > maxRetries;
      let response: Response;
      try {
        response = await baseFetch(isLast ? request : request.clone());
      } catch (cause) {
        if (signal.aborted) throw signal.reason ?? cause;
        if (request.method !== "GET" || isLast) throw networkError(cause);
        await sleep(backoffDelay(attempt, retry), signal);
        continue;
      }
      if (!RETRYABLE_STATUSES.has(response.status) || isLast) return response;
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      const delayMs = retryAfter !== undefined ? retryAfter * 1000 : backoffDelay(attempt, retry);
      if (delayMs > maxRetryAfterMs) return response;
      await response.body?.cancel().catch(() => {});
      options.onRetry?.({ attempt, status: response.status, delayMs, method: request.method, url: request.url });
      await sleep(delayMs, signal);
    }
  };
}
