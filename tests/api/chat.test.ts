import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { GET as listConversations } from "@/app/api/conversations/route";
import {
  DELETE as deleteConversation,
  GET as getConversation,
  PATCH as renameConversation,
} from "@/app/api/conversations/[id]/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { GET as listExecutions } from "@/app/api/executions/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import {
  chatMessageEventSchema,
  conversationListResponseSchema,
  conversationResponseSchema,
} from "@/lib/contracts/conversations";
import { parseExecutionEvent } from "@/lib/contracts/events";
import { resetEnvCache } from "@/lib/env";
import { call, callRaw, echoDefinition, newActor, readSse, type Actor } from "./rest-fixtures";

async function send(actor: Actor, body: Record<string, unknown>) {
  const response = await callRaw(chat, "/api/chat", { method: "POST", body, auth: actor });
  expect(response.status).toBe(200);
  const messages = await readSse(response);
  const last = messages[messages.length - 1]!;
  expect(last.event).toBe("message");
  const saved = chatMessageEventSchema.parse(last.data);
  const events = messages.slice(0, -1).map((m) => parseExecutionEvent(m.data));
  return { saved, events };
}

describe("POST /api/chat", () => {
  it("starts a conversation and streams tokens, then the saved assistant message", async () => {
    const actor = await newActor();
    const { saved, events } = await send(actor, { message: "Hello, who are you?" });
    expect(events[0]!.type).toBe("run_started");
    const tokens = events.filter((e) => e.type === "token").map((e) => (e.type === "token" ? e.data.text : ""));
    expect(tokens.length).toBeGreaterThan(1);
    const terminal = events[events.length - 1]!;
    expect(terminal.type).toBe("run_completed");
    expect(saved.message).toMatchObject({
      role: "assistant",
      status: "complete",
      conversationId: saved.conversationId,
      executionId: terminal.executionId,
    });
    expect(saved.message.content).toBe(tokens.join(""));
    expect(saved.message.content).toContain("Hello, who are you?");

    const conversation = conversationResponseSchema.parse(
      (await call(getConversation, "/api/conversations/x", { auth: actor, params: { id: saved.conversationId } })).json,
    ).conversation;
    expect(conversation.title).toBe("Hello, who are you?");
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation.messageCount).toBe(2);
    // The closing event is the answer exactly as stored (made from what the run's finish wrote, not read back).
    expect(saved.message).toEqual(conversation.messages[1]);

    const execution = await call(getExecution, "/api/executions/x", {
      auth: actor,
      params: { id: terminal.executionId },
    });
    expect(execution.json.execution).toMatchObject({
      workflowType: "CHAT",
      conversationId: saved.conversationId,
      status: "completed",
    });
  });

  it("continues a conversation: the model sees the earlier turns", async () => {
    const actor = await newActor();
    const first = await send(actor, { message: "My name is Ada." });
    const second = await send(actor, { message: "What is my name?", conversationId: first.saved.conversationId });
    expect(second.saved.conversationId).toBe(first.saved.conversationId);
    // The echo model reports how many earlier messages it received.
    expect(second.saved.message.content).toContain("Earlier messages: 2.");
    const conversation = await call(getConversation, "/api/conversations/x", {
      auth: actor,
      params: { id: first.saved.conversationId },
    });
    expect(conversation.json.conversation.messages).toHaveLength(4);
  });

  it("answers with a saved workflow of the caller's; another user's workflow or conversation is a 404 before anything streams", async () => {
    const actor = await newActor();
    const other = await newActor();
    const definition = echoDefinition("Fixed answer");
    definition.nodes[2]!.data.config = { outputTemplate: "Always this." } as never;
    const { json } = await call(createWorkflow, "/api/workflows", { method: "POST", body: definition, auth: actor });
    const { saved } = await send(actor, { message: "anything", workflowId: json.workflow.id });
    expect(saved.message.content).toBe("Always this.");

    const theirWorkflow = await call(chat, "/api/chat", {
      method: "POST",
      body: { message: "hi", workflowId: json.workflow.id },
      auth: other,
    });
    expect(theirWorkflow.status).toBe(404);
    const theirConversation = await call(chat, "/api/chat", {
      method: "POST",
      body: { message: "hi", conversationId: saved.conversationId },
      auth: other,
    });
    expect(theirConversation.status).toBe(404);
    expect(theirConversation.text).not.toContain("anything");
  });

  it("leaves nothing of a turn that does not start: another user's conversation, an invalid workflow, the run limits", async () => {
    const actor = await newActor();
    const other = await newActor();
    const counts = async (who: Actor) => {
      const conversations = await call(listConversations, "/api/conversations", { auth: who });
      const runs = await call(listExecutions, "/api/executions", { auth: who });
      return { conversations: conversations.json.conversations.length, runs: runs.json.executions.length };
    };
    const { saved } = await send(other, { message: "Mine alone." });
    const before = { actor: await counts(actor), other: await counts(other) };

    // Another user's conversation: 404, and not a word of it lands there.
    const theirs = await call(chat, "/api/chat", {
      method: "POST",
      body: { message: "Let me in", conversationId: saved.conversationId },
      auth: actor,
    });
    expect(theirs.status).toBe(404);
    const conversation = await call(getConversation, "/api/conversations/x", {
      auth: other,
      params: { id: saved.conversationId },
    });
    expect(conversation.json.conversation.messages.map((m: { content: string }) => m.content)).not.toContain(
      "Let me in",
    );

    // A saved draft that is not valid (no way to its end): 422, and no conversation, message or run.
    const broken = echoDefinition("Broken");
    broken.edges = broken.edges.filter((edge) => edge.target !== "end");
    const created = await call(createWorkflow, "/api/workflows", { method: "POST", body: broken, auth: actor });
    expect(created.status).toBe(201);
    const invalid = await call(chat, "/api/chat", {
      method: "POST",
      body: { message: "Run the broken one", workflowId: created.json.workflow.id },
      auth: actor,
    });
    expect(invalid.status).toBe(422);

    // Over the runs-per-minute limit: 429, and no conversation, message or run.
    process.env.LATTICE_RUNS_PER_MINUTE = "1";
    resetEnvCache();
    try {
      const limited = await newActor();
      await send(limited, { message: "The one I may send." });
      const refused = await call(chat, "/api/chat", {
        method: "POST",
        body: { message: "One too many" },
        auth: limited,
      });
      expect(refused.status).toBe(429);
      expect(await counts(limited)).toEqual({ conversations: 1, runs: 1 });
    } finally {
      delete process.env.LATTICE_RUNS_PER_MINUTE;
      resetEnvCache();
    }

    expect({ actor: await counts(actor), other: await counts(other) }).toEqual(before);
  });

  it("refuses an empty message and both workflowId and templateId, naming the field", async () => {
    const actor = await newActor();
    const empty = await call(chat, "/api/chat", { method: "POST", body: { message: "   " }, auth: actor });
    expect(empty.status).toBe(422);
    expect(empty.json.error.issues[0].path).toBe("message");
    const both = await call(chat, "/api/chat", {
      method: "POST",
      body: { message: "hi", workflowId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", templateId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" },
      auth: actor,
    });
    expect(both.status).toBe(422);
    expect(both.json.error.issues[0].path).toBe("templateId");
  });
});

