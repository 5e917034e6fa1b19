/**
 * A client of the running server over real HTTP, for benchmarks and the reliability suites: accounts and API
 * keys made through the API itself, JSON calls, and a Server-Sent Events reader that notes when each event
 * arrived (performance.timeOrigin + performance.now(), a sub-millisecond wall clock comparable across
 * processes on one machine).
 */
import { performance } from "node:perf_hooks";
import { ulid } from "ulid";

export const wallClock = () => performance.timeOrigin + performance.now();

export interface HttpUser {
  id: string;
  email: string;
  password: string;
  /** Session cookie ("name=value"). */
  cookie: string;
  /** A fresh API key (Bearer). */
  apiKey: string;
  /** The API key's id (to revoke it). */
  apiKeyId: string;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  apiKey?: string;
  cookie?: string;
  signal?: AbortSignal;
}

export function request(
  baseUrl: string,
  path: string,
  { method = "GET", body, headers = {}, apiKey, cookie, signal }: CallOptions = {},
): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  if (cookie) h.cookie = cookie;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    h["content-type"] ??= "application/json";
  }
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: h,
    ...(payload !== undefined ? { body: payload } : {}),
    ...(signal ? { signal } : {}),
    redirect: "manual",
  });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function callJson(baseUrl: string, path: string, options: CallOptions = {}): Promise<JsonResponse> {
  const response = await request(baseUrl, path, options);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Signs in as a browser does, through next-auth's credentials endpoint (a CSRF token first); returns the
 * session cookie ("name=value").
 */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await request(baseUrl, "/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await request(baseUrl, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    cookie: csrfCookie,
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/workflows" }).toString(),
  });
  await response.body?.cancel();
  const session = response.headers.getSetCookie().find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) {
    throw new Error(
      `signing in answered ${response.status} ${response.headers.get("location") ?? ""} without a session`,
    );
  }
  return session.split(";")[0]!;
}

/**
 * Signs up through POST /api/signup (which signs no one in), signs in, and issues an API key through
 * POST /api/keys.
 */
export async function signUpOverHttp(baseUrl: string, tag = "user"): Promise<HttpUser> {
  const email = `${tag}-${ulid().toLowerCase()}@suite.test`;
  const password = "correct horse battery staple";
  const signup = await request(baseUrl, "/api/signup", { method: "POST", body: { email, password, name: tag } });
  const signupText = await signup.text();
  if (signup.status !== 202) throw new Error(`signup answered ${signup.status}: ${signupText}`);
  const cookie = await signInOverHttp(baseUrl, email, password);
  const health = await callJson(baseUrl, "/api/health", { cookie });
  const id = health.json?.user?.id as string | undefined;
  if (!id) throw new Error(`the new session is not signed in: ${health.status} ${health.text}`);
  const key = await callJson(baseUrl, "/api/keys", { method: "POST", body: { name: `${tag} key` }, cookie });
  if (key.status !== 201) throw new Error(`creating an API key answered ${key.status}: ${key.text}`);
  return { id, email, password, cookie, apiKey: key.json.secret, apiKeyId: key.json.key.id };
}

export interface SseMessage {
  event: string;
  id?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  /** wallClock() when the event's last line arrived. */
  receivedAt: number;
}

/**
 * Reads a text/event-stream response to its end (or until `until` says stop), calling `onEvent` as each
 * event arrives. Returns every event.
 */
export async function readSse(
  response: Response,
  { onEvent, until }: { onEvent?: (message: SseMessage) => void; until?: (message: SseMessage) => boolean } = {},
): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  if (!response.body) return messages;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const receivedAt = wallClock();
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        let event = "message";
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = text;
          else if (field === "id") id = text;
          else if (field === "data") data.push(text);
        }
        if (data.length === 0) continue;
        let parsed: unknown = data.join("\n");
        try {
          parsed = JSON.parse(parsed as string);
        } catch {
          // not JSON: keep the text
        }
        const message: SseMessage = { event, ...(id !== undefined ? { id } : {}), data: parsed, receivedAt };
        messages.push(message);
        onEvent?.(message);
        if (until?.(message)) return messages;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return messages;
}
