/**
 * A small Flowise 3.x REST client (port of the reference harness's lib/flowise-api.mjs): the first-run
 * account, cookie login, an OpenAI credential, the chatflow, predictions plain and streamed (SSE).
 */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface FlowiseStreamResult {
  headersMs: number;
  firstByteMs: number;
  firstTokenMs: number;
  totalMs: number;
  text: string;
  events: number;
  sse: boolean;
}

export class FlowiseClient {
  private readonly base: string;
  private readonly cookies: Record<string, string> = {};
  /** Every request is bounded in time. */
  private readonly timeoutMs: number;

  constructor(baseUrl: string, { timeoutMs = 30000 } = {}) {
    this.base = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
  }

  private cookieHeader(): string {
    return Object.entries(this.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  }

  async api(
    method: string,
    path: string,
    body?: unknown,
    { auth = true, allowFail = false } = {},
    // biome-ignore lint/suspicious/noExplicitAny: Flowise's responses are untyped JSON, read field by field by the bench
  ): Promise<{ status: number; data: any }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth) {
      headers.cookie = this.cookieHeader();
      headers["x-request-from"] = "internal";
    }
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [kv = ""] = c.split(";");
      const i = kv.indexOf("=");
      this.cookies[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
    if (!res.ok && !allowFail) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 400)}`);
    return { status: res.status, data };
  }

  async waitUntilUp(timeoutMs = 180000): Promise<true> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      try {
        const r = await fetch(`${this.base}/api/v1/ping`, { signal: AbortSignal.timeout(5000) });
        if (r.ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`Flowise at ${this.base} not up after ${timeoutMs / 1000}s`);
  }

  /** Registers the first (owner) account if none exists yet, then logs in. */
  async ensureLogin(email: string, password: string, name = "Bench Admin"): Promise<unknown> {
    const reg = await this.api(
      "POST",
      "/api/v1/account/register",
      { user: { name, email, credential: password } },
      { auth: false, allowFail: true },
    );
    const login = await this.api("POST", "/api/v1/auth/login", { email, password }, { auth: false, allowFail: true });
    if (login.status !== 200 || !this.cookies.token)
      throw new Error(
        `login failed (${login.status}): ${JSON.stringify(login.data).slice(0, 300)}; register said ${reg.status}: ${JSON.stringify(reg.data).slice(0, 300)}`,
      );
    return login.data;
  }

  async createOpenAICredential(name: string, apiKey: string): Promise<string> {
    const { data } = await this.api("POST", "/api/v1/credentials", {
      name,
      credentialName: "openAIApi",
      plainDataObj: { openAIApiKey: apiKey },
    });
    return data.id as string;
  }

  async createChatflow(name: string, flowData: unknown): Promise<{ id: string }> {
    const { data } = await this.api("POST", "/api/v1/chatflows", {
      name,
      flowData: JSON.stringify(flowData),
      deployed: true,
      isPublic: false,
      type: "CHATFLOW",
    });
    return data as { id: string };
  }

  async deleteChatflow(id: string) {
    return this.api("DELETE", `/api/v1/chatflows/${id}`, undefined, { allowFail: true });
  }

  async version(): Promise<unknown> {
    return (await this.api("GET", "/api/v1/version", undefined, { auth: false, allowFail: true })).data;
  }

  /** One prediction as JSON. */
  async predict(chatflowId: string, question: string, chatId: string): Promise<{ text?: unknown }> {
    const res = await fetch(`${this.base}/api/v1/prediction/${chatflowId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question, chatId, overrideConfig: { sessionId: chatId } }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`prediction -> ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { text?: unknown };
  }

  /** One streamed prediction: times to headers, first byte, first token and end. */
  async predictStream(chatflowId: string, question: string, chatId: string): Promise<FlowiseStreamResult> {
    const t0 = nowMs();
    const res = await fetch(`${this.base}/api/v1/prediction/${chatflowId}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ question, chatId, streaming: true, overrideConfig: { sessionId: chatId } }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const headersMs = nowMs() - t0;
    if (!res.ok) throw new Error(`stream prediction -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const ctype = res.headers.get("content-type") || "";
    let firstTokenMs = NaN,
      firstByteMs = NaN,
      text = "",
      buf = "",
      events = 0;
    const dec = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (Number.isNaN(firstByteMs)) firstByteMs = nowMs() - t0;
      buf += dec.decode(chunk, { stream: true });
      let idx: number;
      while ((idx = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        for (const line of block.split("\n")) {
          if (!line.startsWith("data:")) continue;
          events++;
          let ev: { event?: string; data?: unknown };
          try {
            ev = JSON.parse(line.slice(5).trim());
          } catch {
            continue;
          }
          if (ev.event === "token" && typeof ev.data === "string" && ev.data.length) {
            if (Number.isNaN(firstTokenMs)) firstTokenMs = nowMs() - t0;
            text += ev.data;
          } else if (ev.event === "error")
            throw new Error(`stream error event: ${JSON.stringify(ev.data).slice(0, 300)}`);
        }
      }
    }
    return {
      headersMs,
      firstByteMs,
      firstTokenMs,
      totalMs: nowMs() - t0,
      text,
      events,
      sse: ctype.includes("event-stream"),
    };
  }
}

/** Fills the saved chatflow (flowise-chatflow.json) with the credential id and the wire server's base path. */
export function fillFlowTemplate(
  template: unknown,
  { credentialId, basePath, modelName = "gpt-4o-mini" }: { credentialId: string; basePath: string; modelName?: string },
): unknown {
  const s = JSON.stringify(template)
    .replaceAll("__CREDENTIAL_ID__", credentialId)
    .replaceAll("__FAKE_OPENAI_BASEPATH__", basePath)
    .replaceAll("__MODEL_NAME__", modelName);
  const flow = JSON.parse(s) as Record<string, unknown>;
  delete flow._comment;
  return flow;
}
