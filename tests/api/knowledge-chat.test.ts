/**
 * A chat bound to a knowledge base, against the real routes: a template that reads a knowledge base is
 * bound to one as a temporary definition; the chat's answers retrieve from that base, the conversation
 * names it, and the user's workflow list stays as it was.
 */
import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { POST as addDocument } from "@/app/api/knowledge-bases/[id]/documents/route";
import { POST as createKnowledgeBase } from "@/app/api/knowledge-bases/route";
import { GET as listTemplates } from "@/app/api/templates/route";
import { GET as listWorkflows } from "@/app/api/workflows/route";
import { chatMessageEventSchema } from "@/lib/contracts/conversations";
import { getConversationDto, listTemporaryAnswerers } from "@/lib/services/conversations";
import { prepareKnowledgeChat } from "@/lib/services/templates";
import { call, callRaw, newActor, readSse, type Actor } from "./rest-fixtures";

async function templateId(actor: Actor, slug: string): Promise<string> {
  const { json } = await call(listTemplates, "/api/templates", { auth: actor });
  return (json.templates as Array<{ id: string; slug: string | null }>).find((t) => t.slug === slug)!.id;
}

async function send(actor: Actor, body: Record<string, unknown>) {
  const response = await callRaw(chat, "/api/chat", { method: "POST", body, auth: actor });
  expect(response.status).toBe(200);
  const messages = await readSse(response);
  return chatMessageEventSchema.parse(messages.at(-1)!.data);
}

async function handbook(actor: Actor): Promise<string> {
  const kb = await call(createKnowledgeBase, "/api/knowledge-bases", {
    method: "POST",
    body: { name: "Handbook" },
    auth: actor,
  });
  expect(kb.status).toBe(201);
  const id = kb.json.knowledgeBase.id as string;
  const doc = await call(addDocument, "/api/knowledge-bases/x/documents", {
    method: "POST",
    auth: actor,
    params: { id },
    body: { title: "Holidays", text: "Every employee gets twenty-eight days of paid holiday per year." },
  });
  expect(doc.status).toBe(201);
  return id;
}

describe("a chat bound to a knowledge base", () => {
  it("retrieves from it, is named after it, and adds nothing to the workflow list", async () => {
    const actor = await newActor();
    const kbId = await handbook(actor);
    const rag = await templateId(actor, "rag-qa");
    const before = (await call(listWorkflows, "/api/workflows", { auth: actor })).json.workflows;

    const bound = await prepareKnowledgeChat({ ownerId: actor.id, templateId: rag, knowledgeBaseId: kbId });
    expect(bound.name).toBe("Knowledge base Q&A · Handbook");

    const saved = await send(actor, { message: "How many days of paid holiday?", workflowId: bound.workflowId });
    expect(saved.message.metadata.sources).toEqual([
      expect.objectContaining({ title: "Holidays", knowledgeBaseId: kbId }),
    ]);
    expect(saved.message.metadata).toMatchObject({ definitionId: bound.workflowId, templateId: rag });
    // The next question, in the same conversation, is answered from the same base.
    const next = await send(actor, {
      message: "Is paid holiday counted per year?",
      conversationId: saved.conversationId,
      workflowId: bound.workflowId,
    });
    expect(next.message.metadata.sources).toEqual([expect.objectContaining({ knowledgeBaseId: kbId })]);

    // The user's workflows are what they were: the binding is a temporary definition, never listed.
    expect((await call(listWorkflows, "/api/workflows", { auth: actor })).json.workflows).toEqual(before);
    // The conversation's page names it (no workflow list has it).
    const conversation = await getConversationDto({ ownerId: actor.id, id: saved.conversationId });
    expect(conversation.workflowId).toBe(bound.workflowId);
    expect(await listTemporaryAnswerers({ ownerId: actor.id, conversation })).toEqual([
      { id: bound.workflowId, name: "Knowledge base Q&A · Handbook" },
    ]);
  }, 120_000);

  it("is refused for another user's knowledge base and for a template that reads none", async () => {
    const owner = await newActor();
    const stranger = await newActor();
    const kbId = await handbook(owner);
    const rag = await templateId(stranger, "rag-qa");
    await expect(
      prepareKnowledgeChat({ ownerId: stranger.id, templateId: rag, knowledgeBaseId: kbId }),
    ).rejects.toMatchObject({ status: 404, code: "not_found:knowledge_base" });
    const universal = await templateId(owner, "universal-chat");
    await expect(
      prepareKnowledgeChat({ ownerId: owner.id, templateId: universal, knowledgeBaseId: kbId }),
    ).rejects.toMatchObject({ status: 400 });
    // Nothing was made for the stranger either.
    expect((await call(listWorkflows, "/api/workflows", { auth: stranger })).json.workflows).toEqual([]);
  }, 120_000);
});
