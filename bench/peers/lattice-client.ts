/**
 * Lattice over its public HTTP API, as the peer comparison drives it (port of the reference harness's
 * lattice-api.mjs): a fresh account and API key; a saved workflow start → memory → model (`openai`) → end
 * whose model is the server's OpenAI-compatible provider (the server runs with OPENAI_BASE_URL at the wire
 * server); chat turns as JSON through POST /api/executions (type CHAT) and streamed through POST /api/chat.
 */
export interface LatticeStreamResult {
  /** When the request was sent, in ms of the monotonic clock (the clock of bench/timeline/preload.cjs). */
  sentAt: number;
  headersMs: number;
  firstTokenMs: number;
  totalMs: number;
  text: string;
  conversationId: string | undefined;
}

/** The session cookie ("name=value") a response sets, or "". */
function sessionCookieOf(response: Response): string {
  return (
    response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0] ?? "")
      .find((c) => c.includes("session-token=")) ?? ""
  );
}

export class LatticeClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private key = "";
  workflowId = "";

  constructor(base: string, { timeoutMs = 30000 } = {}) {
    this.base = base.replace(/\/$/, "");
    this.timeoutMs = timeoutMs;
  }

  async waitUntilUp(ms = 60000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      try {
        if ((await fetch(`${this.base}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`Lattice not up at ${this.base}`);
  }

  async signup(): Promise<void> {
    const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
    const r = await fetch(`${this.base}/api/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "Bench-Passw0rd-123", name: "bench" }),
      redirect: "manual",
    });
    if (r.status !== 201 && r.status !== 202 && r.status !== 200)
      throw new Error(`signup ${r.status} ${await r.text()}`);
    // Builds before issue 14 signed the new account in; later ones answer 202 and sign no one in: then sign in
    // as a browser does (next-auth's credentials endpoint, CSRF token first).
    const cookie = sessionCookieOf(r) || (await this.signIn(email, "Bench-Passw0rd-123"));
    if (!cookie) throw new Error("signing in after the sign-up set no session");
    const k = await fetch(`${this.base}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ name: "bench" }),
    });
    const body = (await k.json()) as Record<string, unknown>;
    const key = [body.secret, body.key, body.token].find((v): v is string => typeof v === "string");
    if (!key) throw new Error(`no key: ${JSON.stringify(body)}`);
    this.key = key;
  }

  private async signIn(email: string, password: string): Promise<string> {
    const csrf = await fetch(`${this.base}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signin = await fetch(`${this.base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: csrf.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
      redirect: "manual",
    });
    return sessionCookieOf(signin);
  }

  private api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      ...init,
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { "content-type": "application/json", authorization: `Bearer ${this.key}`, ...(init.headers ?? {}) },
    });
  }

  templateId = "";

  /** The chat graph (start → memory → model → end) whose model is the server's `openai` provider. */
  private static chatGraph(model: string) {
    const n = (id: string, type: string, config: Record<string, unknown> = {}) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      data: { config },
    });
    const e = (s: string, t: string) => ({ id: `${s}-${t}`, source: s, target: t });
    return {
      nodes: [
        n("start", "start"),
        n("memory", "memory", {}),
        n("model", "model", { provider: "openai", model }),
        n("end", "end"),
      ],
      edges: [e("start", "memory"), e("memory", "model"), e("model", "end")],
    };
  }

  /** The same chat graph saved as a template of the account's (a chat then answers through the template). */
  async createChatTemplate(model = "gpt-4o-mini"): Promise<string> {
    const r = await this.api("/api/templates", {
      method: "POST",
      body: JSON.stringify({ name: "bench chat template", ...LatticeClient.chatGraph(model) }),
    });
    const b = (await r.json()) as { template?: { id?: string } };
    if (!r.ok || !b.template?.id) throw new Error(`create template ${r.status} ${JSON.stringify(b)}`);
    this.templateId = b.template.id;
    return this.templateId;
  }

  /** One chat turn answered by the template (POST /api/executions, type CHAT, templateId). */
  async chatTemplate(
    message: string,
    conversationId?: string,
  ): Promise<{ text: unknown; conversationId: string | undefined }> {
    const body = { type: "CHAT", message, ...(conversationId ? { conversationId } : { templateId: this.templateId }) };
    const r = await this.api("/api/executions", { method: "POST", body: JSON.stringify(body) });
    const b = (await r.json()) as { status?: string; output?: { message?: unknown }; conversationId?: string };
    if (!r.ok || b.status !== "completed")
      throw new Error(`template chat ${r.status} ${JSON.stringify(b).slice(0, 300)}`);
    return { text: b.output?.message, conversationId: b.conversationId };
  }

  async createChatWorkflow(model = "gpt-4o-mini"): Promise<string> {
    const definition = { name: "bench chat", ...LatticeClient.chatGraph(model) };
    const r = await this.api("/api/workflows", { method: "POST", body: JSON.stringify(definition) });
    const b = (await r.json()) as { workflow?: { id?: string }; id?: string };
    if (!r.ok) throw new Error(`create workflow ${r.status} ${JSON.stringify(b)}`);
    this.workflowId = (b.workflow?.id ?? b.id) as string;
    return this.workflowId;
  }

  /** One chat turn as JSON (POST /api/executions, type CHAT). */
  async chat(message: string, conversationId?: string): Promise<{ text: unknown; conversationId: string | undefined }> {
    const body = { type: "CHAT", message, ...(conversationId ? { conversationId } : { workflowId: this.workflowId }) };
    const r = await this.api("/api/executions", { method: "POST", body: JSON.stringify(body) });
    const b = (await r.json()) as { status?: string; output?: { message?: unknown }; conversationId?: string };
    if (!r.ok || b.status !== "completed") throw new Error(`chat ${r.status} ${JSON.stringify(b).slice(0, 300)}`);
    return { text: b.output?.message, conversationId: b.conversationId };
  }

  /** One streamed chat turn (POST /api/chat, SSE): times to headers, the first token event and the end. */
  async chatStream(message: string, conversationId?: string): Promise<LatticeStreamResult> {
    const t0 = performance.now();
    const sentAt = Number(process.hrtime.bigint() / 1000n) / 1000;
    const body = { message, ...(conversationId ? { conversationId } : { workflowId: this.workflowId }) };
    const r = await this.api("/api/chat", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { accept: "text/event-stream" },
    });
    const headersMs = performance.now() - t0;
    if (!r.body) throw new Error(`chat stream ${r.status}: no body`);
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = "",
      firstTokenMs = NaN,
      text = "",
      conv = conversationId;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = block
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (ev === "token" && Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - t0;
        if (ev === "token") {
          try {
            const d = JSON.parse(data);
            text += d.data?.text ?? d.text ?? d.data?.token ?? "";
          } catch {
            // not JSON: no text
          }
        }
        if (ev === "message") {
          try {
            const d = JSON.parse(data);
            conv = d.conversationId;
            text = d.message?.content ?? text;
          } catch {
            // not JSON: keep what the tokens said
          }
        }
      }
    }
    return { sentAt, headersMs, firstTokenMs, totalMs: performance.now() - t0, text, conversationId: conv };
  }
}
