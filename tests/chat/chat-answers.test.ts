/**
 * What a saved chat answer carries for the chat to show it again after a reload: its tool-call steps, its
 * sources; and the conversation's title, given by the workflow's own model after the first exchange (over
 * real HTTP to the local OpenAI-compatible wire server), never over a title its owner chose.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { GET as getConversation, PATCH as renameConversation } from "@/app/api/conversations/[id]/route";
import { POST as addDocument } from "@/app/api/knowledge-bases/[id]/documents/route";
import { POST as createKnowledgeBase } from "@/app/api/knowledge-bases/route";
import { POST as instantiate } from "@/app/api/templates/[id]/instantiate/route";
import { GET as listTemplates } from "@/app/api/templates/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { chatMessageEventSchema } from "@/lib/contracts/conversations";
import { cleanGeneratedTitle, titleFromMessage } from "@/lib/engine/title";
import { setEnv } from "@/tests/helpers/env";
import { startWireServer, type WireServer } from "@/tests/helpers/wire-server";
import { call, callRaw, echoDefinition, newActor, readSse, type Actor } from "../api/rest-fixtures";

async function send(actor: Actor, body: Record<string, unknown>) {
  const response = await callRaw(chat, "/api/chat", { method: "POST", body, auth: actor });
  expect(response.status).toBe(200);
  const messages = await readSse(response);
  return chatMessageEventSchema.parse(messages.at(-1)!.data);
}

async function conversationOf(actor: Actor, id: string) {
  return (await call(getConversation, "/api/conversations/x", { auth: actor, params: { id } })).json.conversation;
}

async function templateId(actor: Actor, slug: string): Promise<string> {
  const { json } = await call(listTemplates, "/api/templates", { auth: actor });
  return (json.templates as Array<{ id: string; slug: string | null }>).find((t) => t.slug === slug)!.id;
}

describe("saved chat answers", () => {
  it("keep their tool-call steps (name, arguments, result) for the chat to show after a reload", async () => {
    const actor = await newActor();
    const saved = await send(actor, {
      message: "use calculator on 6*7",
      templateId: await templateId(actor, "tool-agent"),
    });
    expect(saved.message.content).toContain("calculator returned: 42");
    const [answer] = (await conversationOf(actor, saved.conversationId)).messages.filter(
      (m: { role: string }) => m.role === "assistant",
    );
    expect(answer.metadata.toolCalls).toEqual([
      expect.objectContaining({ name: "calculator", args: { expression: "6*7" }, result: "42" }),
    ]);
  });

  it("keep the passages they cite, from a knowledge base chosen for the Q&A template", async () => {
    const actor = await newActor();
    const kb = await call(createKnowledgeBase, "/api/knowledge-bases", {
      method: "POST",
      body: { name: "Handbook" },
      auth: actor,
    });
    expect(kb.status).toBe(201);
    const kbId = kb.json.knowledgeBase.id as string;
    const doc = await call(addDocument, "/api/knowledge-bases/x/documents", {
      method: "POST",
      auth: actor,
      params: { id: kbId },
      body: { title: "Holidays", text: "Every employee gets twenty-eight days of paid holiday per year." },
    });
    expect(doc.status).toBe(201);
    const rag = await templateId(actor, "rag-qa");
    const workflow = await call(instantiate, "/api/templates/x/instantiate", {
      method: "POST",
      auth: actor,
      params: { id: rag },
      body: { name: "Knowledge base Q&A · Handbook", params: { knowledgeBaseId: kbId } },
    });
    expect(workflow.status).toBe(201);
    const saved = await send(actor, {
      message: "How many days of paid holiday?",
      workflowId: workflow.json.workflow.id,
    });
    expect(saved.message.metadata.sources).toEqual([
      expect.objectContaining({ title: "Holidays", knowledgeBaseId: kbId }),
    ]);
    expect(saved.message.content).toContain("[1]");
  });
});

describe("conversation titles", () => {
  let restoreEnv: () => void;
  let wire: WireServer;

  beforeAll(async () => {
    wire = await startWireServer({
      respond: (request) => {
        const system = request.messages.find((m) => m.role === "system")?.content ?? "";
        if (system.startsWith("You name chat conversations")) return { text: '"Planning a Lisbon trip."' };
        return { text: "Here is a plan for three days in Lisbon" };
      },
    });
    restoreEnv = setEnv({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: `${wire.url}/v1` });
  });

  afterAll(async () => {
    restoreEnv();
    await wire.close();
  });

  async function openaiWorkflow(actor: Actor): Promise<string> {
    const definition = echoDefinition("Travel helper");
    definition.nodes[1]!.data.config = { provider: "openai", model: "gpt-4o-mini" };
    const { status, json } = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: definition,
      auth: actor,
    });
    expect(status).toBe(201);
    return json.workflow.id as string;
  }

  it("are written by the workflow's model after the first exchange, and left alone after that", async () => {
    const actor = await newActor();
    const workflowId = await openaiWorkflow(actor);
    const first = await send(actor, {
      message: "I have three days in Lisbon next month, what should I see?",
      workflowId,
    });
    expect((await conversationOf(actor, first.conversationId)).title).toBe("Planning a Lisbon trip");
    const titleRequests = wire.requests.filter((r) => r.messages[0]?.content.startsWith("You name chat conversations"));
    expect(titleRequests).toHaveLength(1);
    expect(titleRequests[0]!.messages.at(-1)!.content).toBe(
      "I have three days in Lisbon next month, what should I see?",
    );

    await send(actor, { message: "And where should I eat?", conversationId: first.conversationId, workflowId });
    expect((await conversationOf(actor, first.conversationId)).title).toBe("Planning a Lisbon trip");
    expect(wire.requests.filter((r) => r.messages[0]?.content.startsWith("You name chat conversations"))).toHaveLength(
      1,
    );
  });

  it("are asked inside the run: the title's tokens are the run's, its answer's and its conversation's", async () => {
    const actor = await newActor();
    const workflowId = await openaiWorkflow(actor);
    const response = await callRaw(chat, "/api/chat", {
      method: "POST",
      body: { message: "I have three days in Lisbon next month, what should I see?", workflowId },
      auth: actor,
    });
    const events = await readSse(response);
    const saved = chatMessageEventSchema.parse(events.at(-1)!.data);
    const nodeTokens = events
      .filter((e) => e.event === "node_completed")
      .reduce(
        (sum, e) => sum + (e.data.data.usage ? e.data.data.usage.inputTokens + e.data.data.usage.outputTokens : 0),
        0,
      );
    const run = events.find((e) => e.event === "run_completed")!.data.data;
    // The answer node's tokens, and the title's beside them (a system prompt, the message, a short reply).
    expect(nodeTokens).toBeGreaterThan(0);
    expect(run.usage.totalTokens).toBeGreaterThan(nodeTokens + 20);
    expect(saved.message.tokens).toBe(run.usage.totalTokens);
    const conversation = await conversationOf(actor, saved.conversationId);
    expect(conversation.title).toBe("Planning a Lisbon trip");
    expect(conversation.totalTokens).toBe(run.usage.totalTokens);
  });

  it("never replace a title the owner chose", async () => {
    const actor = await newActor();
    const workflowId = await openaiWorkflow(actor);
    // The owner renames the conversation while its first answer is being written.
    const response = await callRaw(chat, "/api/chat", {
      method: "POST",
      body: { message: "Lisbon ideas please", workflowId },
      auth: actor,
    });
    const reader = response.body!.getReader();
    // The first run event names the conversation (the stream opens with its `retry:` line).
    let first = "";
    const decoder = new TextDecoder();
    while (!/"conversationId":"[0-9A-Z]{26}"/.test(first)) first += decoder.decode((await reader.read()).value);
    const conversationId = /"conversationId":"([0-9A-Z]{26})"/.exec(first)![1]!;
    const renamed = await call(renameConversation, "/api/conversations/x", {
      method: "PATCH",
      auth: actor,
      params: { id: conversationId },
      body: { title: "My trip" },
    });
    expect(renamed.status).toBe(200);
    while (!(await reader.read()).done) {
      // read the stream to its end
    }
    expect((await conversationOf(actor, conversationId)).title).toBe("My trip");
  });

  it("stay the first message when the built-in local model answered (it cannot summarise)", async () => {
    const actor = await newActor();
    const created = await call(createWorkflow, "/api/workflows", {
      method: "POST",
      body: echoDefinition("Local echo"),
      auth: actor,
    });
    const saved = await send(actor, {
      message: "Tell me about graphs\nand more",
      workflowId: created.json.workflow.id,
    });
    expect((await conversationOf(actor, saved.conversationId)).title).toBe(
      titleFromMessage("Tell me about graphs\nand more"),
    );
    expect(titleFromMessage("Tell me about graphs\nand more")).toBe("Tell me about graphs");
  });

  it("are written by the default model when it is a configured provider (the Universal chat's here)", async () => {
    const actor = await newActor();
    const saved = await send(actor, { message: "I have three days in Lisbon next month, what should I see?" });
    expect((await conversationOf(actor, saved.conversationId)).title).toBe("Planning a Lisbon trip");
  });

  it("are cleaned of quotes, labels and end punctuation", () => {
    expect(cleanGeneratedTitle('Title: "Lisbon in three days."')).toBe("Lisbon in three days");
    expect(cleanGeneratedTitle("**Graph basics**\nsome explanation")).toBe("Graph basics");
    expect(cleanGeneratedTitle("   \n  ")).toBeNull();
    expect(cleanGeneratedTitle("x".repeat(200))!.length).toBeLessThanOrEqual(80);
  });
});