describe("conversations", () => {
  it("lists the caller's conversations by last activity with cursor pages, renames and deletes them", async () => {
    const actor = await newActor();
    const other = await newActor();
    await send(other, { message: "someone else's" });
    const ids: string[] = [];
    for (const message of ["first", "second", "third"]) ids.push((await send(actor, { message })).saved.conversationId);
    // Talking in the first one again moves it to the top.
    await send(actor, { message: "first again", conversationId: ids[0] });
    const expected = [ids[0], ids[2], ids[1]];

    const all = conversationListResponseSchema.parse(
      (await call(listConversations, "/api/conversations", { auth: actor })).json,
    );
    expect(all.conversations.map((c) => c.id)).toEqual(expected);
    expect(all.conversations[0]!.messageCount).toBe(4);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(listConversations, `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        auth: actor,
      });
      expect(response.status, response.text).toBe(200);
      const page = conversationListResponseSchema.parse(response.json);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    const renamed = await call(renameConversation, "/api/conversations/x", {
      method: "PATCH",
      body: { title: "  Planning  " },
      auth: actor,
      params: { id: ids[1]! },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.conversation).toMatchObject({ id: ids[1], title: "Planning" });
    const blank = await call(renameConversation, "/api/conversations/x", {
      method: "PATCH",
      body: { title: "" },
      auth: actor,
      params: { id: ids[1]! },
    });
    expect(blank.status).toBe(422);
    expect(blank.json.error.issues[0].path).toBe("title");

    expect(
      (
        await call(deleteConversation, "/api/conversations/x", {
          method: "DELETE",
          auth: actor,
          params: { id: ids[1]! },
        })
      ).status,
    ).toBe(204);
    expect((await call(getConversation, "/api/conversations/x", { auth: actor, params: { id: ids[1]! } })).status).toBe(
      404,
    );
    expect((await call(listConversations, "/api/conversations", { auth: actor })).json.conversations).toHaveLength(2);

    const bad = await call(listConversations, "/api/conversations?cursor=abc", { auth: actor });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("cursor");
  });

  it("hides another user's conversation: 404 on read, rename and delete, and it stays unchanged", async () => {
    const owner = await newActor();
    const other = await newActor();
    const { saved } = await send(owner, { message: "private thoughts" });
    const params = { id: saved.conversationId };
    for (const response of [
      await call(getConversation, "/api/conversations/x", { auth: other, params }),
      await call(renameConversation, "/api/conversations/x", {
        method: "PATCH",
        body: { title: "mine now" },
        auth: other,
        params,
      }),
      await call(deleteConversation, "/api/conversations/x", { method: "DELETE", auth: other, params }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.text).not.toContain("private thoughts");
    }
    const still = await call(getConversation, "/api/conversations/x", { auth: owner, params });
    expect(still.json.conversation.title).toBe("private thoughts");
  });
});
