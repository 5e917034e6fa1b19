/**
 * n8n 1.123 as an optional peer (port of the reference harness's lib/n8n-api.mjs): the owner account, an
 * OpenAI credential pointed at the wire server, and an active workflow Chat Trigger → AI Agent (OpenAI Chat
 * Model + Simple Memory), asked through the chat webhook.
 */
import crypto from "node:crypto";

export class N8nClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private cookie = "";
  private webhookId = "";
  workflowId = "";

  constructor(base: string, { timeoutMs = 30000 } = {}) {
    this.base = base.replace(/\/$/, "");
    this.timeoutMs = timeoutMs;
  }

  // biome-ignore lint/suspicious/noExplicitAny: n8n's responses are untyped JSON, read field by field by the bench
  private async req(method: string, path: string, body?: unknown): Promise<any> {
    const r = await fetch(this.base + path, {
      method,
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: {
        "content-type": "application/json",
        ...(this.cookie ? { cookie: this.cookie } : {}),
        "browser-id": "bench",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = r.headers.getSetCookie?.() ?? [];
    const auth = set.map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("n8n-auth="));
    if (auth) this.cookie = auth;
    const text = await r.text();
    // biome-ignore lint/suspicious/noExplicitAny: n8n's responses are untyped JSON, read field by field by the bench
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    if (!r.ok) throw new Error(`${method} ${path} -> ${r.status} ${text.slice(0, 300)}`);
    return json?.data ?? json;
  }

  async waitUntilUp(ms = 120000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      try {
        if ((await fetch(`${this.base}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error("n8n not up");
  }

  async login(email: string, password: string): Promise<void> {
    try {
      await this.req("POST", "/rest/owner/setup", { email, firstName: "Bench", lastName: "Peer", password });
    } catch {
      await this.req("POST", "/rest/login", { emailOrLdapLoginId: email, password });
    }
  }

  async createChatAgent(openaiUrl: string, model = "gpt-4o-mini"): Promise<string> {
    const cred = await this.req("POST", "/rest/credentials", {
      name: `fake-openai-${Date.now()}`,
      type: "openAiApi",
      data: { apiKey: "sk-bench-not-real", url: openaiUrl },
    });
    this.webhookId = crypto.randomUUID();
    const nodes = [
      {
        id: crypto.randomUUID(),
        name: "When chat message received",
        type: "@n8n/n8n-nodes-langchain.chatTrigger",
        typeVersion: 1.3,
        position: [0, 0],
        webhookId: this.webhookId,
        parameters: { public: true, options: { responseMode: "lastNode" } },
      },
      {
        id: crypto.randomUUID(),
        name: "AI Agent",
        type: "@n8n/n8n-nodes-langchain.agent",
        typeVersion: 2.2,
        position: [220, 0],
        parameters: { options: {} },
      },
      {
        id: crypto.randomUUID(),
        name: "OpenAI Chat Model",
        type: "@n8n/n8n-nodes-langchain.lmChatOpenAi",
        typeVersion: 1.2,
        position: [100, 200],
        parameters: { model: { __rl: true, value: model, mode: "id" }, options: {} },
        credentials: { openAiApi: { id: cred.id, name: cred.name } },
      },
      {
        id: crypto.randomUUID(),
        name: "Simple Memory",
        type: "@n8n/n8n-nodes-langchain.memoryBufferWindow",
        typeVersion: 1.3,
        position: [260, 200],
        parameters: {},
      },
    ];
    const connections = {
      "When chat message received": { main: [[{ node: "AI Agent", type: "main", index: 0 }]] },
      "OpenAI Chat Model": { ai_languageModel: [[{ node: "AI Agent", type: "ai_languageModel", index: 0 }]] },
      "Simple Memory": { ai_memory: [[{ node: "AI Agent", type: "ai_memory", index: 0 }]] },
    };
    const wf = await this.req("POST", "/rest/workflows", {
      name: `bench-chat-${Date.now()}`,
      nodes,
      connections,
      settings: { executionOrder: "v1" },
      active: false,
    });
    this.workflowId = wf.id;
    await this.req("POST", `/rest/workflows/${wf.id}/activate`, { versionId: wf.versionId });
    return wf.id as string;
  }

  /** One chat turn through the public chat webhook. */
  async predict(message: string, sessionId: string): Promise<{ text: unknown }> {
    const r = await fetch(`${this.base}/webhook/${this.webhookId}/chat`, {
      method: "POST",
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "sendMessage", sessionId, chatInput: message }),
    });
    const t = await r.text();
    if (!r.ok) throw new Error(`n8n chat ${r.status} ${t.slice(0, 300)}`);
    let j: { output?: unknown; text?: unknown };
    try {
      j = JSON.parse(t);
    } catch {
      j = { output: t };
    }
    return { text: j.output ?? j.text ?? j };
  }
}
