/**
 * A human step answered in a chat tells, after a reload, how it was answered (metadata.humanAnswer, read
 * from the run's stored result): a rejection reads as rejected, an approval as approved. Real routes.
 */
import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { GET as getConversation } from "@/app/api/conversations/[id]/route";
import { POST as resume } from "@/app/api/executions/[id]/resume/route";
import { GET as listTemplates } from "@/app/api/templates/route";
import type { MessageDto } from "@/lib/contracts/conversations";
import { humanAnswerOf } from "@/lib/services/conversations";
import { call, callRaw, newActor, readSse, type Actor } from "./rest-fixtures";

async function templateId(actor: Actor, slug: string): Promise<string> {
  const { json } = await call(listTemplates, "/api/templates", { auth: actor });
  return (json.templates as Array<{ id: string; slug: string | null }>).find((t) => t.slug === slug)!.id;
}

async function messagesOf(actor: Actor, id: string): Promise<MessageDto[]> {
  return (await call(getConversation, "/api/conversations/x", { auth: actor, params: { id } })).json.conversation
    .messages;
}

describe("a human approval answered in a chat", () => {
  async function answered(approved: boolean) {
    const actor = await newActor();
    const asked = await callRaw(chat, "/api/chat", {
      method: "POST",
      body: { message: "Draft a reply", templateId: await templateId(actor, "human-approval") },
      auth: actor,
    });
    expect(asked.status).toBe(200);
    const messages = await readSse(asked);
    const paused = messages.find((m) => m.event === "run_completed")?.data.data;
    expect(paused?.status).toBe("paused");
    const response = await callRaw(resume, "/api/executions/x/resume", {
      method: "POST",
      body: { approved },
      auth: actor,
      params: { id: paused.executionId },
      headers: { accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    await readSse(response);
    return (await messagesOf(actor, paused.conversationId)).filter((m) => m.role === "assistant");
  }

  it("reads as rejected after a reload when it was rejected", async () => {
    const [question, answer] = await answered(false);
    expect(question).toMatchObject({ status: "complete", metadata: { humanAnswer: { approved: false } } });
    expect(answer?.content).toBe("The draft answer was not approved.");
  }, 120_000);

  it("reads as approved when it was approved", async () => {
    const [question, answer] = await answered(true);
    expect(question).toMatchObject({ status: "complete", metadata: { humanAnswer: { approved: true } } });
    expect(answer?.metadata.humanAnswer).toBeUndefined();
  }, 120_000);
});

describe("humanAnswerOf", () => {
  const graph = {
    nodes: [
      { id: "review", type: "human", data: { config: { mode: "approval", variable: "ok" } } },
      { id: "ask", type: "human", data: { config: { mode: "input", variable: "reply" } } },
    ],
    edges: [
      { source: "review", target: "send", sourceHandle: "approved" },
      { source: "review", target: "draft", sourceHandle: "rejected" },
    ],
  };
  const history = (...ids: string[]) => ids.map((nodeId) => ({ nodeId }));

  it("tells each pause of a loop by the branch taken after it", () => {
    const run = { definition: graph, history: history("draft", "review", "draft", "review", "send"), variables: {} };
    expect(humanAnswerOf({ nodeId: "review", occurrence: 0, ...run })).toEqual({ approved: false });
    expect(humanAnswerOf({ nodeId: "review", occurrence: 1, ...run })).toEqual({ approved: true });
  });

  it("falls back to the decision stored in its variable, and reads a typed answer", () => {
    expect(
      humanAnswerOf({ nodeId: "review", definition: graph, history: history("review"), variables: { ok: false } }),
    ).toEqual({ approved: false });
    expect(
      humanAnswerOf({ nodeId: "ask", definition: graph, history: history("ask"), variables: { reply: "Tuesday" } }),
    ).toEqual({ text: "Tuesday" });
    expect(humanAnswerOf({ nodeId: "missing", definition: graph, history: [], variables: {} })).toBeUndefined();
  });
});
